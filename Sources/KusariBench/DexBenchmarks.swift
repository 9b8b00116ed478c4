import Foundation
import KusariCore
import KusariExchange

/// `kusari bench dex` (issue 20): orders placed, matched and settled per second in block
/// execution, beside Ed25519 verification on every core (each order is a signed
/// transaction, so signatures should set the pace: goal 0.8 x the verify limit).
///
/// A GOLD/KSR book of `resting` orders that do not cross (buys below 1,000, sells above)
/// is built first; each timed block then adds new orders, half buys and half sells priced
/// across the spread, so that the block's auction trades with the book and within itself.
/// Blocks are applied with `BlockApplication.execute` on one thread, signatures already
/// verified: placement, the auction, settlement and the new state root are timed.
public enum DexBenchmarks {
    /// How much work a run does; `quick` is for tests and smoke runs.
    public struct Scale: Sendable {
        /// Traders: the first half only buys, the second half only sells (no self-trades).
        public var accounts: Int
        /// Open orders in the book before each timed block.
        public var resting: Int
        /// New orders per timed block, one figure per size.
        public var blockSizes: [Int]
        /// Each figure is the median of passes for about this long.
        public var seconds: Double

        public init(accounts: Int, resting: Int, blockSizes: [Int], seconds: Double) {
            self.accounts = accounts
            self.resting = resting
            self.blockSizes = blockSizes
            self.seconds = seconds
        }

        /// The figures: a book of 10,000, blocks of 1,000 and 10,000 new orders.
        public static let full = Scale(accounts: 4_000, resting: 10_000, blockSizes: [1_000, 10_000], seconds: 3)
        /// A small run for tests (figures not meaningful).
        public static let quick = Scale(accounts: 200, resting: 400, blockSizes: [100, 400], seconds: 0.05)
    }

    static let chainId: UInt32 = 7
    static let market = MarketPair(base: 1, quote: 0)

    /// Runs the benchmark on `threads` threads for the verify limit.
    public static func run(scale: Scale = .full, threads: Int = SignatureBatch.defaultThreads,
                           log: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        log("measuring raw Ed25519 verification on \(threads) threads")
        let limitBefore = CoreBenchmarks.ed25519VerifyRate(threads: threads, seconds: scale.seconds / 2)
        var scale = scale
        // At most 256 open orders per account: keep every trader well under it.
        scale.accounts = max(scale.accounts, 2 * (scale.resting + (scale.blockSizes.max() ?? 0)) / 100)
        log("funding \(scale.accounts) traders and building a book of \(scale.resting) resting orders")
        let work = try DexWorkload(scale: scale)
        var out: [BenchMeasurement] = []
        var rates: [(Int, Double, String)] = []
        for size in scale.blockSizes {
            log("applying blocks of \(size) new orders on the book")
            let block = try work.newOrders(size)
            var summary = ""
            let rate = try Passes(seconds: scale.seconds).median {
                let clock = Stopwatch()
                let applied = try work.apply(block)
                let seconds = clock.seconds
                let lots = applied.clearings.first?.lots ?? 0
                summary = "cleared \(lots) lots at \(applied.clearings.first?.price ?? 0) in \(applied.clearings.first?.fills.count ?? 0) fills"
                return Double(size) / seconds
            }
            rates.append((size, rate, summary))
        }
        let limit = max(limitBefore, CoreBenchmarks.ed25519VerifyRate(threads: threads, seconds: scale.seconds / 2))
        out.append(BenchMeasurement(name: "ed25519-verify", value: limit, unit: "verifications/s",
                                    note: "raw swift-crypto, \(threads) threads"))
        for (size, rate, summary) in rates {
            out.append(BenchMeasurement(name: "dex-orders-\(size)", value: rate, unit: "orders/s", limitName: "ed25519-verify",
                                        limit: limit,
                                        note: "blocks of \(size) new orders on a book of \(scale.resting), one thread, "
                                            + "signatures already verified; \(summary)",
                                        goal: .ratio(0.8)))
        }
        return out
    }
}

/// The benchmark's chain: funded traders, the market and the resting book, and the keys to sign new orders.
struct DexWorkload {
    let rules: LedgerRules
    let engine: ExchangeEngine
    let keys: [KeyPair]
    let book: StateTree
    let height: UInt64
    let nonces: [UInt64]
    let beneficiary = AddressPayload(bytes: [UInt8](repeating: 0xBE, count: 20)) ?? .zero

    init(scale: DexBenchmarks.Scale) throws {
        var rng = SplitMix64(seed: 20)
        let rules = LedgerRules(chainId: DexBenchmarks.chainId, genesisAllocated: 0)
        let engine = ExchangeEngine()
        let keys = try (0..<scale.accounts).map { _ in try KeyPair(seed: rng.bytes(32)) }
        let who = keys.map { AddressPayload(publicKey: $0.publicKey) }
        var state = StateTree(accounts: who.map { ($0, Account(balance: 100 * Amount.unitsPerKSR)) })
        var nonces = [UInt64](repeating: 0, count: keys.count)
        var height: UInt64 = 0
        func block(_ txs: [Transaction]) throws {
            height += 1
            state = try BlockApplication.execute(txs, on: state, height: height, time: 1_700_000_000 + height,
                                                 beneficiary: who[0], rules: rules, signatures: .alreadyVerified,
                                                 exchange: engine).state
        }
        func tx(_ i: Int, _ action: ExchangeAction, to: AddressPayload? = nil) throws -> Transaction {
            defer { nonces[i] += 1 }
            return try Transaction(chainId: DexBenchmarks.chainId, key: keys[i], nonce: nonces[i], exchange: action, fee: 1_000, to: to)
        }
        try block([tx(0, .createAsset(AssetDefinition(symbol: "GOLD", decimals: 2, supply: 1 << 61, mintable: false))),
                   tx(0, .createMarket(MarketTerms(pair: DexBenchmarks.market, lotSize: 100, tickSize: 1, minLots: 1,
                                                   makerFeeBps: 10, takerFeeBps: 20)))])
        try block((1..<keys.count).map { try tx(0, .transferAsset(asset: 1, amount: 1 << 48), to: who[$0]) })
        // The resting book: buys at 900-999 from the first half, sells at 1,001-1,100 from the second.
        let half = keys.count / 2
        var resting: [Transaction] = []
        for n in 0..<scale.resting {
            let buy = n % 2 == 0
            let trader = buy ? (n / 2) % half : half + (n / 2) % (keys.count - half)
            let price: UInt64 = buy ? 900 + UInt64(n % 100) : 1_001 + UInt64(n % 100)
            resting.append(try tx(trader, .placeOrder(OrderTerms(pair: DexBenchmarks.market, side: buy ? .buy : .sell,
                                                                  price: price, lots: 1 + UInt64(n % 7)))))
        }
        try block(resting)
        self.rules = rules
        self.engine = engine
        self.keys = keys
        self.book = state
        self.height = height
        self.nonces = nonces
    }

    /// A block of `count` new orders across the spread (buys 950-1,049 from buyers, sells 951-1,050 from sellers).
    func newOrders(_ count: Int) throws -> [Transaction] {
        var nonces = self.nonces
        let half = keys.count / 2
        return try (0..<count).map { n in
            let buy = n % 2 == 0
            let trader = buy ? (n / 2) % half : half + (n / 2) % (keys.count - half)
            let price: UInt64 = buy ? 950 + UInt64((n * 7) % 100) : 951 + UInt64((n * 13) % 100)
            defer { nonces[trader] += 1 }
            return try Transaction(chainId: DexBenchmarks.chainId, key: keys[trader], nonce: nonces[trader],
                                   exchange: .placeOrder(OrderTerms(pair: DexBenchmarks.market, side: buy ? .buy : .sell,
                                                                    price: price, lots: 1 + UInt64(n % 9))), fee: 1_000)
        }
    }

    /// Applies `orders` as the next block on the book.
    func apply(_ orders: [Transaction]) throws -> AppliedBlock {
        try BlockApplication.execute(orders, on: book, height: height + 1, time: 1_700_000_000 + height + 1,
                                     beneficiary: beneficiary, rules: rules, signatures: .alreadyVerified, exchange: engine)
    }
}
