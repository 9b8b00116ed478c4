import KusariCore
import KusariExchange
import Testing

/// Random order flows over many blocks and seeds: every asset is conserved, the module holds
/// exactly what open orders lock, books are left uncrossed, every fill is at its auction's
/// price and within its limit, and a block's result does not depend on the order of its
/// transactions (each sender's kept in nonce order). A failing seed is printed for replay.
@Suite struct ExchangePropertyTests {
    static let chainId: UInt32 = 3
    let rules = LedgerRules(chainId: 3, genesisAllocated: 4_000 * Amount.unitsPerKSR)
    let engine = ExchangeEngine()
    let miner = AddressPayload(bytes: [UInt8](repeating: 0x4D, count: 20)) ?? .zero
    let keys: [KeyPair]
    let markets = [MarketPair(base: 1, quote: 0), MarketPair(base: 2, quote: 1)]

    init() throws {
        keys = try (1...4).map { try KeyPair(seed: [UInt8](repeating: UInt8($0), count: 32)) }
    }

    func who(_ i: Int) -> AddressPayload { AddressPayload(publicKey: keys[i].publicKey) }

    func run(_ txs: [Transaction], on state: StateTree, height: UInt64) throws -> AppliedBlock {
        try BlockApplication.execute(txs, on: state, height: height, time: 1_700_000_000 + height, beneficiary: miner,
                                     rules: rules, exchange: engine)
    }

    /// Two assets spread over the four accounts and two markets (GOLD/KSR, SILV/GOLD): height 3.
    func setUp() throws -> (StateTree, [UInt64]) {
        var nonces = [UInt64](repeating: 0, count: 4)
        func tx(_ i: Int, _ a: ExchangeAction, to: AddressPayload? = nil) throws -> Transaction {
            defer { nonces[i] += 1 }
            return try Transaction(chainId: Self.chainId, key: keys[i], nonce: nonces[i], exchange: a, fee: 500, to: to)
        }
        let genesis = StateTree(accounts: (0..<4).map { (who($0), Account(balance: 1_000 * Amount.unitsPerKSR)) })
        var txs = [try tx(0, .createAsset(AssetDefinition(symbol: "GOLD", decimals: 2, supply: 40_000_000, mintable: false))),
                   try tx(1, .createAsset(AssetDefinition(symbol: "SILV", decimals: 0, supply: 4_000_000, mintable: true)))]
        let b1 = try run(txs, on: genesis, height: 1)
        txs = try (1..<4).flatMap { i in
            [try tx(0, .transferAsset(asset: 1, amount: 10_000_000), to: who(i))] +
                (i == 1 ? [] : [try tx(1, .transferAsset(asset: 2, amount: 1_000_000), to: who(i))])
        }
        txs += [try tx(2, .createMarket(MarketTerms(pair: markets[0], lotSize: 1_000, tickSize: 5, minLots: 1, makerFeeBps: 5, takerFeeBps: 30))),
                try tx(3, .createMarket(MarketTerms(pair: markets[1], lotSize: 100, tickSize: 1, minLots: 2, makerFeeBps: 0, takerFeeBps: 1_000)))]
        let b2 = try run(txs, on: b1.state, height: 2)
        #expect((b1.receipts + b2.receipts).allSatisfy { $0.succeeded }, "\((b1.receipts + b2.receipts).map(\.failure))")
        return (b2.state, nonces)
    }

    /// Each sender's transactions for one block, in nonce order.
    func randomFlow(_ rng: inout SplitMix64, state: StateTree, nonces: inout [UInt64]) throws -> [[Transaction]] {
        let view = ExchangeView(state: state)
        return try (0..<4).map { i in
            var mine: [Transaction] = []
            for _ in 0..<Int(rng.next() % 4) {
                var action: ExchangeAction
                let open = view.openOrders(of: who(i))
                let m = Int(rng.next() % 2)
                let tick: UInt64 = m == 0 ? 5 : 1
                let price = (18 + rng.next() % 5) * tick * (m == 0 ? 10 : 1)
                let type = [OrderType.limit, .limit, .limit, .immediateOrCancel, .postOnly, .market][Int(rng.next() % 6)]
                let expiry: UInt64 = type == .limit && rng.next() % 3 == 0 ? 3 + rng.next() % 8 : 0
                let terms = OrderTerms(pair: markets[m], side: rng.next() % 2 == 0 ? .buy : .sell, type: type,
                                       price: price, lots: 1 + rng.next() % 12, expiry: expiry)
                action = .placeOrder(terms)
                if !open.isEmpty && rng.next() % 4 == 0 {
                    // A cancel, or half the time a replace by the new terms.
                    let old = open[Int(rng.next() % UInt64(open.count))].id
                    action = rng.next() % 2 == 0 ? .cancelOrder(old) : .replaceOrder(old, terms)
                }
                mine.append(try Transaction(chainId: Self.chainId, key: keys[i], nonce: nonces[i], exchange: action, fee: 500))
                nonces[i] += 1
            }
            return mine
        }
    }

    /// The senders' lists merged in a random order that keeps each sender's order.
    func interleave(_ lists: [[Transaction]], _ rng: inout SplitMix64) -> [Transaction] {
        var lists = lists, out: [Transaction] = []
        while lists.contains(where: { !$0.isEmpty }) {
            let candidates = lists.indices.filter { !lists[$0].isEmpty }
            let pick = candidates[Int(rng.next() % UInt64(candidates.count))]
            out.append(lists[pick].removeFirst())
        }
        return out
    }

    func checkInvariants(_ applied: AppliedBlock, height: UInt64, seed: UInt64) {
        let state = applied.state
        let view = ExchangeView(state: state)
        let holders = (0..<4).map(who) + [miner, ExchangeModule.address]
        for asset in [UInt32(1), 2] {
            let total = holders.reduce(UInt64(0)) { $0 + view.balance(of: $1, asset: asset) }
            #expect(total == view.asset(id: asset)?.supply, "seed \(seed) height \(height): asset \(asset) not conserved")
        }
        let subsidies = (1...height).reduce(UInt64(0)) { $0 + rules.subsidy(height: $1) }
        let ksr = holders.reduce(UInt64(0)) { $0 + state.account($1).balance }
        #expect(ksr == 4_000 * Amount.unitsPerKSR + subsidies, "seed \(seed) height \(height): KSR not conserved")
        // The module holds exactly what open orders lock; books are uncrossed.
        var locked: [UInt32: UInt64] = [0: 0, 1: 0, 2: 0]
        for market in view.markets {
            let pair = market.terms.pair
            let buys = view.orders(pair, side: .buy), sells = view.orders(pair, side: .sell)
            for o in buys { locked[pair.quote, default: 0] += o.lots * o.price }
            for o in sells { locked[pair.base, default: 0] += o.lots * market.terms.lotSize }
            if let bid = buys.first?.price, let ask = sells.first?.price {
                #expect(bid < ask, "seed \(seed) height \(height): book \(pair) crossed at \(bid) / \(ask)")
            }
        }
        for asset in [UInt32(0), 1, 2] {
            #expect(view.balance(of: ExchangeModule.address, asset: asset) == locked[asset],
                    "seed \(seed) height \(height): module holds the wrong amount of asset \(asset)")
        }
        for c in applied.clearings {
            let bought = c.fills.filter { $0.side == .buy }.reduce(UInt64(0)) { $0 + $1.lots }
            let sold = c.fills.filter { $0.side == .sell }.reduce(UInt64(0)) { $0 + $1.lots }
            #expect(bought == c.lots && sold == c.lots, "seed \(seed) height \(height): \(c.pair) fills do not match")
            #expect(c.fills.allSatisfy { $0.side == .buy ? $0.limit >= c.price : $0.limit <= c.price },
                    "seed \(seed) height \(height): a fill outside its limit")
            #expect(c.levels.allSatisfy { min($0.demand, $0.supply) <= c.lots }, "seed \(seed) height \(height): volume not maximal")
        }
    }

    @Test(arguments: 0..<24) func randomFlowsConserveSettleFairlyAndIgnoreTransactionOrder(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var (state, nonces) = try setUp()
        var traded = 0
        for height in UInt64(3)...14 {
            let lists = try randomFlow(&rng, state: state, nonces: &nonces)
            let one = try run(interleave(lists, &rng), on: state, height: height)
            let other = try run(interleave(lists, &rng), on: state, height: height)
            #expect(one.state.root == other.state.root, "seed \(seed) height \(height): transaction order changed the state")
            #expect(one.clearings == other.clearings, "seed \(seed) height \(height): transaction order changed the auctions")
            checkInvariants(one, height: height, seed: seed)
            traded += one.clearings.count
            state = one.state
        }
        #expect(traded > 0, "seed \(seed): no market ever traded; the flow tests nothing")
    }
}
