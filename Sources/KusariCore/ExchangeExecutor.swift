/// Runs the exchange while a block is applied (docs/protocol.md 19). KusariCore knows
/// the exchange's transactions but not its rules: whoever applies blocks (the chain)
/// passes an executor (KusariExchange's `ExchangeEngine`); without one a block holding
/// an exchange transaction is refused.
public protocol ExchangeExecutor: AnyObject, Sendable {
    /// Starts the exchange's part of one block on `ledger`. Every block gets one, exchange
    /// transactions or not, because orders expire at the end of a block.
    func beginBlock(ledger: LedgerWorkspace, block: BlockEnvironment) -> any ExchangeBlock
}

/// The exchange's part of one block: its transactions in order, then the auctions.
public protocol ExchangeBlock: AnyObject {
    /// Applies one exchange transaction, all or nothing. The sender has already paid the
    /// fee and used its nonce; a transaction the state refuses (an unknown market, too
    /// little of an asset) changes nothing else, and the receipt says why.
    func apply(_ tx: Transaction, id: Hash256) -> ContractReceipt
    /// Clears every market that got orders in this block at one price each, settles the
    /// fills (fees to `beneficiary`), cancels what may not rest and expires orders.
    func finish(beneficiary: AddressPayload) -> [MarketClearing]
}

/// One market's auction at the end of a block: kept by nodes beside the block (not
/// hashed), shown by the API and the explorer.
public struct MarketClearing: Hashable, Sendable {
    public var pair: MarketPair
    /// The clearing price in quote units per lot.
    public var price: UInt64
    /// Lots traded (bought = sold).
    public var lots: UInt64
    /// Every fill, sorted by order id.
    public var fills: [OrderFill]
    /// The auction's curves: demand D(p) and supply S(p) in lots at every candidate price
    /// (the limit prices within the crossing walk's bounds, docs/protocol.md 19.5),
    /// ascending by price (what a fairness audit checks).
    public var levels: [ClearingLevel]

    public init(pair: MarketPair, price: UInt64, lots: UInt64, fills: [OrderFill], levels: [ClearingLevel]) {
        self.pair = pair
        self.price = price
        self.lots = lots
        self.fills = fills
        self.levels = levels
    }
}

/// Demand and supply at one candidate price of an auction: the lots of buys whose limit is
/// at least `price` and of sells whose limit is at most it.
public struct ClearingLevel: Hashable, Sendable {
    public var price: UInt64
    public var demand: UInt64
    public var supply: UInt64

    public init(price: UInt64, demand: UInt64, supply: UInt64) {
        self.price = price
        self.demand = demand
        self.supply = supply
    }
}

/// What one order got in an auction.
public struct OrderFill: Hashable, Sendable {
    public var order: Hash256
    public var owner: AddressPayload
    public var side: OrderSide
    /// Lots filled at the clearing price.
    public var lots: UInt64
    /// The fee taken from what the order received (base units of the asset received).
    public var fee: UInt64
    /// True when the order rested from an earlier block (it paid the maker fee).
    public var maker: Bool
    /// The order's limit price (a market order's worst price).
    public var limit: UInt64

    public init(order: Hash256, owner: AddressPayload, side: OrderSide, lots: UInt64, fee: UInt64, maker: Bool, limit: UInt64) {
        self.order = order
        self.owner = owner
        self.side = side
        self.lots = lots
        self.fee = fee
        self.maker = maker
        self.limit = limit
    }
}

extension MarketClearing: CanonicalCodable {
    /// The most fills one clearing decodes (a decoding bound; a clearing has at most
    /// 2^21 + 200,000: each side of a book rests at most ``ExchangeLimits/maxBookOrders``,
    /// 2^20, and a block adds at most 100,000 immediate orders beside them).
    static let maxFills: UInt64 = 1 << 23

    /// base u32 || quote u32 || price u64 || lots u64 || fills (varuint count, then per fill:
    /// order 32 || owner 20 || side u8 || lots u64 || fee u64 || maker u8 || limit u64) ||
    /// levels (varuint count, then price u64 || demand u64 || supply u64 each). Kept beside
    /// blocks, never hashed.
    public func encode(to w: inout ByteWriter) {
        w.writeUInt32(pair.base)
        w.writeUInt32(pair.quote)
        w.writeUInt64(price)
        w.writeUInt64(lots)
        w.writeVarUInt(UInt64(fills.count))
        for f in fills {
            w.writeHash(f.order)
            w.writeBytes(f.owner.bytes)
            w.writeUInt8(f.side.rawValue)
            w.writeUInt64(f.lots)
            w.writeUInt64(f.fee)
            w.writeUInt8(f.maker ? 1 : 0)
            w.writeUInt64(f.limit)
        }
        w.writeVarUInt(UInt64(levels.count))
        for l in levels {
            w.writeUInt64(l.price)
            w.writeUInt64(l.demand)
            w.writeUInt64(l.supply)
        }
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        pair = MarketPair(base: try r.readUInt32(field: "base"), quote: try r.readUInt32(field: "quote"))
        price = try r.readUInt64(field: "price")
        lots = try r.readUInt64(field: "lots")
        let count = try r.readVarUInt(field: "fills", maximum: Self.maxFills)
        fills = []
        for _ in 0..<count {
            let order = try r.readHash(field: "fill.order")
            let owner = AddressPayload(bytes: try r.readBytes(AddressPayload.byteCount, field: "fill.owner")) ?? .zero
            guard let side = OrderSide(rawValue: try r.readUInt8(field: "fill.side")) else {
                throw .invalid(field: "fill.side", reason: "0 (buy) or 1 (sell)")
            }
            fills.append(OrderFill(order: order, owner: owner, side: side, lots: try r.readUInt64(field: "fill.lots"),
                                   fee: try r.readUInt64(field: "fill.fee"), maker: try r.readUInt8(field: "fill.maker") == 1,
                                   limit: try r.readUInt64(field: "fill.limit")))
        }
        let levelCount = try r.readVarUInt(field: "levels", maximum: Self.maxFills * 2)
        levels = []
        for _ in 0..<levelCount {
            levels.append(ClearingLevel(price: try r.readUInt64(field: "level.price"), demand: try r.readUInt64(field: "level.demand"),
                                        supply: try r.readUInt64(field: "level.supply")))
        }
    }

    /// A block's clearings as stored: a varuint count, then each clearing.
    public static func encodeAll(_ clearings: [MarketClearing]) -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.writeVarUInt(UInt64(clearings.count))
        for c in clearings { c.encode(to: &w) }
        return w.bytes
    }

    /// A block's clearings from their stored bytes.
    public static func decodeAll(_ bytes: [UInt8]) throws(CanonicalDecodingError) -> [MarketClearing] {
        var r = ByteReader(bytes)
        let count = try r.readVarUInt(field: "clearings", maximum: UInt64(bytes.count))
        var out: [MarketClearing] = []
        for _ in 0..<count { out.append(try MarketClearing(from: &r)) }
        try r.finish()
        return out
    }
}
