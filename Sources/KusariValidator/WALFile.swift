import KusariCore

/// The byte format of a consensus WAL file (docs/protocol.md, section 17.8): the magic
/// `KSRWAL` and version 0x0001 (8 bytes), then records, each `checksum u32 ‖ length u32
/// ‖ type u8 ‖ payload (length bytes)`, integers big-endian, the checksum the CRC-32C of
/// everything in the record after it (length, type and payload).
public enum WALFile {
    /// `KSRWAL` and format version 0x0001.
    static let magic: [UInt8] = Array("KSRWAL".utf8) + [0x00, 0x01]
    /// Bytes before a record's payload: checksum 4, length 4, type 1.
    static let recordHeader = 9
    /// The longest payload a record may have (64 MiB; the largest block is about 41 MB).
    /// A longer length is damage.
    public static let maxPayload = 64 << 20

    /// What a WAL file holds: its intact records in order, up to the first damaged one.
    public struct Contents: Sendable {
        /// The intact records, in the order written.
        public var records: [WALRecord]
        /// The byte offset at which each record begins.
        public var offsets: [Int]
        /// The length of the intact part (header and intact records).
        public var goodLength: Int
        /// The file's length.
        public var totalLength: Int
        /// Why reading stopped before the end, if it did.
        public var damage: String?
        /// Whether the file's header is unusable (it is not a WAL file of this version).
        public var badHeader: Bool
    }

    /// The bytes of `record` as it is appended.
    public static func frame(_ record: WALRecord) -> [UInt8] {
        let payload = record.payload
        var w = ByteWriter(capacity: recordHeader + payload.count)
        w.writeUInt32(0)
        w.writeUInt32(UInt32(payload.count))
        w.writeUInt8(record.type)
        w.writeBytes(payload)
        var bytes = w.bytes
        let crc = CRC32C.checksum(bytes[4...])
        for i in 0..<4 { bytes[i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(i))) }
        return bytes
    }

    /// Reads a WAL file's bytes: every intact record up to the first damaged one (a
    /// short header, a length over `maxPayload`, a payload cut short, a checksum
    /// mismatch, an unknown type or a payload that does not decode), which with
    /// everything after it is left out. An empty input is an empty log.
    public static func scan(_ bytes: [UInt8]) -> Contents {
        var contents = Contents(records: [], offsets: [], goodLength: 0, totalLength: bytes.count, damage: nil,
                                badHeader: false)
        guard !bytes.isEmpty else { return contents }
        guard bytes.count >= magic.count else {
            contents.damage = "the file header is cut short (\(bytes.count) of \(magic.count) bytes)"
            contents.badHeader = !magic.starts(with: bytes)
            return contents
        }
        guard Array(bytes.prefix(6)) == Array(magic.prefix(6)) else {
            contents.damage = "not a Kusari consensus WAL (its first bytes are not KSRWAL)"
            contents.badHeader = true
            return contents
        }
        guard Array(bytes.prefix(8)) == magic else {
            contents.damage = "format version \(Int(bytes[6]) << 8 | Int(bytes[7])) is not 1"
            contents.badHeader = true
            return contents
        }
        var offset = magic.count
        contents.goodLength = offset
        while offset < bytes.count {
            let left = bytes.count - offset
            guard left >= recordHeader else {
                contents.damage = "record header cut short (\(left) of \(recordHeader) bytes)"
                break
            }
            let crc = bigEndian32(bytes, offset), length = Int(bigEndian32(bytes, offset + 4))
            guard length <= maxPayload else {
                contents.damage = "record length \(length) is over the maximum \(maxPayload)"
                break
            }
            let end = offset + recordHeader + length
            guard end <= bytes.count else {
                contents.damage = "record cut short (\(left) of \(recordHeader + length) bytes)"
                break
            }
            guard CRC32C.checksum(bytes[(offset + 4)..<end]) == crc else {
                contents.damage = "record checksum mismatch"
                break
            }
            let type = bytes[offset + 8]
            let record: WALRecord
            do { record = try WALRecord(type: type, payload: Array(bytes[(offset + recordHeader)..<end])) } catch {
                contents.damage = "record does not decode (\(error))"
                break
            }
            contents.records.append(record)
            contents.offsets.append(offset)
            offset = end
            contents.goodLength = offset
        }
        return contents
    }

    /// Reads the WAL file at `path` without changing it (for inspection tools and
    /// tests); nil when there is none.
    public static func read(path: String) throws(WALError) -> Contents? {
        do {
            guard let bytes = try DurableFile.readAll(path) else { return nil }
            return scan(bytes)
        } catch {
            throw .open(path: path, reason: error.reason)
        }
    }

    private static func bigEndian32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
}

/// What opening a `ConsensusWAL` found and repaired, for the caller's log (the WAL also
/// logs it): how many intact records the head file held, and what was cut from it.
public struct WALRecovery: Hashable, Sendable, CustomStringConvertible {
    /// The head file's path.
    public var path: String
    /// The intact records kept.
    public var records: Int
    /// Where the cut began (the file's length after it), or nil when nothing was cut.
    public var cutOffset: Int?
    /// How many bytes were cut.
    public var cutBytes: Int
    /// What was wrong at `cutOffset`.
    public var reason: String?
    /// Where an unusable file (not a WAL of this version) was moved to, if one was.
    public var movedTo: String?

    /// Whether the file was intact (or missing).
    public var isIntact: Bool { cutOffset == nil && movedTo == nil }

    public var description: String {
        if let movedTo {
            return "consensus WAL \(path) was unusable (\(reason ?? "bad header")): moved its \(cutBytes) bytes to "
                + "\(movedTo) and started an empty log"
        }
        guard let cutOffset else { return "consensus WAL \(path): \(records) records, intact" }
        return "consensus WAL \(path): cut \(cutBytes) bytes at offset \(cutOffset) after \(records) intact "
            + "records (\(reason ?? "damaged"))"
    }
}

/// Why the consensus WAL could not be used. Each case names the file and the system's
/// reason. Damage to the file's contents is not an error: it is cut back on open.
public enum WALError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The WAL's directory or file could not be created, opened, read or repaired.
    case open(path: String, reason: String)
    /// A record could not be appended (the file was cut back to its last good length).
    case write(path: String, reason: String)
    /// `fsync` failed: the records may not be on disk. The log refuses further appends.
    case sync(path: String, reason: String)
    /// Starting a new file after a height ended failed.
    case rotate(path: String, reason: String)
    /// The log is closed, or unusable after an earlier failure.
    case unusable(path: String, reason: String)

    public var description: String {
        switch self {
        case .open(let p, let r): return "consensus WAL \(p): cannot open (\(r))"
        case .write(let p, let r): return "consensus WAL \(p): cannot append (\(r))"
        case .sync(let p, let r): return "consensus WAL \(p): cannot sync to disk (\(r)); restart the node"
        case .rotate(let p, let r): return "consensus WAL \(p): cannot start a new file (\(r))"
        case .unusable(let p, let r): return "consensus WAL \(p) is unusable (\(r))"
        }
    }
}
