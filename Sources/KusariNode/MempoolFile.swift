import Foundation
import KusariCore

/// The saved mempool: `KSRMEM` + version 0x0001, then u32-length-prefixed
/// transaction encodings. Written atomically (temporary file, fsync, rename)
/// on clean shutdown and re-validated in full on start.
enum MempoolFile {
    static let name = "mempool.dat"
    static let magic: [UInt8] = Array("KSRMEM".utf8) + [0x00, 0x01]

    static func save(_ txs: [Transaction], path: String) throws {
        var w = ByteWriter()
        w.writeBytes(magic)
        for tx in txs {
            let bytes = tx.encoded
            w.writeUInt32(UInt32(bytes.count))
            w.writeBytes(bytes)
        }
        let tmp = path + ".tmp"
        _ = FileManager.default.createFile(atPath: tmp, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: tmp) else { throw CocoaError(.fileWriteNoPermission) }
        try handle.write(contentsOf: Data(w.bytes))
        try handle.synchronize()
        try handle.close()
        guard rename(tmp, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

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
