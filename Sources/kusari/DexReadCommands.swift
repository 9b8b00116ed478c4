import ArgumentParser
import Foundation
import KusariCore

/// `kusari dex assets`.
struct DexAssets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assets", abstract: "List the chain's assets, KSR first.")
    @OptionGroup var read: DexReadOptions

    func run() async throws {
        let node = try await read.connect()
        let answer = try await DexAPI.get(node, "/v1/assets", what: "assets")
        if read.json { return try DexAPI.printJSON(answer) }
        let rows = (answer["assets"] as? [[String: Any]] ?? []).map { a -> [String] in
            let decimals = Int(jsonUInt(a["decimals"]) ?? 0)
            return [String(jsonUInt(a["id"]) ?? 0), a["symbol"] as? String ?? "", String(decimals),
                    DexAPI.units(jsonUInt(a["supply"]) ?? 0, decimals: decimals), (a["mintable"] as? Bool ?? false) ? "yes" : "no",
                    a["issuer"] as? String ?? "-"]
        }
        print(DexAPI.table(["ID", "SYMBOL", "DECIMALS", "SUPPLY", "MINTABLE", "ISSUER"], rows))
    }
}

/// `kusari dex balance ADDRESS`.
struct DexBalance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance", abstract: "What an address holds of every asset, and what its open orders lock.")
    @Argument(help: "The address.") var address: String
    @OptionGroup var read: DexReadOptions

    func run() async throws {
        let node = try await read.connect()
        let who = try Arguments.address(address, network: node.network, field: "address")
        let answer = try await DexAPI.get(node, "/v1/accounts/\(who.string)/assets", what: "balance")
        if read.json { return try DexAPI.printJSON(answer) }
        let rows = (answer["balances"] as? [[String: Any]] ?? []).map { b -> [String] in
            let decimals = Int(jsonUInt(b["decimals"]) ?? 0)
            return [b["symbol"] as? String ?? "", DexAPI.units(jsonUInt(b["available"]) ?? 0, decimals: decimals),
                    DexAPI.units(jsonUInt(b["locked"]) ?? 0, decimals: decimals)]
        }
        print("\(who.string) at height \(jsonUInt(answer["height"]) ?? 0), \(jsonUInt(answer["openOrders"]) ?? 0) open orders")
        print(DexAPI.table(["ASSET", "AVAILABLE", "LOCKED"], rows))
    }
}

/// `kusari dex markets`.
struct DexMarkets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "markets", abstract: "List the markets with their terms, last price and best prices.")
    @OptionGroup var read: DexReadOptions

    func run() async throws {
        let node = try await read.connect()
        let answer = try await DexAPI.get(node, "/v1/markets", what: "markets")
        if read.json { return try DexAPI.printJSON(answer) }
        func price(_ v: Any?) -> String { jsonUInt(v).map(String.init) ?? "-" }
        let rows = (answer["markets"] as? [[String: Any]] ?? []).map { m -> [String] in
            [m["market"] as? String ?? "", m["pair"] as? String ?? "", String(jsonUInt(m["lotSize"]) ?? 0),
             String(jsonUInt(m["tickSize"]) ?? 0), String(jsonUInt(m["minLots"]) ?? 0),
             "\(jsonUInt(m["makerFeeBps"]) ?? 0)/\(jsonUInt(m["takerFeeBps"]) ?? 0)",
             price(m["lastPrice"]), price(m["bestBid"]), price(m["bestAsk"])]
        }
        print(DexAPI.table(["MARKET", "PAIR", "LOT", "TICK", "MIN", "FEES(BPS)", "LAST", "BID", "ASK"], rows))
    }
}

/// `kusari dex book MARKET`.
struct DexBook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "book", abstract: "A market's open orders by price level: asks above, bids below.")
    @Argument(help: "The market: BASE-QUOTE by symbols or ids.") var market: String
    @Option(help: "Price levels per side (1-500).") var depth = 10
    @OptionGroup var read: DexReadOptions

    func run() async throws {
        guard (1...500).contains(depth) else { throw CLIError("depth: 1 to 500") }
        let node = try await read.connect()
        let answer = try await DexAPI.get(node, "/v1/markets/\(try DexAPI.pathSegment(market, field: "market"))/book?depth=\(depth)",
                                          what: "market")
        if read.json { return try DexAPI.printJSON(answer) }
        func rows(_ side: String) -> [[String: Any]] { answer[side] as? [[String: Any]] ?? [] }
        func row(_ l: [String: Any], _ side: String) -> [String] {
            [side, String(jsonUInt(l["price"]) ?? 0), String(jsonUInt(l["lots"]) ?? 0), String(jsonUInt(l["orders"]) ?? 0)]
        }
        let table = rows("asks").reversed().map { row($0, "ask") } + rows("bids").map { row($0, "bid") }
        print("\(answer["market"] as? String ?? market) at height \(jsonUInt(answer["height"]) ?? 0)")
        print(table.isEmpty ? "(the book is empty)" : DexAPI.table(["SIDE", "PRICE", "LOTS", "ORDERS"], table))
    }
}

/// `kusari dex trades MARKET`.
struct DexTrades: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trades", abstract: "A market's latest auctions that traded, newest first: one price per block.")
    @Argument(help: "The market: BASE-QUOTE by symbols or ids.") var market: String
    @Option(help: "How many (1-100).") var limit = 20
    @OptionGroup var read: DexReadOptions

    func run() async throws {
        guard (1...100).contains(limit) else { throw CLIError("limit: 1 to 100") }
        let node = try await read.connect()
        let answer = try await DexAPI.get(node, "/v1/markets/\(try DexAPI.pathSegment(market, field: "market"))/trades?limit=\(limit)",
                                          what: "market")
        if read.json { return try DexAPI.printJSON(answer) }
        let trades = answer["trades"] as? [[String: Any]] ?? []
        let rows = trades.map { t -> [String] in
            let time = Date(timeIntervalSince1970: TimeInterval(jsonUInt(t["time"]) ?? 0))
            return [String(jsonUInt(t["height"]) ?? 0), ISO8601DateFormatter().string(from: time), String(jsonUInt(t["price"]) ?? 0),
                    String(jsonUInt(t["lots"]) ?? 0), String(jsonUInt(t["quoteVolume"]) ?? 0), String(jsonUInt(t["fills"]) ?? 0)]
        }
        print(rows.isEmpty ? "no trades in \(answer["market"] as? String ?? market) yet"
              : DexAPI.table(["HEIGHT", "TIME", "PRICE", "LOTS", "VOLUME", "FILLS"], rows))
    }
}

/// `kusari dex orders ADDRESS`.
struct DexOrders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "orders", abstract: "An address's open orders.")
    @Argument(help: "The address.") var address: String
    @OptionGroup var read: DexReadOptions

    func run() async throws {
        let node = try await read.connect()
        let who = try Arguments.address(address, network: node.network, field: "address")
        let answer = try await DexAPI.get(node, "/v1/accounts/\(who.string)/orders", what: "orders")
        if read.json { return try DexAPI.printJSON(answer) }
        let rows = (answer["orders"] as? [[String: Any]] ?? []).map { o -> [String] in
            [o["id"] as? String ?? "", o["market"] as? String ?? "", o["side"] as? String ?? "", o["type"] as? String ?? "",
             String(jsonUInt(o["price"]) ?? 0), "\(jsonUInt(o["openLots"]) ?? 0)/\(jsonUInt(o["lots"]) ?? 0)",
             jsonUInt(o["expiry"]).map(String.init) ?? "-"]
        }
        print(rows.isEmpty ? "\(who.string) has no open orders"
              : DexAPI.table(["ORDER", "MARKET", "SIDE", "TYPE", "PRICE", "OPEN/LOTS", "EXPIRY"], rows))
    }
}

/// `kusari dex fills ADDRESS`.
struct DexFills: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fills", abstract: "An address's fills, newest first: each order's share of a block's auction.")
    @Argument(help: "The address.") var address: String
    @Option(help: "How many (1-100).") var limit = 20
    @OptionGroup var read: DexReadOptions

    func run() async throws {
        guard (1...100).contains(limit) else { throw CLIError("limit: 1 to 100") }
        let node = try await read.connect()
        let who = try Arguments.address(address, network: node.network, field: "address")
        let answer = try await DexAPI.get(node, "/v1/accounts/\(who.string)/fills?limit=\(limit)", what: "fills")
        if read.json { return try DexAPI.printJSON(answer) }
        let rows = (answer["fills"] as? [[String: Any]] ?? []).map { f -> [String] in
            let fee = "\(jsonUInt(f["fee"]) ?? 0) \((f["feeAsset"] as? [String: Any])?["symbol"] as? String ?? "")"
            return [String(jsonUInt(f["height"]) ?? 0), f["market"] as? String ?? "", f["side"] as? String ?? "",
                    String(jsonUInt(f["price"]) ?? 0), String(jsonUInt(f["lots"]) ?? 0), fee,
                    f["maker"] as? Bool == true ? "maker" : "taker", f["order"] as? String ?? ""]
        }
        print(rows.isEmpty ? "\(who.string) has no fills in the last 2,000 blocks"
              : DexAPI.table(["HEIGHT", "MARKET", "SIDE", "PRICE", "LOTS", "FEE", "ROLE", "ORDER"], rows))
    }
}
