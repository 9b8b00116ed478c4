import ArgumentParser
import Foundation
import KusariCore
import KusariJSON
import KusariWallet

/// What one wallet address holds of the exchange's assets (KSR left out).
struct AssetHolding {
    let asset: UInt32, symbol: String, decimals: Int, available: UInt64, locked: UInt64
}

extension WalletNode {
    /// The assets other than KSR that `address` holds or has locked in orders.
    func assets(of address: Address) async throws -> [AssetHolding] {
        let reply = try await client.get("/v1/accounts/\(address.string)/assets")
        guard reply.status == 200 else {
            throw CLIError("api: cannot read the assets of \(address.string): \(reply.errorMessage ?? "status \(reply.status)")")
        }
        return (reply.json["balances"] as? [[String: Any]] ?? []).compactMap { b in
            guard let id = jsonUInt(b["asset"]).flatMap(UInt32.init(exactly:)), id != 0 else { return nil }
            let h = AssetHolding(asset: id, symbol: b["symbol"] as? String ?? String(id), decimals: Int(jsonUInt(b["decimals"]) ?? 0),
                                 available: jsonUInt(b["available"]) ?? 0, locked: jsonUInt(b["locked"]) ?? 0)
            return h.available > 0 || h.locked > 0 ? h : nil
        }
    }

    /// The wallet's addresses that hold KSR or an asset or were ever used, with their assets:
    /// indices walked until ``gapLimit`` unused ones in a row (an address that only ever
    /// received an asset counts as used).
    func discoverAssets(_ wallet: UnlockedWallet, account: UInt32, pool: [PoolEntry]) async throws -> [(AddressState, [AssetHolding])] {
        var found: [(AddressState, [AssetHolding])] = []
        var gap: UInt32 = 0, index: UInt32 = 0
        while gap < Self.gapLimit && index < DerivationPath.hardenedOffset {
            let s = try await state(of: wallet, account: account, index: index, pool: pool)
            let held = try await assets(of: s.address)
            if s.used || !held.isEmpty { found.append((s, held)); gap = 0 } else { gap += 1 }
            index += 1
        }
        return found
    }
}

/// `kusari wallet assets`.
struct WalletAssets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assets",
        abstract: "What the wallet holds of the exchange's assets (besides KSR), in total and per address; locked is held by open orders.")
    @OptionGroup var wallet: WalletOptions
    @Option(help: "Account (hardened).") var account: UInt32 = 0
    @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"

    func run() async throws {
        let unlocked = try wallet.unlock()
        let node = try await WalletNode.connect(api: api, network: wallet.network(of: unlocked.header))
        let found = try await node.discoverAssets(unlocked, account: account, pool: try await node.mempool())
        var totals: [UInt32: AssetHolding] = [:]
        for (_, held) in found {
            for h in held {
                let t = totals[h.asset]
                totals[h.asset] = AssetHolding(asset: h.asset, symbol: h.symbol, decimals: h.decimals,
                                               available: saturating(t?.available ?? 0, h.available), locked: saturating(t?.locked ?? 0, h.locked))
            }
        }
        let sorted = totals.values.sorted { $0.asset < $1.asset }
        func show(_ h: AssetHolding) -> String { DexAPI.units(h.available, decimals: h.decimals) }
        var lines = sorted.isEmpty ? ["The wallet holds no assets besides KSR."] : sorted.map { h in
            "\(h.symbol): \(show(h)) available" + (h.locked > 0 ? ", \(DexAPI.units(h.locked, decimals: h.decimals)) locked in orders" : "")
        }
        var rows: [JSON] = []
        for (s, held) in found where !held.isEmpty {
            lines.append("  #\(s.index)  \(s.address.string)  " + held.map { "\(show($0)) \($0.symbol)" }.joined(separator: ", "))
            rows.append(.object([("index", .uint(UInt64(s.index))), ("address", .string(s.address.string)),
                                 ("assets", .array(held.map(Self.json)))]))
        }
        wallet.emit(.object([("totals", .array(sorted.map(Self.json))), ("addresses", .array(rows))]), text: lines.joined(separator: "\n"))
    }

    static func json(_ h: AssetHolding) -> JSON {
        .object([("asset", .uint(UInt64(h.asset))), ("symbol", .string(h.symbol)), ("decimals", .uint(UInt64(h.decimals))),
                 ("available", .string(DexAPI.units(h.available, decimals: h.decimals))),
                 ("locked", .string(DexAPI.units(h.locked, decimals: h.decimals)))])
    }
}

/// `kusari wallet send-asset`.
struct WalletSendAsset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-asset",
        abstract: "Send an asset from the wallet: picks an address with enough of it (or --from-index); the fee is paid in KSR.")
    @OptionGroup var wallet: WalletOptions
    @Option(help: "The asset: its symbol or id (KSR moves with `kusari wallet send`).") var asset: String
    @Option(help: "Recipient address.") var to: String
    @Option(help: "Amount in the asset's units, with at most its decimals, e.g. 12.5.") var amount: String
    @Option(help: "Fee in KSR, or auto: twice the node's minimum for the transaction's size.") var fee = "auto"
    @Option(help: "Send from this address index.") var fromIndex: UInt32?
    @Option(help: "Account (hardened).") var account: UInt32 = 0
    @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"
    @Flag(help: "Wait for it to be mined and say whether the exchange moved it.") var wait = false
    @Option(help: "Seconds to wait with --wait.") var timeout: Double = 120

    func run() async throws {
        let unlocked = try wallet.unlock()
        let network = wallet.network(of: unlocked.header)
        let recipient = try Arguments.address(to, network: network, field: "to")
        let node = try await WalletNode.connect(api: api, network: network)
        let described = try await DexAPI.get(node, "/v1/assets/\(try DexAPI.pathSegment(asset, field: "asset"))", what: "asset")
        guard let id = jsonUInt(described["id"]).flatMap(UInt32.init(exactly:)) else { throw CLIError("asset: the node's answer has no id") }
        guard id != 0 else { throw CLIError("asset: KSR moves with `kusari wallet send`") }
        let symbol = described["symbol"] as? String ?? String(id)
        let decimals = Int(jsonUInt(described["decimals"]) ?? 0)
        guard let units = Amount.parseDecimal(amount, decimals: decimals, maximum: ExchangeLimits.maxAmount), units > 0 else {
            throw CLIError("amount: '\(amount)' is not an amount of \(symbol) above 0 with at most \(decimals) decimals")
        }
        let pool = try await node.mempool()
        let found = try await node.discoverAssets(unlocked, account: account, pool: pool)
        let has = { (s: WalletNode.AddressState, held: [AssetHolding]) in held.first { $0.asset == id }?.available ?? 0 }
        let candidates = found.filter { fromIndex == nil || $0.0.index == fromIndex }
        guard let sender = candidates.first(where: { has($0.0, $0.1) >= units })?.0 else {
            let best = candidates.map { has($0.0, $0.1) }.max() ?? 0
            let whereFrom = fromIndex.map { "address #\($0)" } ?? "no address of the wallet"
            throw CLIError("amount: \(whereFrom) has \(DexAPI.units(units, decimals: decimals)) \(symbol) available "
                           + "(the most on one address is \(DexAPI.units(best, decimals: decimals)))")
        }
        let action = ExchangeAction.transferAsset(asset: id, amount: units)
        let draft = try Transaction(chainId: node.chainId, key: sender.key, nonce: 0, exchange: action, fee: 0, to: recipient.payload)
        let feeUnits = fee.lowercased() == "auto" ? node.autoFee(size: draft.encodedSize) : try KSR.parse(fee, field: "fee")
        guard sender.available >= feeUnits else {
            throw CLIError("fee: address #\(sender.index) (\(sender.address.string)) has \(KSR.format(sender.available)) KSR "
                           + "available; the fee is \(KSR.format(feeUnits)) KSR")
        }
        let tx = try Transaction(chainId: node.chainId, key: sender.key, nonce: sender.pendingNonce, exchange: action, fee: feeUnits,
                                 to: recipient.payload)
        let (txid, confirmed) = try await node.post(tx, wait: wait, timeout: timeout)
        let shown = DexAPI.units(units, decimals: decimals)
        var fields: [(String, JSON)] = [
            ("id", .string(txid)), ("from", .string(sender.address.string)), ("fromIndex", .uint(UInt64(sender.index))),
            ("to", .string(recipient.string)), ("asset", .string(symbol)), ("amount", .string(shown)),
            ("fee", .string(KSR.format(feeUnits))), ("nonce", .uint(sender.pendingNonce)),
        ]
        var text = "Sent \(shown) \(symbol) to \(recipient.string) (fee \(KSR.format(feeUnits)) KSR)\ntransaction \(txid)"
        if let c = confirmed {
            let failure = (c["receipt"] as? [String: Any])?["failure"] as? String
            fields += [("status", .string(failure == nil ? "confirmed" : "refused")), ("height", .uint(jsonUInt(c["height"]) ?? 0))]
            text += failure.map { "\nrefused in its block: \($0) (the fee was paid)" } ?? "\nconfirmed at height \(jsonUInt(c["height"]) ?? 0)"
            wallet.emit(.object(fields + (failure.map { [("failure", .string($0))] } ?? [])), text: text)
            if failure != nil { throw ExitCode(1) }
            return
        }
        fields.append(("status", .string("pending")))
        wallet.emit(.object(fields), text: text + "\npending")
    }
}
