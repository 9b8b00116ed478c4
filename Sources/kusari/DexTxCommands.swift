import ArgumentParser
import Foundation
import KusariCore
import KusariJSON

/// `kusari dex asset create SYMBOL`.
struct DexAssetCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Issue a new asset; its whole supply goes to the key's account.")

    @Argument(help: "The symbol: 2-12 of A-Z and 0-9, starting with a letter.") var symbol: String
    @Option(help: "The initial supply in base units.") var supply: UInt64
    @Option(help: "Decimal places wallets show (0-18).") var decimals: UInt8 = 0
    @Flag(help: "Let the issuer mint more later.") var mintable = false
    @OptionGroup var tx: DexTxOptions

    func run() async throws {
        let definition = AssetDefinition(symbol: symbol, decimals: decimals, supply: supply, mintable: mintable)
        if let problem = definition.problem { throw CLIError("asset: \(problem)") }
        let (node, key) = try await tx.connect()
        try await tx.send(.createAsset(definition), node: node, key: key,
                          describe: "create asset \(symbol): supply \(supply) base units, \(decimals) decimals, \(mintable ? "mintable" : "fixed supply")") { _, receipt in
            let output = (try? Hex.decode(receipt["output"] as? String ?? "", field: "output")) ?? []
            guard output.count == 4 else { return [] }
            return [("asset", .uint(output.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))]
        }
    }
}

/// `kusari dex asset mint ASSET AMOUNT`.
struct DexAssetMint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mint", abstract: "Mint more of a mintable asset (its issuer only); it goes to the issuer.")

    @Argument(help: "The asset: its id or symbol.") var asset: String
    @Argument(help: "Base units to mint.") var amount: UInt64
    @OptionGroup var tx: DexTxOptions

    func run() async throws {
        let (node, key) = try await tx.connect()
        let (id, symbol) = try await DexAPI.asset(node, asset)
        try await tx.send(.mintAsset(asset: id, amount: amount), node: node, key: key, describe: "mint \(amount) \(symbol)")
    }
}

/// `kusari dex asset transfer ASSET AMOUNT --to ADDRESS`.
struct DexAssetTransfer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer", abstract: "Send an amount of an asset to an address (KSR moves with `kusari tx send`).")

    @Argument(help: "The asset: its id or symbol.") var asset: String
    @Argument(help: "Base units to send.") var amount: UInt64
    @Option(help: "Recipient address.") var to: String
    @OptionGroup var tx: DexTxOptions

    func run() async throws {
        let (node, key) = try await tx.connect()
        let recipient = try Arguments.address(to, network: node.network, field: "to")
        let (id, symbol) = try await DexAPI.asset(node, asset)
        guard id != 0 else { throw CLIError("asset: KSR moves with a plain transfer: kusari tx send") }
        try await tx.send(.transferAsset(asset: id, amount: amount), to: recipient.payload, node: node, key: key,
                          describe: "transfer \(amount) \(symbol) to \(recipient.string)")
    }
}

/// `kusari dex market create BASE-QUOTE`.
struct DexMarketCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Open the market for a pair: BASE is traded, priced in QUOTE per lot.")

    @Argument(help: "The pair: BASE-QUOTE by symbols or ids (GOLD-KSR).") var market: String
    @Option(help: "Base units in one lot.") var lot: UInt64
    @Option(help: "Prices are multiples of this (quote units per lot).") var tick: UInt64
    @Option(help: "The smallest order, in lots.") var minLots: UInt64 = 1
    @Option(help: "Fee on what a resting order receives, in basis points (at most 1000).") var makerBps: UInt16 = 0
    @Option(help: "Fee on what a new order receives, in basis points (at most 1000).") var takerBps: UInt16 = 0
    @OptionGroup var tx: DexTxOptions

    func run() async throws {
        let parts = market.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw CLIError("market: expected BASE-QUOTE, such as GOLD-KSR, got '\(market)'") }
        let (node, key) = try await tx.connect()
        let base = try await DexAPI.asset(node, parts[0]), quote = try await DexAPI.asset(node, parts[1])
        let terms = MarketTerms(pair: MarketPair(base: base.id, quote: quote.id), lotSize: lot, tickSize: tick, minLots: minLots,
                                makerFeeBps: makerBps, takerFeeBps: takerBps)
        if let (field, reason) = terms.problem { throw CLIError("\(field): \(reason)") }
        try await tx.send(.createMarket(terms), node: node, key: key,
                          describe: "open market \(base.symbol)-\(quote.symbol): lot \(lot), tick \(tick), minimum \(minLots) lots, fees \(makerBps)/\(takerBps) bps")
    }
}

/// `kusari dex order buy|sell MARKET`.
struct DexOrder: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order", abstract: "Place an order (or replace one); it takes part in the auction at the end of its block.",
        discussion: """
        A limit order rests until filled, cancelled or past --expiry; ioc takes part in one auction only; post-only \
        never trades in its own block and leaves if it would cross the book; market is ioc at any price up to \
        (buy) or down to (sell) --price. Buying locks lots x price of the quote asset, selling lots x lot size of the base.
        """)

    enum Side: String, ExpressibleByArgument, CaseIterable { case buy, sell }
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case limit, ioc, postOnly = "post-only", market
        var orderType: OrderType {
            switch self {
            case .limit: return .limit
            case .ioc: return .immediateOrCancel
            case .postOnly: return .postOnly
            case .market: return .market
            }
        }
    }

    @Argument(help: "buy or sell.") var side: Side
    @Argument(help: "The market: BASE-QUOTE by symbols or ids (GOLD-KSR).") var market: String
    @Option(help: "Limit price in quote units per lot (a market order's worst price); a multiple of the tick.") var price: UInt64
    @Option(help: "Size in lots.") var lots: UInt64
    @Option(help: "limit, ioc, post-only or market.") var type: Kind = .limit
    @Option(help: "The last height the order may rest at (limit and post-only; default: none).") var expiry: UInt64 = 0
    @Option(help: ArgumentHelp("Cancel this open order of the key's and place the new one instead, in one transaction: all or nothing.",
                               valueName: "order-id")) var replace: String?
    @OptionGroup var tx: DexTxOptions

    func run() async throws {
        let (node, key) = try await tx.connect()
        let m = try await DexAPI.market(node, market)
        let terms = OrderTerms(pair: try DexAPI.pair(m), side: side == .buy ? .buy : .sell, type: type.orderType, price: price,
                               lots: lots, expiry: expiry)
        if let (field, reason) = terms.problem { throw CLIError("\(field): \(reason)") }
        let name = m["market"] as? String ?? market
        let until = expiry == 0 ? "" : ", until height \(expiry)"
        var action = ExchangeAction.placeOrder(terms)
        var replacing = ""
        if let replace {
            let old: Hash256
            do { old = try Hash256(hex: replace, field: "replace") } catch { throw CLIError("replace: expected 64 hex digits, the order's id") }
            action = .replaceOrder(old, terms)
            replacing = " in place of order \(old.hex)"
        }
        try await tx.send(action, node: node, key: key,
                          describe: "\(side.rawValue) \(lots) lots of \(name) at \(price) (\(type.rawValue)\(until))\(replacing)") { id, _ in
            // The auction ran at the end of the order's block: say what it did.
            let order = try await DexAPI.get(node, "/v1/orders/\(id)", what: "order")
            return [("market", .string(name)), ("order", .string(order["status"] as? String ?? "unknown")),
                    ("filledLots", .uint(jsonUInt(order["filledLots"]) ?? 0)), ("openLots", .uint(jsonUInt(order["openLots"]) ?? 0))]
        }
    }
}

/// `kusari dex cancel ORDER_ID`.
struct DexCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel one of the key's open orders; what it locks comes back.")

    @Argument(help: "The order's id (its transaction's id, 64 hex digits).") var order: String
    @OptionGroup var tx: DexTxOptions

    func run() async throws {
        let id: Hash256
        do { id = try Hash256(hex: order, field: "order") } catch { throw CLIError("order: expected 64 hex digits, the order's id") }
        let (node, key) = try await tx.connect()
        try await tx.send(.cancelOrder(id), node: node, key: key, describe: "cancel order \(id.hex)")
    }
}
