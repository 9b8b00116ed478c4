import KusariCore

/// The exchange's state lives in the storage of one reserved account, the module account
/// (docs/protocol.md 19.4), so that the state root, proofs, undo records, reorganisations,
/// persistence and `kusari verify` cover it as they cover a contract's storage.
public enum ExchangeModule {
    /// The module account: the first 20 bytes of SHA-256("KUSARI/MODULE/EXCHANGE").
    /// Nobody holds its key; it holds every locked amount (KSR in its balance, other
    /// assets in its asset balances).
    public static let address: AddressPayload = AddressPayload(bytes: Array(codeHash.bytes.prefix(20))) ?? .zero
    /// Its code hash, SHA-256("KUSARI/MODULE/EXCHANGE"): the mark that makes its leaf a
    /// contract leaf committing to its storage root. No code has this hash on chain.
    public static let codeHash = Hash256.sha256(Array(tag.utf8))
    static let tag = "KUSARI/MODULE/EXCHANGE"
}

/// The storage keys of the module account (docs/protocol.md 19.4). Every number is big-endian.
enum ExchangeKey {
    /// The next asset id (u32; absent means 1).
    static let nextAsset: [UInt8] = [0x01]
    /// 0x02 || asset u32 -> ``AssetRecord``.
    static func asset(_ id: UInt32) -> [UInt8] { [0x02] + be(id) }
    /// 0x03 || symbol -> asset u32.
    static func symbol(_ s: String) -> [UInt8] { [0x03] + Array(s.utf8) }
    /// 0x04 || asset u32 || owner -> balance u64 (absent: 0).
    static func balance(_ asset: UInt32, _ owner: AddressPayload) -> [UInt8] { [0x04] + be(asset) + owner.bytes }
    /// 0x05 || base u32 || quote u32 -> ``MarketRecord``.
    static func market(_ pair: MarketPair) -> [UInt8] { [0x05] + be(pair.base) + be(pair.quote) }
    /// 0x06 || base || quote: a market's book.
    static func book(_ pair: MarketPair) -> [UInt8] { [0x06] + be(pair.base) + be(pair.quote) }
    /// 0x06 || base || quote || side: one side of a book.
    static func bookSide(_ pair: MarketPair, _ side: OrderSide) -> [UInt8] { book(pair) + [side.rawValue] }
    /// 0x06 || base || quote || side || priority u64 || height u64 || order id -> ``OrderRecord``.
    /// The priority is the price for a sell and its complement (2^64 - 1 - price) for a
    /// buy, so each side's best order comes first in key order.
    static func order(_ pair: MarketPair, _ side: OrderSide, price: UInt64, height: UInt64, id: Hash256) -> [UInt8] {
        bookSide(pair, side) + be(priority(side, price)) + be(height) + id.bytes
    }
    /// A price as it sorts on its side: itself for a sell, 2^64 - 1 - price for a buy.
    static func priority(_ side: OrderSide, _ price: UInt64) -> UInt64 { side == .buy ? ~price : price }
    /// 0x07 || order id -> the order's book key.
    static func orderIndex(_ id: Hash256) -> [UInt8] { [0x07] + id.bytes }
    /// 0x08 || owner: every open order of an owner.
    static func ownerOrders(_ owner: AddressPayload) -> [UInt8] { [0x08] + owner.bytes }
    /// 0x08 || owner || base u32 || quote u32 || side: an owner's orders on one side of a market.
    static func ownerSide(_ owner: AddressPayload, _ pair: MarketPair, _ side: OrderSide) -> [UInt8] {
        ownerOrders(owner) + be(pair.base) + be(pair.quote) + [side.rawValue]
    }
    /// 0x08 || owner || base || quote || side || priority u64 || order id -> [0x01]: one open
    /// order of an owner, best price first on each side (the self-trade check reads one key).
    static func ownerOrder(_ owner: AddressPayload, _ pair: MarketPair, _ side: OrderSide, price: UInt64, id: Hash256) -> [UInt8] {
        ownerSide(owner, pair, side) + be(priority(side, price)) + id.bytes
    }
    /// The length of an ``ownerOrder(_:_:_:price:id:)`` key.
    static let ownerOrderLength = 1 + 20 + 4 + 4 + 1 + 8 + 32
    /// 0x0C || height u64 -> how many open orders expire at the end of that block, u32 (absent: 0).
    static func expiryCount(_ height: UInt64) -> [UInt8] { [0x0C] + be(height) }
    /// 0x0B || owner -> how many orders the owner has open, u16 (absent: 0; removed at 0).
    static func openCount(_ owner: AddressPayload) -> [UInt8] { [0x0B] + owner.bytes }
    /// 0x09 || height u64: the orders expiring at the end of a block.
    static func expiring(_ height: UInt64) -> [UInt8] { [0x09] + be(height) }
    /// 0x09 || height u64 || order id -> [0x01].
    static func expiry(_ height: UInt64, _ id: Hash256) -> [UInt8] { expiring(height) + id.bytes }
    /// 0x0A || base u32 || quote u32 || side -> how many orders that side holds, u32 (absent: 0).
    static func bookCount(_ pair: MarketPair, _ side: OrderSide) -> [UInt8] { [0x0A] + be(pair.base) + be(pair.quote) + [side.rawValue] }

    static func be(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
    static func be(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
    static func be(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
}

/// An asset as stored: issuer (20) || decimals u8 || mintable u8 || supply u64 || symbol (varuint-prefixed).
public struct AssetRecord: Hashable, Sendable {
    public var id: UInt32
    public var issuer: AddressPayload
    public var symbol: String
    public var decimals: UInt8
    public var mintable: Bool
    /// Base units issued so far.
    public var supply: UInt64

    var encoded: [UInt8] {
        var w = ByteWriter(capacity: 32 + symbol.utf8.count)
        w.writeBytes(issuer.bytes)
        w.writeUInt8(decimals)
        w.writeUInt8(mintable ? 1 : 0)
        w.writeUInt64(supply)
        w.writeLengthPrefixed(Array(symbol.utf8))
        return w.bytes
    }

    init?(id: UInt32, bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let issuer = try? r.readBytes(20, field: "issuer"), let payload = AddressPayload(bytes: issuer),
              let decimals = try? r.readUInt8(field: "decimals"), let mintable = try? r.readUInt8(field: "mintable"),
              let supply = try? r.readUInt64(field: "supply"),
              let symbol = try? r.readLengthPrefixed(field: "symbol", maximum: AssetDefinition.maxSymbolLength) else { return nil }
        self.init(id: id, issuer: payload, symbol: String(decoding: symbol, as: UTF8.self), decimals: decimals,
                  mintable: mintable == 1, supply: supply)
    }

    init(id: UInt32, issuer: AddressPayload, symbol: String, decimals: UInt8, mintable: Bool, supply: UInt64) {
        self.id = id
        self.issuer = issuer
        self.symbol = symbol
        self.decimals = decimals
        self.mintable = mintable
        self.supply = supply
    }
}

/// A market as stored: its terms, creator (20), last clearing price u64 (0: none yet), opening height u64.
public struct MarketRecord: Hashable, Sendable {
    public var terms: MarketTerms
    public var creator: AddressPayload
    /// The last auction's price (nil before the first trade).
    public var lastPrice: UInt64?
    public var openedAt: UInt64

    var encoded: [UInt8] {
        var w = ByteWriter(capacity: 80)
        w.writeUInt64(terms.lotSize)
        w.writeUInt64(terms.tickSize)
        w.writeUInt64(terms.minLots)
        w.writeUInt16(terms.makerFeeBps)
        w.writeUInt16(terms.takerFeeBps)
        w.writeBytes(creator.bytes)
        w.writeUInt64(lastPrice ?? 0)
        w.writeUInt64(openedAt)
        return w.bytes
    }

    init?(pair: MarketPair, bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let lot = try? r.readUInt64(field: "lotSize"), let tick = try? r.readUInt64(field: "tickSize"),
              let minLots = try? r.readUInt64(field: "minLots"), let maker = try? r.readUInt16(field: "maker"),
              let taker = try? r.readUInt16(field: "taker"), let creator = try? r.readBytes(20, field: "creator"),
              let payload = AddressPayload(bytes: creator), let last = try? r.readUInt64(field: "last"),
              let opened = try? r.readUInt64(field: "opened") else { return nil }
        self.init(terms: MarketTerms(pair: pair, lotSize: lot, tickSize: tick, minLots: minLots, makerFeeBps: maker, takerFeeBps: taker),
                  creator: payload, lastPrice: last == 0 ? nil : last, openedAt: opened)
    }

    init(terms: MarketTerms, creator: AddressPayload, lastPrice: UInt64?, openedAt: UInt64) {
        self.terms = terms
        self.creator = creator
        self.lastPrice = lastPrice
        self.openedAt = openedAt
    }
}

/// An open order as stored under its book key: owner (20) || type u8 || price u64 ||
/// open lots u64 || placed lots u64 || expiry u64. Its pair, side, height and id are in the key.
public struct OrderRecord: Hashable, Sendable {
    public var id: Hash256
    public var pair: MarketPair
    public var side: OrderSide
    /// The block that placed it.
    public var height: UInt64
    public var owner: AddressPayload
    public var type: OrderType
    public var price: UInt64
    /// Lots still open.
    public var lots: UInt64
    /// Lots placed.
    public var placedLots: UInt64
    /// Last height it may rest at (0: none).
    public var expiry: UInt64

    var key: [UInt8] { ExchangeKey.order(pair, side, price: price, height: height, id: id) }

    var encoded: [UInt8] {
        var w = ByteWriter(capacity: 53)
        w.writeBytes(owner.bytes)
        w.writeUInt8(type.rawValue)
        w.writeUInt64(price)
        w.writeUInt64(lots)
        w.writeUInt64(placedLots)
        w.writeUInt64(expiry)
        return w.bytes
    }

    /// The record under a book key (nil when either is malformed).
    init?(key: [UInt8], value: [UInt8]) {
        guard key.count == 1 + 8 + 1 + 16 + 32, key[0] == 0x06, let side = OrderSide(rawValue: key[9]) else { return nil }
        var k = ByteReader(key, offset: 1)
        var r = ByteReader(value)
        guard let base = try? k.readUInt32(field: "base"), let quote = try? k.readUInt32(field: "quote"),
              (try? k.readUInt8(field: "side")) != nil, (try? k.readUInt64(field: "priority")) != nil,
              let height = try? k.readUInt64(field: "height"), let id = try? k.readHash(field: "id"),
              let owner = try? r.readBytes(20, field: "owner"), let payload = AddressPayload(bytes: owner),
              let typeByte = try? r.readUInt8(field: "type"), let type = OrderType(rawValue: typeByte),
              let price = try? r.readUInt64(field: "price"), let lots = try? r.readUInt64(field: "lots"),
              let placed = try? r.readUInt64(field: "placed"), let expiry = try? r.readUInt64(field: "expiry") else { return nil }
        self.init(id: id, pair: MarketPair(base: base, quote: quote), side: side, height: height, owner: payload, type: type,
                  price: price, lots: lots, placedLots: placed, expiry: expiry)
    }

    init(id: Hash256, pair: MarketPair, side: OrderSide, height: UInt64, owner: AddressPayload, type: OrderType,
         price: UInt64, lots: UInt64, placedLots: UInt64, expiry: UInt64) {
        self.id = id
        self.pair = pair
        self.side = side
        self.height = height
        self.owner = owner
        self.type = type
        self.price = price
        self.lots = lots
        self.placedLots = placedLots
        self.expiry = expiry
    }
}
