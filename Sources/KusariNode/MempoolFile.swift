import Foundation
import KusariCore

/// The mempool saved at clean shutdown by versions before the journal:
/// `KSRMEM` + version 0x0001, then u32-length-prefixed transaction encodings.
/// Still read (and re-validated) on start, then removed once the journal holds
/// its transactions; nothing writes it any more (see `MempoolJournal`).
enum MempoolFile {
    static let name = "mempool.dat"
    static let magic: [UInt8] = Array("KSRMEM".utf8) + [0x00, 0x01]

    /// The saved transactions that still decode (a damaged file loses only what follows the damage).
    static func load(path: String) -> [Transaction] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let bytes = [UInt8](data)
        guard bytes.count >= 8, Array(bytes.prefix(8)) == magic else { return [] }
        var r = ByteReader(bytes, offset: 8)
        var out: [Transaction] = []
        while r.remaining > 0 {
            guard let length = try? r.readUInt32(field: "length"), Int(length) <= Transaction.maxEncodedSize,
                  let body = try? r.readBytes(Int(length), field: "tx"),
                  let tx = try? Transaction(decoding: body) else { break }
            out.append(tx)
        }
        return out
    }
}
