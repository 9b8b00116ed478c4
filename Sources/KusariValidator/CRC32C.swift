/// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78), the checksum of
/// the consensus write-ahead log's records, as in CometBFT's WAL, ext4, iSCSI and
/// LevelDB. Table-driven, one byte at a time.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// Folds `bytes` into a running CRC (start with `start`, finish with `finish`).
    static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        var c = crc
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        return c
    }

    /// The initial value of a running CRC.
    static let start: UInt32 = 0xFFFF_FFFF

    /// The final CRC of a running one.
    static func finish(_ crc: UInt32) -> UInt32 { crc ^ 0xFFFF_FFFF }

    /// The CRC-32C of `bytes` (`"123456789"` gives 0xE3069283).
    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 { finish(update(start, bytes)) }
}
