import ArgumentParser
import Foundation
import KusariCore
import KusariWallet
import KusariJSON

/// `kusari wallet balance`.
struct WalletBalance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance",
        abstract: "The wallet's balance, in total and per used address (found with a gap limit of 20); confirmed and pending apart.")
    @OptionGroup var wallet: WalletOptions
    @Option(help: "Account (hardened).") var account: UInt32 = 0
    @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"

    func run() async throws {
        let unlocked = try wallet.unlock()
        let node = try await WalletNode.connect(api: api, network: wallet.network(of: unlocked.header))
        let (used, _) = try await node.discover(unlocked, account: account, pool: try await node.mempool())
        let confirmed = used.reduce(UInt64(0)) { saturating($0, $1.balance) }
        let pendingIn = used.reduce(UInt64(0)) { saturating($0, $1.pendingIn) }
        let pendingOut = used.reduce(UInt64(0)) { saturating($0, $1.pendingOut) }
        let available = used.reduce(UInt64(0)) { saturating($0, $1.available) }
        let rows: [JSON] = used.map { s in
            .object([("index", .uint(UInt64(s.index))), ("address", .string(s.address.string)),
                     ("confirmed", .string(KSR.format(s.balance))), ("pendingIn", .string(KSR.format(s.pendingIn))),
                     ("pendingOut", .string(KSR.format(s.pendingOut))), ("available", .string(KSR.format(s.available))),
                     ("nonce", .uint(s.nonce))])
        }
        var lines = ["Confirmed: \(KSR.format(confirmed)) KSR",
                     "Pending:   +\(KSR.format(pendingIn)) / -\(KSR.format(pendingOut)) KSR",
                     "Available: \(KSR.format(available)) KSR"]
        if !used.isEmpty { lines.append("") }
        for s in used {
            var line = "  #\(s.index)  \(s.address.string)  \(KSR.format(s.balance))"
            if s.pendingIn > 0 || s.pendingOut > 0 { line += "  (pending +\(KSR.format(s.pendingIn)) -\(KSR.format(s.pendingOut)))" }
            lines.append(line)
        }
        wallet.emit(.object([("confirmed", .string(KSR.format(confirmed))), ("pendingIn", .string(KSR.format(pendingIn))),
                             ("pendingOut", .string(KSR.format(pendingOut))), ("available", .string(KSR.format(available))),
                             ("addresses", .array(rows))]),
                    text: lines.joined(separator: "\n"))
    }
}

/// `kusari wallet send`.
struct WalletSend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send KSR from the wallet: picks an address with enough funds (or --from-index), signs and posts.")
    @OptionGroup var wallet: WalletOptions
    @Option(help: "Recipient address.") var to: String
    @Option(help: "Amount in KSR, e.g. 1.5 or 0.00000001.") var amount: String
    @Option(help: "Fee in KSR, or auto: twice the node's minimum for the transfer's size.") var fee = "auto"
    @Option(help: "Send from this address index.") var fromIndex: UInt32?
    @Option(help: "Account (hardened).") var account: UInt32 = 0
    @Option(help: "A note of at most 256 UTF-8 bytes.") var memo: String?
    @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"
    @Flag(help: "Wait for the transfer to be mined, and print its block.") var wait = false
    @Option(help: "Seconds to wait with --wait.") var timeout: Double = 120

    func run() async throws {
        let units = try KSR.parse(amount, field: "amount")
        guard units > 0 else { throw CLIError("amount: must be more than 0") }
        let memoBytes = Array((memo ?? "").utf8)
        guard memoBytes.count <= Transaction.maxMemoLength else {
            throw CLIError("memo: \(memoBytes.count) bytes; at most \(Transaction.maxMemoLength)")
        }
        let unlocked = try wallet.unlock()
        let network = wallet.network(of: unlocked.header)
        let recipient = try Arguments.address(to, network: network, field: "to")
        let node = try await WalletNode.connect(api: api, network: network)
        let pool = try await node.mempool()

        // The fee: given, or sized on a draft of the transfer (the size does not depend on the fee's value).
        let draftKey = try unlocked.keyPair(account: account, index: fromIndex ?? 0)
        let size = try Transaction(chainId: node.chainId, key: draftKey, nonce: 0, to: recipient.payload, amount: units,
                                   fee: 0, memo: memoBytes).encoded.count
        let feeUnits = fee.lowercased() == "auto" ? node.autoFee(size: size) : try KSR.parse(fee, field: "fee")
        let (total, overflow) = units.addingReportingOverflow(feeUnits)
        guard !overflow else { throw CLIError("amount: amount plus fee is too large") }

        let sender: WalletNode.AddressState
        if let fromIndex {
            sender = try await node.state(of: unlocked, account: account, index: fromIndex, pool: pool)
            guard sender.available >= total else {
                throw CLIError("amount: address #\(fromIndex) (\(sender.address.string)) has \(KSR.format(sender.available)) KSR "
                               + "available; \(KSR.format(total)) needed with the fee")
            }
        } else {
            let (used, _) = try await node.discover(unlocked, account: account, pool: pool)
            guard let rich = used.first(where: { $0.available >= total }) else {
                let best = used.map(\.available).max() ?? 0
                throw CLIError("amount: no address of the wallet has \(KSR.format(total)) KSR available with the fee "
                               + "(the most on one address is \(KSR.format(best)); an account-based transfer spends from one address)")
            }
            sender = rich
        }
        let tx = try Transaction(chainId: node.chainId, key: sender.key, nonce: sender.pendingNonce, to: recipient.payload,
                                 amount: units, fee: feeUnits, memo: memoBytes)
        if let gap = sender.gap {
            Output.errorLine(WalletNode.gapNotice(gap, address: sender.address.string) + "; this transfer takes nonce \(sender.pendingNonce)")
        }
        let (id, confirmed) = try await node.post(tx, wait: wait, timeout: timeout)
        var fields: [(String, JSON)] = [
            ("id", .string(id)), ("from", .string(sender.address.string)), ("fromIndex", .uint(UInt64(sender.index))),
            ("to", .string(recipient.string)), ("amount", .string(KSR.format(units))), ("fee", .string(KSR.format(feeUnits))),
            ("nonce", .uint(sender.pendingNonce)), ("status", .string(confirmed == nil ? "pending" : "confirmed")),
        ]
        var text = "Sent \(KSR.format(units)) KSR to \(recipient.string) (fee \(KSR.format(feeUnits)))\ntransaction \(id)"
        if let c = confirmed {
            let height = (jsonUInt(c["height"]) ?? 0)
            let block = c["blockId"] as? String ?? ""
            fields += [("blockId", .string(block)), ("height", .uint(height)),
                       ("confirmations", .uint((jsonUInt(c["confirmations"]) ?? 0)))]
            text += "\nconfirmed in block \(block) at height \(height)"
        } else {
            text += "\npending"
        }
        wallet.emit(.object(fields), text: text)
    }
}

/// `kusari wallet history`.
struct WalletHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Transfers in and out of the wallet, newest first, with confirmations.")
    @OptionGroup var wallet: WalletOptions
    @Option(help: "Account (hardened).") var account: UInt32 = 0
    @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"

    /// One transfer as the wallet sees it.
    struct Entry {
        let id: String, direction: String, amount: UInt64, fee: UInt64, counterparty: String
        let status: String, height: UInt64?, confirmations: UInt64
        /// What it did to the wallet's total, in base units.
        var change: Int64 {
            switch direction {
            case "in": return Int64(clamping: amount)
            case "out": return -Int64(clamping: saturating(amount, fee))
            default: return -Int64(clamping: fee)
            }
        }
    }

    func run() async throws {
        let unlocked = try wallet.unlock()
        let node = try await WalletNode.connect(api: api, network: wallet.network(of: unlocked.header))
        let pool = try await node.mempool()
        let (used, _) = try await node.discover(unlocked, account: account, pool: pool)
        let mine = Set(used.map(\.address.string))
        func entry(id: String, from: String, to: String, amount: UInt64, fee: UInt64, status: String,
                   height: UInt64?, confirmations: UInt64) -> Entry {
            let direction = mine.contains(from) ? (mine.contains(to) ? "self" : "out") : "in"
            return Entry(id: id, direction: direction, amount: amount, fee: direction == "in" ? 0 : fee,
                         counterparty: direction == "in" ? from : to, status: status, height: height, confirmations: confirmations)
        }
        var entries: [Entry] = []
        var seen = Set<String>()
        for p in pool where (mine.contains(p.from) || mine.contains(p.to)) && seen.insert(p.id).inserted {
            entries.append(entry(id: p.id, from: p.from, to: p.to, amount: p.amount, fee: p.fee, status: "pending",
                                 height: nil, confirmations: 0))
        }
        var confirmed: [Entry] = []
        for s in used {
            for info in try await node.history(of: s.address) {
                guard let id = info["id"] as? String, seen.insert(id).inserted, let tx = info["tx"] as? [String: Any],
                      let from = tx["from"] as? String, let to = tx["to"] as? String,
                      let amount = jsonUInt(tx["amount"]), let fee = jsonUInt(tx["fee"]) else { continue }
                confirmed.append(entry(id: id, from: from, to: to, amount: amount, fee: fee,
                                       status: info["status"] as? String ?? "confirmed", height: jsonUInt(info["height"]),
                                       confirmations: (jsonUInt(info["confirmations"]) ?? 0)))
            }
        }
        entries += confirmed.sorted { ($0.height ?? 0, $0.id) > ($1.height ?? 0, $1.id) }
        let rows: [JSON] = entries.map { e in
            .object([("id", .string(e.id)), ("direction", .string(e.direction)), ("amount", .string(KSR.format(e.amount))),
                     ("fee", .string(KSR.format(e.fee))), ("change", .string(KSR.format(signed: e.change))),
                     ("counterparty", .string(e.counterparty)), ("status", .string(e.status)),
                     ("height", e.height.map { .uint($0) } ?? .null), ("confirmations", .uint(e.confirmations))])
        }
        let lines = entries.map { e in
            let place = e.height.map { "height \($0), \(e.confirmations) conf." } ?? "pending"
            let arrow = e.direction == "in" ? "from" : "to"
            return "\(KSR.format(signed: e.change).padding(toLength: 20, withPad: " ", startingAt: 0)) \(e.direction.padding(toLength: 4, withPad: " ", startingAt: 0)) \(arrow) \(e.counterparty)  \(place)  \(e.id)"
        }
        wallet.emit(.object([("transactions", .array(rows))]),
                    text: lines.isEmpty ? "No transfers yet." : lines.joined(separator: "\n"))
    }
}
