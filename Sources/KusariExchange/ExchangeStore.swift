import KusariCore

/// Reads of the exchange's state, the same over a block being applied (``LedgerWorkspace``)
/// and over a settled state (``StateTree``, for the API).
protocol ExchangeStore {
    /// The module account's value under `key`.
    func value(_ key: [UInt8]) -> [UInt8]?
    /// The module account's entries under `prefix`, in key order.
    func scan(_ prefix: [UInt8]) -> [StorageEntry]
    /// The module account's first entry under `prefix` whose key sorts after `after` (after
    /// nothing when nil): a walk that stops early reads only what it needs.
    func next(_ prefix: [UInt8], after: [UInt8]?) -> StorageEntry?
    /// An account's KSR balance (asset 0 lives in the accounts, not in the module).
    func ksr(_ owner: AddressPayload) -> UInt64
}

extension ExchangeStore {
    func asset(_ id: UInt32) -> AssetRecord? {
        value(ExchangeKey.asset(id)).flatMap { AssetRecord(id: id, bytes: $0) }
    }

    func assetId(symbol: String) -> UInt32? {
        value(ExchangeKey.symbol(symbol)).flatMap { Self.u32($0) }
    }

    /// The symbol an error message uses for an asset.
    func symbol(_ id: UInt32) -> String { id == 0 ? "KSR" : asset(id)?.symbol ?? "asset \(id)" }

    func balance(_ asset: UInt32, _ owner: AddressPayload) -> UInt64 {
        asset == 0 ? ksr(owner) : value(ExchangeKey.balance(asset, owner)).flatMap { Self.u64($0) } ?? 0
    }

    func market(_ pair: MarketPair) -> MarketRecord? {
        value(ExchangeKey.market(pair)).flatMap { MarketRecord(pair: pair, bytes: $0) }
    }

    func order(_ id: Hash256) -> OrderRecord? {
        guard let key = value(ExchangeKey.orderIndex(id)), let v = value(key) else { return nil }
        return OrderRecord(key: key, value: v)
    }

    /// How many orders `owner` has open (at most ``ExchangeLimits/maxOpenOrders``).
    func openCount(_ owner: AddressPayload) -> Int {
        value(ExchangeKey.openCount(owner)).flatMap { Self.u16($0) }.map(Int.init) ?? 0
    }

    /// The ids of `owner`'s open orders, by market, side, then price (best first).
    func openOrderIds(_ owner: AddressPayload) -> [Hash256] {
        scan(ExchangeKey.ownerOrders(owner)).compactMap { Self.ownerOrder($0.key)?.id }
    }

    /// `owner`'s best-priced open order on one side of a market: its id and price.
    func bestOwnOrder(_ owner: AddressPayload, _ pair: MarketPair, _ side: OrderSide) -> (id: Hash256, price: UInt64)? {
        next(ExchangeKey.ownerSide(owner, pair, side), after: nil).flatMap { Self.ownerOrder($0.key) }
            .map { (id: $0.id, price: ExchangeKey.priority(side, $0.priority)) }
    }

    /// The priority and id in an owner's order key (nil when malformed).
    static func ownerOrder(_ key: [UInt8]) -> (priority: UInt64, id: Hash256)? {
        guard key.count == ExchangeKey.ownerOrderLength else { return nil }
        var r = ByteReader(key, offset: 1 + 20 + 4 + 4 + 1)
        guard let priority = try? r.readUInt64(field: "priority"), let id = try? r.readHash(field: "id") else { return nil }
        return (priority, id)
    }

    /// Every open order of a market's side, best first (price, then block, then id).
    func book(_ pair: MarketPair, _ side: OrderSide) -> [OrderRecord] {
        scan(ExchangeKey.bookSide(pair, side)).compactMap { OrderRecord(key: $0.key, value: $0.value) }
    }

    /// The best order of a market's side that `include` accepts (the others are stepped over).
    func best(_ pair: MarketPair, _ side: OrderSide, where include: (OrderRecord) -> Bool) -> OrderRecord? {
        let prefix = ExchangeKey.bookSide(pair, side)
        var cursor: [UInt8]? = nil
        while let entry = next(prefix, after: cursor) {
            cursor = entry.key
            if let order = OrderRecord(key: entry.key, value: entry.value), include(order) { return order }
        }
        return nil
    }

    /// How many open orders expire at `height` (``ExchangeLimits/maxExpiriesPerHeight`` at most).
    func expiryCount(_ height: UInt64) -> UInt32 {
        value(ExchangeKey.expiryCount(height)).flatMap { Self.u32($0) } ?? 0
    }

    /// How many orders a market's side holds (``ExchangeLimits/maxBookOrders`` at most).
    func bookCount(_ pair: MarketPair, _ side: OrderSide) -> UInt32 {
        value(ExchangeKey.bookCount(pair, side)).flatMap { Self.u32($0) } ?? 0
    }

    static func u16(_ b: [UInt8]) -> UInt16? {
        var r = ByteReader(b)
        return try? r.readUInt16(field: "u16")
    }

    static func u32(_ b: [UInt8]) -> UInt32? {
        var r = ByteReader(b)
        return try? r.readUInt32(field: "u32")
    }

    static func u64(_ b: [UInt8]) -> UInt64? {
        var r = ByteReader(b)
        return try? r.readUInt64(field: "u64")
    }
}

/// The exchange's state inside a block being applied: reads see the block's writes, and
/// writes go to the module account's storage (journaled by the workspace's checkpoints).
struct WorkspaceStore: ExchangeStore {
    let ledger: LedgerWorkspace
    var module: AddressPayload { ExchangeModule.address }

    func value(_ key: [UInt8]) -> [UInt8]? { ledger.storageGet(module, key: key) }
    func scan(_ prefix: [UInt8]) -> [StorageEntry] { ledger.storageScan(module, prefix: prefix) }
    func next(_ prefix: [UInt8], after: [UInt8]?) -> StorageEntry? { ledger.storageNextEntry(module, prefix: prefix, after: after) }
    func ksr(_ owner: AddressPayload) -> UInt64 { ledger.account(owner).balance }

    /// Writes `value` (nil removes), marking the module account as holding storage first.
    func set(_ key: [UInt8], _ value: [UInt8]?) {
        openModuleAccount()
        ledger.storageSet(module, key: key, value: value)
    }

    /// Gives the module account its code-hash mark, so that its leaf commits to its storage.
    func openModuleAccount() {
        var account = ledger.account(module)
        guard account.codeHash == nil else { return }
        account.codeHash = ExchangeModule.codeHash
        ledger.setAccount(module, account)
    }

    func setBalance(_ asset: UInt32, _ owner: AddressPayload, _ amount: UInt64) {
        set(ExchangeKey.balance(asset, owner), amount == 0 ? nil : ExchangeKey.be(amount))
    }

    /// Moves `amount` of `asset` between accounts; false (nothing moved) when `from` holds less.
    func move(_ asset: UInt32, from: AddressPayload, to: AddressPayload, _ amount: UInt64) -> Bool {
        guard amount > 0, from != to else { return balance(asset, from) >= amount }
        if asset == 0 {
            openModuleAccount()
            return ledger.transfer(from: from, to: to, amount: amount)
        }
        let have = balance(asset, from)
        guard have >= amount else { return false }
        let (sum, overflow) = balance(asset, to).addingReportingOverflow(amount)
        guard !overflow else { return false }
        setBalance(asset, from, have - amount)
        setBalance(asset, to, sum)
        return true
    }

    func put(_ order: OrderRecord) { set(order.key, order.encoded) }

    /// Adds `delta` (+1 or -1) to the count of orders expiring at `height` (removed at 0).
    func countExpiry(_ height: UInt64, _ delta: Int) {
        let count = Int(expiryCount(height)) + delta
        set(ExchangeKey.expiryCount(height), count <= 0 ? nil : ExchangeKey.be(UInt32(clamping: count)))
    }

    /// Sets how many orders `owner` has open (removed at 0).
    func setOpenCount(_ owner: AddressPayload, _ count: Int) {
        set(ExchangeKey.openCount(owner), count <= 0 ? nil : ExchangeKey.be(UInt16(clamping: count)))
    }

    /// Adds `delta` (+1 or -1) to a market side's order count (removed at 0).
    func countBook(_ pair: MarketPair, _ side: OrderSide, _ delta: Int) {
        let count = Int(bookCount(pair, side)) + delta
        set(ExchangeKey.bookCount(pair, side), count <= 0 ? nil : ExchangeKey.be(UInt32(clamping: count)))
    }
}

/// The exchange's state at a settled height, read-only: what the API serves.
public struct ExchangeView: ExchangeStore, Sendable {
    let state: StateTree
    let storage: StorageTree

    /// The exchange in `state`.
    public init(state: StateTree) {
        self.state = state
        self.storage = state.storage(ExchangeModule.address)
    }

    func value(_ key: [UInt8]) -> [UInt8]? { storage.value(key) }
    func scan(_ prefix: [UInt8]) -> [StorageEntry] { Array(storage.entries(prefix: prefix)) }
    func next(_ prefix: [UInt8], after: [UInt8]?) -> StorageEntry? {
        storage.next(prefix: prefix, after: after).flatMap { key in storage.value(key).map { StorageEntry(key: key, value: $0) } }
    }
    func ksr(_ owner: AddressPayload) -> UInt64 { state.account(owner).balance }

    /// Every asset but KSR, by id.
    public var assets: [AssetRecord] {
        scan([0x02]).compactMap { e in Self.u32(Array(e.key.dropFirst())).flatMap { AssetRecord(id: $0, bytes: e.value) } }
    }

    /// The asset `id` (nil for KSR and unknown ids).
    public func asset(id: UInt32) -> AssetRecord? { asset(id) }

    /// The asset whose symbol is `symbol`.
    public func asset(symbol: String) -> AssetRecord? { assetId(symbol: symbol).flatMap { asset($0) } }

    /// What `owner` holds of `asset` and can spend (locked amounts are the module's).
    public func balance(of owner: AddressPayload, asset: UInt32) -> UInt64 { balance(asset, owner) }

    /// Every asset `owner` holds other than KSR, by id.
    public func balances(of owner: AddressPayload) -> [(asset: AssetRecord, amount: UInt64)] {
        assets.compactMap { a in
            let amount = balance(a.id, owner)
            return amount > 0 ? (a, amount) : nil
        }
    }

    /// Every market, by pair.
    public var markets: [MarketRecord] {
        scan([0x05]).compactMap { e -> MarketRecord? in
            guard e.key.count == 9, let base = Self.u32(Array(e.key[1..<5])), let quote = Self.u32(Array(e.key[5..<9])) else { return nil }
            return MarketRecord(pair: MarketPair(base: base, quote: quote), bytes: e.value)
        }
    }

    /// The market for `pair`.
    public func market(pair: MarketPair) -> MarketRecord? { market(pair) }

    /// One side of a market's book, best first (all of it: up to 2^20 orders; readers that
    /// need the top use ``best(_:side:)``, ``orders(_:side:limit:)`` or ``forEachOrder(_:side:_:)``).
    public func orders(_ pair: MarketPair, side: OrderSide) -> [OrderRecord] { book(pair, side) }

    /// The best order of one side of a market's book, reading only it.
    public func best(_ pair: MarketPair, side: OrderSide) -> OrderRecord? { best(pair, side, where: { _ in true }) }

    /// The first `limit` orders of one side of a market's book, best first.
    public func orders(_ pair: MarketPair, side: OrderSide, limit: Int) -> [OrderRecord] {
        var out: [OrderRecord] = []
        forEachOrder(pair, side: side) { out.append($0); return out.count < limit }
        return out
    }

    /// Calls `body` with one side's orders, best first, until it returns false: reads only
    /// as far as the caller goes.
    public func forEachOrder(_ pair: MarketPair, side: OrderSide, _ body: (OrderRecord) -> Bool) {
        let prefix = ExchangeKey.bookSide(pair, side)
        var cursor: [UInt8]? = nil
        while let entry = next(prefix, after: cursor) {
            cursor = entry.key
            if let order = OrderRecord(key: entry.key, value: entry.value), !body(order) { return }
        }
    }

    /// One side of a market's book aggregated by price, best first: at most `depth` levels,
    /// reading the book only down to the first price past them.
    public func levels(_ pair: MarketPair, side: OrderSide, depth: Int) -> [BookLevel] {
        var out: [BookLevel] = []
        forEachOrder(pair, side: side) { order in
            if out.last?.price == order.price {
                // A side's lots fit: every open lot locks at least one unit of a supply of at most 2^62.
                out[out.count - 1].lots += order.lots
                out[out.count - 1].orders += 1
                return true
            }
            guard out.count < depth else { return false }
            out.append(BookLevel(price: order.price, lots: order.lots, orders: 1))
            return true
        }
        return out
    }

    /// How many orders one side of a market's book holds (its `0A` count).
    public func orderCount(_ pair: MarketPair, side: OrderSide) -> Int { Int(bookCount(pair, side)) }

    /// The open order `id`.
    public func order(id: Hash256) -> OrderRecord? { order(id) }

    /// `owner`'s open orders, by id.
    public func openOrders(of owner: AddressPayload) -> [OrderRecord] {
        openOrderIds(owner).sorted().compactMap { order($0) }
    }
}

/// One price level of a book: the lots and orders resting at one price.
public struct BookLevel: Sendable, Hashable {
    public var price: UInt64
    public var lots: UInt64
    public var orders: Int

    public init(price: UInt64, lots: UInt64, orders: Int) {
        self.price = price
        self.lots = lots
        self.orders = orders
    }
}
