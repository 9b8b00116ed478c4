import Foundation
import KusariCore

/// The export file: the magic bytes `KSRBLK` and format version 0x0001, the
/// genesis id (32 bytes), then one record per block from height 1 up: a u32
/// big-endian length and the block's canonical encoding.
public enum BlockFile {
    public static let magic: [UInt8] = Array("KSRBLK".utf8) + [0x00, 0x01]
    /// The largest block record accepted (a decoding bound).
    public static let maxRecord = 64 << 20

    /// The file's first 40 bytes.
    public static func header(genesisId: Hash256) -> [UInt8] { magic + genesisId.bytes }

    /// One block record.
    public static func record(_ block: Block) -> [UInt8] {
        let body = block.encoded
        var w = ByteWriter(capacity: body.count + 4)
        w.writeUInt32(UInt32(body.count))
        w.writeBytes(body)
        return w.bytes
    }

    /// Reads a block file incrementally from a file handle.
    public struct Reader {
        let handle: FileHandle
        public let genesisId: Hash256
        /// How many records were read so far.
        public private(set) var count = 0

        public init(path: String) throws(BlockFileError) {
            guard let h = FileHandle(forReadingAtPath: path) else { throw .unreadable(path) }
            handle = h
            let head = (try? h.read(upToCount: 40)).map(Array.init) ?? []
            guard head.count == 40, Array(head.prefix(8)) == BlockFile.magic else { throw .notABlockFile(path) }
            genesisId = Hash256(bytes: head[8..<40]) ?? .zero
        }

        /// The next block's bytes, or nil at the end of the file.
        public mutating func next() throws(BlockFileError) -> [UInt8]? {
            let lengthBytes = (try? handle.read(upToCount: 4)).map(Array.init) ?? []
            if lengthBytes.isEmpty { return nil }
            guard lengthBytes.count == 4 else { throw .truncated(record: count + 1) }
            let length = lengthBytes.reduce(0) { $0 << 8 | Int($1) }
            guard length > 0, length <= BlockFile.maxRecord else { throw .badLength(record: count + 1, length: length) }
            let body = (try? handle.read(upToCount: length)).map(Array.init) ?? []
            guard body.count == length else { throw .truncated(record: count + 1) }
            count += 1
            return body
        }
    }
}

/// Why a block file cannot be read.
public enum BlockFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case notABlockFile(String)
    case truncated(record: Int)
    case badLength(record: Int, length: Int)

    public var description: String {
        switch self {
        case .unreadable(let p): return "\(p): cannot be read"
        case .notABlockFile(let p): return "\(p): not a kusari block file (bad magic bytes or header)"
        case .truncated(let r): return "block file is truncated in record \(r)"
        case .badLength(let r, let l): return "block file record \(r) has an impossible length \(l)"
        }
    }
}
