import KusariCore

/// Frames on the wire: network magic (4 bytes), message type (1), payload
/// length (u32, at most `WireLimits.maxPayload`), checksum (the first 4 bytes
/// of SHA-256d of the payload), payload. The length is checked before the
/// payload is awaited, so a peer cannot make a node allocate by lying.
public enum Frame {
    public static let headerSize = 13

    /// The magic bytes of each network's frames.
    public static func magic(for network: Network) -> UInt32 {
        switch network {
        case .main: return 0x4b53_5231   // "KSR1"
        case .test: return 0x4b53_5254   // "KSRT"
        case .devnet: return 0x4b53_5244 // "KSRD"
        }
    }

    /// One message as a frame.
    public static func encode(_ message: Message, magic: UInt32) -> [UInt8] {
        let payload = message.payload
        var w = ByteWriter(capacity: headerSize + payload.count)
        w.writeUInt32(magic)
        w.writeUInt8(message.type.rawValue)
        w.writeUInt32(UInt32(payload.count))
        w.writeBytes(Hash256.sha256d(payload).bytes.prefix(4))
        w.writeBytes(payload)
        return w.bytes
    }

    /// Reads one frame from the front of `bytes`: nil when more bytes are
    /// needed, else the message and how many bytes it took.
    public static func decode(_ bytes: ArraySlice<UInt8>, magic: UInt32) throws(FrameError) -> (Message, Int)? {
        guard bytes.count >= headerSize else { return nil }
        let base = bytes.startIndex
        func u32(_ at: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[base + at + $1]) }
        }
        let gotMagic = u32(0)
        guard gotMagic == magic else { throw .badMagic(gotMagic) }
        guard let type = MessageType(rawValue: bytes[base + 4]) else { throw .unknownType(bytes[base + 4]) }
        let length = Int(u32(5))
        guard length <= WireLimits.maxPayload else { throw .oversize(length) }
        guard bytes.count >= headerSize + length else { return nil }
        let payload = Array(bytes[(base + headerSize)..<(base + headerSize + length)])
        guard Array(Hash256.sha256d(payload).bytes.prefix(4)) == Array(bytes[(base + 9)..<(base + 13)]) else {
            throw .badChecksum(type)
        }
        do { return (try Message(type: type, payload: payload), headerSize + length) } catch {
            throw .undecodable(type, error)
        }
    }
}

/// Why a peer's bytes are not a valid frame. Each is misbehaviour.
public enum FrameError: Error, Equatable, CustomStringConvertible {
    case badMagic(UInt32)
    case unknownType(UInt8)
    case oversize(Int)
    case badChecksum(MessageType)
    case undecodable(MessageType, CanonicalDecodingError)

    public var description: String {
        switch self {
        case .badMagic(let m): return "frame: wrong network magic 0x\(String(m, radix: 16))"
        case .unknownType(let t): return "frame: unknown message type \(t)"
        case .oversize(let n): return "frame: payload of \(n) bytes exceeds \(WireLimits.maxPayload)"
        case .badChecksum(let t): return "frame: bad checksum on \(t)"
        case .undecodable(let t, let e): return "\(t): \(e)"
        }
    }
}
