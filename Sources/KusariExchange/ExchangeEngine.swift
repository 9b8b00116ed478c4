import KusariCore

/// The ledger's ``ExchangeExecutor``: the exchange's rules (docs/protocol.md 19). It keeps
/// no state of its own; each block gets an ``ExchangeSession``.
public final class ExchangeEngine: ExchangeExecutor, @unchecked Sendable {
    public init() {}

    public func beginBlock(ledger: LedgerWorkspace, block: BlockEnvironment) -> any ExchangeBlock {
        ExchangeSession(ledger: ledger, block: block)
    }

    /// Why `tx` would fail if it were the next block's first exchange transaction on
    /// `state` at `height`, or nil when it would succeed: the API's check before admission.
    /// The sender pays first, as in a block (``LedgerWorkspace/payUpFront(_:chainId:)``), so
    /// an order whose lock is covered but not with the fee on top is refused here, not in
    /// its block with the fee lost. A wrong chain id or nonce is the mempool's to judge: the
    /// payment is then skipped and the action checked alone.
    public func check(_ tx: Transaction, on state: StateTree, height: UInt64, time: UInt64) -> String? {
        let ledger = LedgerWorkspace(state: state)
        do {
            try ledger.payUpFront(tx, chainId: tx.chainId)
        } catch {
            switch error {
            case .wrongChain, .wrongNonce: break
            default: return error.description
            }
        }
        let session = ExchangeSession(ledger: ledger, block: BlockEnvironment(height: height, time: time))
        return session.apply(tx, id: tx.id).failure
    }
}

/// The exchange's part of one block: applies its transactions in order, remembers the
/// markets they touched, and at the end clears them (``finish(beneficiary:)``).
final class ExchangeSession: ExchangeBlock {
    let store: WorkspaceStore
    let block: BlockEnvironment
    /// Markets that got an order this block (each is cleared at the end), with the ids of
    /// this block's orders there that may not rest as placed (immediate-or-cancel, market
    /// and post-only), which the end of the block looks at whatever their price.
    var placed: [MarketPair: [Hash256]] = [:]

    init(ledger: LedgerWorkspace, block: BlockEnvironment) {
        self.store = WorkspaceStore(ledger: ledger)
        self.block = block
    }

    func apply(_ tx: Transaction, id: Hash256) -> ContractReceipt {
        var receipt = ContractReceipt(transaction: id, contract: ExchangeModule.address, gasUsed: 0, failure: nil,
                                      events: [], output: [])
        guard case .exchange(let action) = tx.action else {
            receipt.failure = "kind: not an exchange transaction"
            return receipt
        }
        let ledger = store.ledger
        let mark = ledger.checkpoint()
        do {
            receipt.output = try run(action, from: tx.from, to: tx.to, id: id)
            ledger.commit(mark)
        } catch {
            ledger.rollback(to: mark)
            receipt.failure = error.description
        }
        return receipt
    }

    /// Runs one action; returns the receipt's output (a new asset's id, big-endian u32).
    func run(_ action: ExchangeAction, from sender: AddressPayload, to recipient: AddressPayload,
             id: Hash256) throws(ExchangeError) -> [UInt8] {
        switch action {
        case .createAsset, .mintAsset, .transferAsset:
            guard recipient != ExchangeModule.address else { throw .recipientIsModule }
        default: break
        }
        switch action {
        case .createAsset(let definition):
            return ExchangeKey.be(try createAsset(definition, issuer: sender, holder: recipient))
        case .mintAsset(let asset, let amount):
            try mint(asset, amount, by: sender, to: recipient)
        case .transferAsset(let asset, let amount):
            guard let record = store.asset(asset) else { throw .noSuchAsset(asset) }
            guard store.move(asset, from: sender, to: recipient, amount) else {
                throw .insufficient(asset: record.symbol, has: store.balance(asset, sender), needs: amount)
            }
        case .createMarket(let terms):
            try createMarket(terms, creator: sender)
        case .placeOrder(let terms):
            try place(terms, id: id, owner: sender)
        case .cancelOrder(let order):
            close(try ownOrder(order, of: sender))
        case .replaceOrder(let order, let terms):
            // Cancel first, so that the new order may use what the old one locked and is not
            // refused as a self-trade against it; a refused placement undoes the cancel too.
            close(try ownOrder(order, of: sender))
            try place(terms, id: id, owner: sender)
        }
        return []
    }

    /// The sender's open order `order`.
    func ownOrder(_ order: Hash256, of sender: AddressPayload) throws(ExchangeError) -> OrderRecord {
        guard let record = store.order(order) else { throw .noSuchOrder(order) }
        guard record.owner == sender else { throw .notYourOrder(order) }
        return record
    }

    func createAsset(_ d: AssetDefinition, issuer: AddressPayload, holder: AddressPayload) throws(ExchangeError) -> UInt32 {
        guard store.value(ExchangeKey.symbol(d.symbol)) == nil else { throw .symbolTaken(d.symbol) }
        let id = store.value(ExchangeKey.nextAsset).flatMap { WorkspaceStore.u32($0) } ?? 1
        guard id < UInt32.max else { throw .tooManyAssets }
        let record = AssetRecord(id: id, issuer: issuer, symbol: d.symbol, decimals: d.decimals, mintable: d.mintable, supply: d.supply)
        store.set(ExchangeKey.nextAsset, ExchangeKey.be(id + 1))
        store.set(ExchangeKey.asset(id), record.encoded)
        store.set(ExchangeKey.symbol(d.symbol), ExchangeKey.be(id))
        store.setBalance(id, holder, d.supply)
        return id
    }

    func mint(_ asset: UInt32, _ amount: UInt64, by sender: AddressPayload, to holder: AddressPayload) throws(ExchangeError) {
        guard var record = store.asset(asset) else { throw .noSuchAsset(asset) }
        guard record.issuer == sender else { throw .notIssuer(asset: asset) }
        guard record.mintable else { throw .notMintable(asset: asset) }
        guard record.supply <= ExchangeLimits.maxAmount - amount else { throw .supplyCap(asset: asset) }
        record.supply += amount
        store.set(ExchangeKey.asset(asset), record.encoded)
        // Every holder's balance is at most the supply, which stays under 2^62: no overflow.
        store.setBalance(asset, holder, store.balance(asset, holder) + amount)
    }

    func createMarket(_ terms: MarketTerms, creator: AddressPayload) throws(ExchangeError) {
        for asset in [terms.pair.base, terms.pair.quote] where asset != 0 && store.asset(asset) == nil {
            throw .noSuchAsset(asset)
        }
        guard store.market(terms.pair) == nil else { throw .marketExists(terms.pair) }
        let record = MarketRecord(terms: terms, creator: creator, lastPrice: nil, openedAt: block.height)
        store.set(ExchangeKey.market(terms.pair), record.encoded)
    }

    /// What an order locks while it is open: the quote it may pay (lots x price) for a buy,
    /// the base it sells (lots x lot size) for a sell.
    static func locked(side: OrderSide, lots: UInt64, price: UInt64, lotSize: UInt64) -> (asset: KeyPath<MarketPair, UInt32>, amount: UInt64)? {
        let (amount, overflow) = lots.multipliedReportingOverflow(by: side == .buy ? price : lotSize)
        guard !overflow, amount <= ExchangeLimits.maxAmount else { return nil }
        return (side == .buy ? \MarketPair.quote : \MarketPair.base, amount)
    }

    func place(_ o: OrderTerms, id: Hash256, owner: AddressPayload) throws(ExchangeError) {
        guard let market = store.market(o.pair) else { throw .noSuchMarket(o.pair) }
        let terms = market.terms
        guard o.price % terms.tickSize == 0 else { throw .offTick(price: o.price, tick: terms.tickSize) }
        guard o.lots >= terms.minLots else { throw .belowMinimum(lots: o.lots, minimum: terms.minLots) }
        guard o.expiry == 0 || o.expiry >= block.height else { throw .expired(expiry: o.expiry, height: block.height) }
        // Both what it locks and what it could receive must fit.
        guard let lock = Self.locked(side: o.side, lots: o.lots, price: o.price, lotSize: terms.lotSize),
              Self.locked(side: o.side.opposite, lots: o.lots, price: o.price, lotSize: terms.lotSize) != nil else {
            throw .tooLarge(o.side == .buy ? "lots x price" : "lots x lot size")
        }
        let openCount = store.openCount(owner)
        guard openCount < ExchangeLimits.maxOpenOrders else { throw .tooManyOpenOrders }
        // Only orders that may rest count against the cap: a full side never stops trading.
        let immediate = o.type == .immediateOrCancel || o.type == .market
        guard immediate || store.bookCount(o.pair, o.side) < ExchangeLimits.maxBookOrders else { throw .bookFull(o.pair, o.side) }
        guard o.expiry == 0 || store.expiryCount(o.expiry) < ExchangeLimits.maxExpiriesPerHeight else {
            throw .expiriesFull(height: o.expiry)
        }
        // The owner's best order on the other side is the one it would trade with first.
        if let own = store.bestOwnOrder(owner, o.pair, o.side.opposite),
           o.side == .buy ? o.price >= own.price : o.price <= own.price {
            throw .selfTrade(own.id)
        }
        let asset = o.pair[keyPath: lock.asset]
        guard store.move(asset, from: owner, to: ExchangeModule.address, lock.amount) else {
            throw .insufficient(asset: store.symbol(asset), has: store.balance(asset, owner), needs: lock.amount)
        }
        let record = OrderRecord(id: id, pair: o.pair, side: o.side, height: block.height, owner: owner, type: o.type,
                                 price: o.price, lots: o.lots, placedLots: o.lots, expiry: o.expiry)
        store.put(record)
        store.set(ExchangeKey.orderIndex(id), record.key)
        if o.expiry != 0 {
            store.set(ExchangeKey.expiry(o.expiry, id), [0x01])
            store.countExpiry(o.expiry, +1)
        }
        store.set(ExchangeKey.ownerOrder(owner, o.pair, o.side, price: o.price, id: id), [0x01])
        store.setOpenCount(owner, openCount + 1)
        store.countBook(o.pair, o.side, +1)
        placed[o.pair, default: []].append(contentsOf: o.type == .limit ? [] : [id])
    }

    /// Removes an open order and gives its owner back what it still locks.
    func close(_ order: OrderRecord) {
        if let market = store.market(order.pair),
           let lock = Self.locked(side: order.side, lots: order.lots, price: order.price, lotSize: market.terms.lotSize) {
            // What the order locked is in the module account: the move cannot fail.
            _ = store.move(order.pair[keyPath: lock.asset], from: ExchangeModule.address, to: order.owner, lock.amount)
        }
        store.set(order.key, nil)
        store.countBook(order.pair, order.side, -1)
        store.set(ExchangeKey.orderIndex(order.id), nil)
        if order.expiry != 0 {
            store.set(ExchangeKey.expiry(order.expiry, order.id), nil)
            store.countExpiry(order.expiry, -1)
        }
        store.set(ExchangeKey.ownerOrder(order.owner, order.pair, order.side, price: order.price, id: order.id), nil)
        store.setOpenCount(order.owner, store.openCount(order.owner) - 1)
    }
}
