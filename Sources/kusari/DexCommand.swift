import ArgumentParser
import Foundation
import KusariClient
import KusariCore
import KusariJSON

/// `kusari dex ...`: the exchange native to the ledger (docs/protocol.md 19) from the
/// command line: issue and move assets, open markets, place and cancel orders (signed
/// transactions), and read assets, balances, markets, books, trades and orders.
struct DexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dex",
        abstract: "The on-chain exchange: assets, markets, orders, books and trades.",
        discussion: """
        Amounts are base units of the asset; prices are quote units per lot; a market is BASE-QUOTE by symbols \
        or ids (GOLD-KSR, 1-0). Text by default, JSON with --json. Orders on one market in one block clear \
        together at one price at the end of the block.
        """,
        subcommands: [DexAssetCommand.self, DexMarketCommand.self, DexOrder.self, DexCancel.self,
                      DexAssets.self, DexBalance.self, DexMarkets.self, DexBook.self, DexTrades.self, DexOrders.self, DexFills.self])
}

/// `kusari dex asset ...`.
struct DexAssetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asset", abstract: "Create, mint and transfer assets.",
        subcommands: [DexAssetCreate.self, DexAssetMint.self, DexAssetTransfer.self])
}

/// `kusari dex market ...`.
struct DexMarketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market", abstract: "Open a market for a pair of assets.", subcommands: [DexMarketCreate.self])
}

/// The options every read shares: the node and the output.
struct DexReadOptions: ParsableArguments {
    @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"
    @Flag(help: "Print the node's JSON instead of text.") var json = false

    func connect() async throws -> WalletNode { try await WalletNode.connect(api: api, network: nil) }
}

/// The options every exchange transaction shares: the key, the fee, the node and waiting.
struct DexTxOptions: ParsableArguments {
    @Option(help: "Key file of the sender.") var key: String
    @Option(help: "Fee (base units, or KSR with the suffix ksr; default: twice the node's minimum for its size).") var fee: String?
    @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"
    @Flag(help: "Wait until it is mined and show what the exchange did.") var wait = false
    @Option(help: "Seconds to wait with --wait.") var timeout: Double = 120
    @Flag(help: "Print JSON instead of text.") var json = false

    /// Signs `action` with the next nonce and posts it; prints the outcome (with `--wait`, the
    /// receipt: a transaction the exchange refused in its block exits 1 with the reason).
    /// `describe` says in words what was sent; `extra` adds fields once it is confirmed (given
    /// the transaction's id and its receipt).
    func send(_ action: ExchangeAction, to recipient: AddressPayload? = nil, node: WalletNode, key keyPair: KeyPair,
              describe: String, extra: (String, [String: Any]) async throws -> [(String, JSON)] = { _, _ in [] }) async throws {
        let nonce = try await ContractTx.nonce(node, keyPair)
        var feeUnits: UInt64
        if let fee {
            guard let f = Amount.parse(fee) else { throw CLIError("fee: '\(fee)' is not an amount") }
            feeUnits = f
        } else {
            let unsigned = try Transaction(chainId: node.chainId, key: keyPair, nonce: nonce, exchange: action, fee: 0, to: recipient)
            feeUnits = node.autoFee(size: unsigned.encodedSize)
        }
        let tx: Transaction
        do { tx = try Transaction(chainId: node.chainId, key: keyPair, nonce: nonce, exchange: action, fee: feeUnits, to: recipient) } catch {
            throw CLIError("\(error)")
        }
        let (id, confirmed) = try await node.post(tx, wait: wait, timeout: timeout)
        var fields: [(String, JSON)] = [("id", .string(id)), ("action", .string(action.name)), ("nonce", .uint(nonce)), ("fee", .uint(feeUnits))]
        guard let info = confirmed else {
            fields.append(("status", .string("pending")))
            emit(.object(fields), text: "\(describe)\ntransaction \(id) sent (pending; fee \(feeUnits))")
            return
        }
        let height = jsonUInt(info["height"]) ?? 0
        fields += [("status", .string("confirmed")), ("height", .uint(height))]
        let receipt = info["receipt"] as? [String: Any] ?? [:]
        if let failure = receipt["failure"] as? String {
            fields += [("succeeded", .bool(false)), ("failure", .string(failure))]
            emit(.object(fields), text: "\(describe)\ntransaction \(id) mined in block \(height), but the exchange refused it: \(failure)")
            throw ExitCode(1)
        }
        let more = try await extra(id, receipt)
        fields += [("succeeded", .bool(true))] + more
        let notes = more.map { field, value in
            if case .string(let s) = value { return "\(field) \(s)" }
            return "\(field) \(value.render())"
        }.joined(separator: ", ")
        emit(.object(fields), text: "\(describe)\ntransaction \(id) confirmed in block \(height)" + (notes.isEmpty ? "" : " (\(notes))"))
    }

    func emit(_ value: JSON, text: String) {
        if json { Output.print(value) } else { print(text) }
    }

    /// The node and the sender's key.
    func connect() async throws -> (WalletNode, KeyPair) {
        let node = try await WalletNode.connect(api: api, network: nil)
        return (node, try loadKey(key).key)
    }
}

/// What the dex commands ask of a node.
enum DexAPI {
    /// `GET path`, or the API's reason for refusing it as the error.
    static func get(_ node: WalletNode, _ path: String, what: String) async throws -> [String: Any] {
        let reply = try await node.client.get(path)
        guard reply.status == 200 else {
            let message = (reply.json["error"] as? [String: Any])?["message"] as? String
            throw CLIError("\(what): \(message ?? "the node answered status \(reply.status)")")
        }
        return reply.json
    }

    /// The asset `ref` (an id or a symbol) names.
    static func asset(_ node: WalletNode, _ ref: String) async throws -> (id: UInt32, symbol: String) {
        let path = try pathSegment(ref, field: "asset")
        let a = try await get(node, "/v1/assets/\(path)", what: "asset")
        guard let id = jsonUInt(a["id"]).flatMap(UInt32.init(exactly:)) else { throw CLIError("asset: the node's answer has no id") }
        return (id, a["symbol"] as? String ?? String(id))
    }

    /// The market `ref` (BASE-QUOTE) names, as the node describes it.
    static func market(_ node: WalletNode, _ ref: String) async throws -> [String: Any] {
        try await get(node, "/v1/markets/\(try pathSegment(ref, field: "market"))", what: "market")
    }

    /// The pair of a market answer.
    static func pair(_ market: [String: Any]) throws -> MarketPair {
        guard let base = (market["base"] as? [String: Any]).flatMap({ jsonUInt($0["id"]) }).flatMap(UInt32.init(exactly:)),
              let quote = (market["quote"] as? [String: Any]).flatMap({ jsonUInt($0["id"]) }).flatMap(UInt32.init(exactly:)) else {
            throw CLIError("market: the node's answer has no pair")
        }
        return MarketPair(base: base, quote: quote)
    }

    /// `text` checked to be safe in a URL path (letters, digits and `-`).
    static func pathSegment(_ text: String, field: String) throws -> String {
        guard !text.isEmpty, text.count <= 32, text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }) else {
            throw CLIError("\(field): '\(text)' is not an id or symbol (letters and digits\(field == "market" ? ", BASE-QUOTE" : ""))")
        }
        return text
    }

    /// Prints the node's JSON answer as it came.
    static func printJSON(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }

    /// `value` base units of an asset with `decimals` places, as a decimal number.
    static func units(_ value: UInt64, decimals: Int) -> String {
        guard decimals > 0 else { return String(value) }
        let digits = String(value)
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        return String(padded.dropLast(decimals)) + "." + String(padded.suffix(decimals))
    }

    /// Rows as left-aligned columns under a header.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0.count > i ? $0[i].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
