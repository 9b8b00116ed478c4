import KusariCore

/// A peer-to-peer message. Each payload has one canonical encoding
/// (docs/protocol.md, "Wire protocol"); decoding refuses anything else.
public enum Message: Hashable, Sendable {
    case version(VersionInfo)
    case verack
    case ping(nonce: UInt64)
    case pong(nonce: UInt64)
    case getaddr
    case addr([PeerAddress])
    case inv([Inventory])
    case getdata([Inventory])
    case notfound([Inventory])
    case getheaders(locator: [Hash256], stop: Hash256)
    case headers([BlockHeader])
    case block(Block)
    case tx(Transaction)
    /// An item of a registered gossip channel (kind 16 and above): its bytes, which only
    /// the channel's owner decodes.
    case item(kind: Inventory.Kind, payload: [UInt8])

    /// The one-byte message type on the wire.
    public var type: MessageType {
        switch self {
        case .version: return .version
        case .verack: return .verack
        case .ping: return .ping
        case .pong: return .pong
        case .getaddr: return .getaddr
        case .addr: return .addr
        case .inv: return .inv
        case .getdata: return .getdata
        case .notfound: return .notfound
        case .getheaders: return .getheaders
        case .headers: return .headers
        case .block: return .block
        case .tx: return .tx
        case .item: return .item
        }
    }
}

/// Message type codes.
public enum MessageType: UInt8, CaseIterable, Sendable {
    case version = 1, verack = 2, ping = 3, pong = 4, getaddr = 5, addr = 6
    case inv = 7, getdata = 8, notfound = 9, getheaders = 10, headers = 11, block = 12, tx = 13, item = 14
}

/// What a node says about itself when a connection opens.
public struct VersionInfo: Hashable, Sendable {
    public static let currentProtocol: UInt32 = 1
    public static let maxUserAgent = 64

    public var protocolVersion: UInt32
    public var chainId: UInt32
    public var genesisId: Hash256
    public var bestHeight: UInt64
    /// Cumulative work of the best chain, 32 bytes big-endian.
    public var chainWork: Hash256
    /// A random id per node process, to detect connecting to ourselves.
    public var nodeId: UInt64
    /// The port this node accepts connections on (0: none).
    public var listenPort: UInt16
    public var userAgent: String

    public init(protocolVersion: UInt32 = VersionInfo.currentProtocol, chainId: UInt32, genesisId: Hash256, bestHeight: UInt64,
                chainWork: Hash256, nodeId: UInt64, listenPort: UInt16, userAgent: String) {
        self.protocolVersion = protocolVersion
        self.chainId = chainId
        self.genesisId = genesisId
        self.bestHeight = bestHeight
        self.chainWork = chainWork
        self.nodeId = nodeId
        self.listenPort = listenPort
        self.userAgent = userAgent
    }
}

/// A peer's address as gossiped: IPv6 (IPv4 mapped as ::ffff:a.b.c.d), port, last seen.
public struct PeerAddress: Hashable, Sendable {
    public var ip: [UInt8]   // 16 bytes
    public var port: UInt16
    public var lastSeen: UInt64

    public init?(ip: [UInt8], port: UInt16, lastSeen: UInt64) {
        guard ip.count == 16 else { return nil }
        self.ip = ip
        self.port = port
        self.lastSeen = lastSeen
    }

    /// An IPv4 address, mapped into IPv6.
    public init(ipv4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16, lastSeen: UInt64) {
        ip = [UInt8](repeating: 0, count: 10) + [0xff, 0xff, a, b, c, d]
        self.port = port
        self.lastSeen = lastSeen
    }
}

/// An announcement or request of one object.
public struct Inventory: Hashable, Sendable {
    /// What an inventory item is: a transaction (1), a block (2), or an item of a
    /// gossip channel (16 to 255, numbered by the subsystem that registers it).
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: UInt8
        /// A kind from its code, if it is one (1, 2, or a channel's 16...255).
        public init?(rawValue: UInt8) {
            guard rawValue == 1 || rawValue == 2 || rawValue >= Self.firstChannel else { return nil }
            self.rawValue = rawValue
        }
        private init(code: UInt8) { rawValue = code }
        public static let transaction = Kind(code: 1)
        public static let block = Kind(code: 2)
        /// The first code a gossip channel may have.
        public static let firstChannel: UInt8 = 16
        /// A gossip channel's kind (`code` at least 16).
        public static func channel(_ code: UInt8) -> Kind? { code >= firstChannel ? Kind(code: code) : nil }
        /// Whether this is a gossip channel's kind.
        public var isChannel: Bool { rawValue >= Self.firstChannel }
        public var description: String {
            switch rawValue {
            case 1: return "transaction"
            case 2: return "block"
            default: return "channel \(rawValue)"
            }
        }
    }
    public var kind: Kind
    public var hash: Hash256
    public init(kind: Kind, hash: Hash256) { self.kind = kind; self.hash = hash }
}

/// Bounds that decoding checks before allocating.
public enum WireLimits {
    public static let maxAddresses = 1_000
    public static let maxInventory = 50_000
    public static let maxLocator = 101
    public static let maxHeaders = 2_000
    /// The largest frame payload: a block of at most 4 MiB.
    public static let maxPayload = 4 << 20
}
