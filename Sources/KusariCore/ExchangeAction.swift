/// What an exchange transaction does (docs/protocol.md 19.2): create, mint or move an
/// asset, open a market, place, cancel or replace an order. The exchange's rules run them
/// (KusariCore's ``ExchangeExecutor``, implemented by KusariExchange); their bytes are
/// here because they are part of the transaction's encoding and signature.
public enum ExchangeAction: Hashable, Sendable {
    /// Creates an asset issued by the sender; its initial supply goes to the transaction's `to`.
    case createAsset(AssetDefinition)
    /// Creates `amount` more of a mintable asset for the transaction's `to` (only its issuer may).
    case mintAsset(asset: UInt32, amount: UInt64)
    /// Moves `amount` of `asset` to the transaction's `to`.
    case transferAsset(asset: UInt32, amount: UInt64)
    /// Opens the market for a pair of assets.
    case createMarket(MarketTerms)
    /// Places an order; its id is the transaction's id.
    case placeOrder(OrderTerms)
    /// Cancels one of the sender's open orders.
    case cancelOrder(Hash256)
    /// Cancels one of the sender's open orders and places a new one in its place, all or
    /// nothing; the new order's id is the transaction's id.
    case replaceOrder(Hash256, OrderTerms)

    /// The kind byte (32-38; 39-47 are kept for the exchange's later transactions).
    public var kind: UInt8 {
        switch self {
        case .createAsset: return 32
        case .mintAsset: return 33
        case .transferAsset: return 34
        case .createMarket: return 35
        case .placeOrder: return 36
        case .cancelOrder: return 37
        case .replaceOrder: return 38
        }
    }

    /// The order this action places (a place or a replace), if any: its id is the transaction's.
    public var placedOrder: OrderTerms? {
        switch self {
        case .placeOrder(let o), .replaceOrder(_, let o): return o
        default: return nil
        }
    }

    /// The order this action takes off the book (a cancel or a replace), if any.
    public var cancelledOrder: Hash256? {
        switch self {
        case .cancelOrder(let id), .replaceOrder(let id, _): return id
        default: return nil
        }
    }

    /// The kind bytes the exchange uses.
    public static let kinds: ClosedRange<UInt8> = 32...38

    /// A short name for views and logs.
    public var name: String {
        switch self {
        case .createAsset: return "create-asset"
        case .mintAsset: return "mint-asset"
        case .transferAsset: return "transfer-asset"
        case .createMarket: return "create-market"
        case .placeOrder: return "place-order"
        case .cancelOrder: return "cancel-order"
        case .replaceOrder: return "replace-order"
        }
    }

    /// The size of the body's encoding.
    var bodySize: Int {
        switch self {
        case .createAsset(let a): return 20 + 1 + a.symbol.utf8.count + 1 + 8 + 1
        case .mintAsset: return 20 + 12
        case .transferAsset: return 20 + 12
        case .createMarket: return 8 + 24 + 4
        case .placeOrder: return 8 + 2 + 24
        case .cancelOrder: return 32
        case .replaceOrder: return 32 + 8 + 2 + 24
        }
    }

    /// Writes the body (after the common fields; `to` is written for the actions that credit
    /// someone: create, mint and transfer).
    func encodeBody(to w: inout ByteWriter, recipient: AddressPayload) {
        switch self {
        case .createAsset(let a):
            w.writeBytes(recipient.bytes)
            w.writeLengthPrefixed(Array(a.symbol.utf8))
            w.writeUInt8(a.decimals)
            w.writeUInt64(a.supply)
            w.writeUInt8(a.mintable ? 1 : 0)
        case .mintAsset(let asset, let amount):
            w.writeBytes(recipient.bytes)
            w.writeUInt32(asset)
            w.writeUInt64(amount)
        case .transferAsset(let asset, let amount):
            w.writeBytes(recipient.bytes)
            w.writeUInt32(asset)
            w.writeUInt64(amount)
        case .createMarket(let m):
            w.writeUInt32(m.pair.base)
            w.writeUInt32(m.pair.quote)
            w.writeUInt64(m.lotSize)
            w.writeUInt64(m.tickSize)
            w.writeUInt64(m.minLots)
            w.writeUInt16(m.makerFeeBps)
            w.writeUInt16(m.takerFeeBps)
        case .placeOrder(let o):
            o.encode(to: &w)
        case .cancelOrder(let id):
            w.writeHash(id)
        case .replaceOrder(let id, let o):
            w.writeHash(id)
            o.encode(to: &w)
        }
    }

    /// Reads the body of kind `kind` and checks every rule that needs no state; returns
    /// the action and, for a transfer, its recipient.
    static func decodeBody(kind: UInt8, from r: inout ByteReader) throws(CanonicalDecodingError) -> (ExchangeAction, AddressPayload) {
        func check(_ reason: String?, _ field: String) throws(CanonicalDecodingError) {
            if let reason { throw .invalid(field: field, reason: reason) }
        }
        switch kind {
        case 32:
            let to = AddressPayload(bytes: try r.readBytes(AddressPayload.byteCount, field: "to")) ?? .zero
            let symbol = String(decoding: try r.readLengthPrefixed(field: "symbol", maximum: AssetDefinition.maxSymbolLength), as: UTF8.self)
            let a = AssetDefinition(symbol: symbol, decimals: try r.readUInt8(field: "decimals"),
                                    supply: try r.readUInt64(field: "supply"), mintable: try r.readUInt8(field: "mintable") == 1)
            try check(a.problem, a.problemField)
            return (.createAsset(a), to)
        case 33:
            let to = AddressPayload(bytes: try r.readBytes(AddressPayload.byteCount, field: "to")) ?? .zero
            let asset = try r.readUInt32(field: "asset")
            let amount = try r.readUInt64(field: "amount")
            try check(ExchangeLimits.amountProblem(asset: asset, amount: amount), "amount")
            return (.mintAsset(asset: asset, amount: amount), to)
        case 34:
            let to = AddressPayload(bytes: try r.readBytes(AddressPayload.byteCount, field: "to")) ?? .zero
            let asset = try r.readUInt32(field: "asset")
            let amount = try r.readUInt64(field: "amount")
            try check(ExchangeLimits.amountProblem(asset: asset, amount: amount), "amount")
            return (.transferAsset(asset: asset, amount: amount), to)
        case 35:
            let m = MarketTerms(pair: MarketPair(base: try r.readUInt32(field: "base"), quote: try r.readUInt32(field: "quote")),
                                lotSize: try r.readUInt64(field: "lotSize"), tickSize: try r.readUInt64(field: "tickSize"),
                                minLots: try r.readUInt64(field: "minLots"),
                                makerFeeBps: try r.readUInt16(field: "makerFeeBps"), takerFeeBps: try r.readUInt16(field: "takerFeeBps"))
            if let (field, reason) = m.problem { throw .invalid(field: field, reason: reason) }
            return (.createMarket(m), .zero)
        case 36:
            return (.placeOrder(try OrderTerms(from: &r)), .zero)
        case 37:
            return (.cancelOrder(try r.readHash(field: "order")), .zero)
        case 38:
            let order = try r.readHash(field: "order")
            return (.replaceOrder(order, try OrderTerms(from: &r)), .zero)
        default:
            throw .invalid(field: "kind", reason: "unknown transaction kind \(kind)")
        }
    }
}

/// The bounds of the exchange's numbers (docs/protocol.md 19.1).
public enum ExchangeLimits {
    /// The largest supply of an asset, and so the largest amount of one: 2^62 base units,
    /// so that sums of two never overflow.
    public static let maxAmount: UInt64 = 1 << 62
    /// The largest order in lots: 2^40, so that a market's total open lots fit in 64 bits.
    public static let maxLots: UInt64 = 1 << 40
    /// The largest maker or taker fee, in basis points (10%).
    public static let maxFeeBps: UInt16 = 1_000
    /// The most orders one account may have open, over all markets.
    public static let maxOpenOrders = 256

    /// Why an asset amount is refused, or nil.
    static func amountProblem(asset: UInt32, amount: UInt64) -> String? {
        if asset == 0 { return "asset 0 is KSR, moved by a plain transfer" }
        if amount == 0 { return "must be more than 0" }
        if amount > maxAmount { return "\(amount) is more than the largest amount, 2^62" }
        return nil
    }
}

/// A new asset's terms.
public struct AssetDefinition: Hashable, Sendable {
    /// The longest symbol.
    public static let maxSymbolLength = 12
    /// Two to twelve of `A-Z` and `0-9`, starting with a letter; unique on the chain ("KSR" is taken).
    public var symbol: String
    /// How many decimal places a wallet shows (0-18); the ledger counts base units only.
    public var decimals: UInt8
    /// The initial supply in base units, all to the issuer.
    public var supply: UInt64
    /// Whether the issuer may mint more later.
    public var mintable: Bool

    public init(symbol: String, decimals: UInt8, supply: UInt64, mintable: Bool) {
        self.symbol = symbol
        self.decimals = decimals
        self.supply = supply
        self.mintable = mintable
    }

    /// True for a well-formed symbol.
    public static func isValidSymbol(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count >= 2, u.count <= maxSymbolLength, let first = u.first, first >= 0x41, first <= 0x5a else { return false }
        return u.allSatisfy { ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// Why the definition is refused, or nil.
    public var problem: String? {
        if !Self.isValidSymbol(symbol) { return "\"\(symbol)\" is not 2-12 of A-Z and 0-9 starting with a letter" }
        if symbol == "KSR" { return "KSR is the chain's own coin" }
        if decimals > 18 { return "\(decimals) decimals; at most 18" }
        if supply > ExchangeLimits.maxAmount { return "\(supply) is more than the largest supply, 2^62" }
        if supply == 0 && !mintable { return "a fixed asset needs a supply above 0" }
        return nil
    }

    var problemField: String {
        if !Self.isValidSymbol(symbol) || symbol == "KSR" { return "symbol" }
        return decimals > 18 ? "decimals" : "supply"
    }
}

/// A market's pair: `base` is bought and sold, priced in `quote` (asset 0 is KSR).
public struct MarketPair: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var base: UInt32
    public var quote: UInt32

    public init(base: UInt32, quote: UInt32) {
        self.base = base
        self.quote = quote
    }

    public static func < (a: MarketPair, b: MarketPair) -> Bool { (a.base, a.quote) < (b.base, b.quote) }

    public var description: String { "\(base)/\(quote)" }
}

/// A market's terms, fixed when it opens.
public struct MarketTerms: Hashable, Sendable {
    public var pair: MarketPair
    /// Base units in one lot: orders are for whole lots.
    public var lotSize: UInt64
    /// Prices are quote units per lot and a multiple of this.
    public var tickSize: UInt64
    /// The smallest order, in lots.
    public var minLots: UInt64
    /// Fee on what a resting order (placed in an earlier block) receives, in basis points.
    public var makerFeeBps: UInt16
    /// Fee on what an order placed in this block receives, in basis points.
    public var takerFeeBps: UInt16

    public init(pair: MarketPair, lotSize: UInt64, tickSize: UInt64, minLots: UInt64 = 1,
                makerFeeBps: UInt16 = 0, takerFeeBps: UInt16 = 0) {
        self.pair = pair
        self.lotSize = lotSize
        self.tickSize = tickSize
        self.minLots = minLots
        self.makerFeeBps = makerFeeBps
        self.takerFeeBps = takerFeeBps
    }

    /// The field and why the terms are refused, or nil.
    public var problem: (String, String)? {
        if pair.base == pair.quote { return ("quote", "a market needs two different assets") }
        if lotSize == 0 || lotSize > ExchangeLimits.maxAmount { return ("lotSize", "1 to 2^62 base units") }
        if tickSize == 0 || tickSize > ExchangeLimits.maxAmount { return ("tickSize", "1 to 2^62 quote units") }
        if minLots == 0 || minLots > ExchangeLimits.maxLots { return ("minLots", "1 to 2^40 lots") }
        if makerFeeBps > ExchangeLimits.maxFeeBps { return ("makerFeeBps", "at most \(ExchangeLimits.maxFeeBps) (10%)") }
        if takerFeeBps > ExchangeLimits.maxFeeBps { return ("takerFeeBps", "at most \(ExchangeLimits.maxFeeBps) (10%)") }
        return nil
    }
}

/// How an order lives (docs/protocol.md 19.3).
public enum OrderType: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Rests until filled, cancelled or (with an expiry) past its height.
    case limit = 0
    /// Takes part in its block's auction only; what is left is cancelled.
    case immediateOrCancel = 1
    /// Never trades in its own block's auction; cancelled if it would then cross the book.
    case postOnly = 2
    /// Immediate-or-cancel at any price up to (buy) or down to (sell) its worst price.
    case market = 3

    public var description: String {
        switch self {
        case .limit: return "limit"
        case .immediateOrCancel: return "ioc"
        case .postOnly: return "post-only"
        case .market: return "market"
        }
    }
}

/// An order as placed.
public struct OrderTerms: Hashable, Sendable {
    public var pair: MarketPair
    public var side: OrderSide
    public var type: OrderType
    /// The limit in quote units per lot (for a market order, its worst price).
    public var price: UInt64
    /// The size in lots.
    public var lots: UInt64
    /// The last height the order may rest at (0: no expiry; limit and post-only orders only).
    public var expiry: UInt64

    public init(pair: MarketPair, side: OrderSide, type: OrderType = .limit, price: UInt64, lots: UInt64, expiry: UInt64 = 0) {
        self.pair = pair
        self.side = side
        self.type = type
        self.price = price
        self.lots = lots
        self.expiry = expiry
    }

    /// The field and why the order is refused on its own, or nil.
    public var problem: (String, String)? {
        if pair.base == pair.quote { return ("quote", "a market needs two different assets") }
        if price == 0 || price > ExchangeLimits.maxAmount { return ("price", "1 to 2^62 quote units per lot") }
        if lots == 0 || lots > ExchangeLimits.maxLots { return ("lots", "1 to 2^40 lots") }
        if expiry != 0 && (type == .immediateOrCancel || type == .market) {
            return ("expiry", "an immediate-or-cancel or market order cannot rest, so it has no expiry")
        }
        return nil
    }
}

extension OrderTerms {
    /// base u32 || quote u32 || side u8 || type u8 || price u64 || lots u64 || expiry u64: the
    /// body of a place-order transaction, and the tail of a replace-order's (protocol.md 19.2).
    func encode(to w: inout ByteWriter) {
        w.writeUInt32(pair.base)
        w.writeUInt32(pair.quote)
        w.writeUInt8(side.rawValue)
        w.writeUInt8(type.rawValue)
        w.writeUInt64(price)
        w.writeUInt64(lots)
        w.writeUInt64(expiry)
    }

    /// Reads what ``encode(to:)`` writes and checks every rule that needs no state.
    init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        let pair = MarketPair(base: try r.readUInt32(field: "base"), quote: try r.readUInt32(field: "quote"))
        guard let side = OrderSide(rawValue: try r.readUInt8(field: "side")) else {
            throw .invalid(field: "side", reason: "0 (buy) or 1 (sell)")
        }
        let typeByte = try r.readUInt8(field: "type")
        guard let type = OrderType(rawValue: typeByte) else {
            throw .invalid(field: "type", reason: "\(typeByte) is not an order type (0 limit, 1 immediate-or-cancel, 2 post-only, 3 market)")
        }
        self.init(pair: pair, side: side, type: type, price: try r.readUInt64(field: "price"),
                  lots: try r.readUInt64(field: "lots"), expiry: try r.readUInt64(field: "expiry"))
        if let (field, reason) = problem { throw .invalid(field: field, reason: reason) }
    }
}
