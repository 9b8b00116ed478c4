import ArgumentParser
import Foundation
import KusariClient
import KusariCore
import KusariJSON

extension TxCommand {
    /// `kusari tx send`.
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a transfer with a key file and post it to a node; with --wait, wait until it is mined.")

        @Option(help: "Key file of the sender.") var key: String
        @Option(help: "Recipient address.") var to: String
        @Option(help: "Amount (base units, or KSR with the suffix ksr).") var amount: String
        @Option(help: "Fee (base units, or KSR with the suffix ksr; default: twice the node's minimum for its size).") var fee: String?
        @Option(help: "A note of at most 256 UTF-8 bytes.") var memo: String?
        @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"
        @Flag(help: "Wait for the transaction to be mined, and print its block.") var wait = false
        @Option(help: "Seconds to wait with --wait.") var timeout: Double = 120

        func run() async throws {
            let node = try await WalletNode.connect(api: api, network: nil)
            let (keyPair, _) = try loadKey(key)
            let recipient = try Arguments.address(to, network: node.network, field: "to")
            guard let units = Amount.parse(amount) else { throw CLIError("amount: '\(amount)' is not an amount") }
            let sender = Address(publicKey: keyPair.publicKey, network: node.network)
            let account = try await node.client.get("/v1/accounts/\(sender.string)")
            guard account.status == 200, let nonce = account.json["pendingNonce"] as? Int else {
                throw CLIError("api: cannot read the sender's account: \(account.errorMessage ?? "status \(account.status)")")
            }
            if let gap = WalletNode.NonceGap(account.json["gap"]) {
                Output.errorLine(WalletNode.gapNotice(gap, address: sender.string) + "; this transfer takes nonce \(nonce)")
            }
            let memoBytes = Array((memo ?? "").utf8)
            var feeUnits: UInt64
            if let fee {
                guard let f = Amount.parse(fee) else { throw CLIError("fee: '\(fee)' is not an amount") }
                feeUnits = f
            } else {
                let size = try Transaction(chainId: node.chainId, key: keyPair, nonce: UInt64(nonce), to: recipient.payload,
                                           amount: units, fee: 0, memo: memoBytes).encoded.count
                feeUnits = node.autoFee(size: size)
            }
            let tx = try Transaction(chainId: node.chainId, key: keyPair, nonce: UInt64(nonce), to: recipient.payload,
                                     amount: units, fee: feeUnits, memo: memoBytes)
            let (id, confirmed) = try await node.post(tx, wait: wait, timeout: timeout)
            guard let info = confirmed else {
                Output.print(.object([("id", .string(id)), ("status", .string("pending")), ("nonce", .uint(UInt64(nonce))),
                                      ("fee", .uint(feeUnits))]))
                return
            }
            Output.print(.object([
                ("id", .string(id)), ("status", .string("confirmed")),
                ("blockId", .string(info["blockId"] as? String ?? "")),
                ("height", .uint((jsonUInt(info["height"]) ?? 0))),
                ("confirmations", .uint((jsonUInt(info["confirmations"]) ?? 0))),
                ("fee", .uint(feeUnits)),
            ]))
        }
    }
}

extension TxCommand {
    /// `kusari tx status`: where a transaction is (pending, confirmed, unknown), as the node sees it.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a transaction's status at a node: pending, or confirmed with its block; with --wait, wait until it is mined.")

        @Argument(help: "The transaction id (64 hex digits).") var id: String
        @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"
        @Flag(help: "Wait until the transaction is mined.") var wait = false
        @Option(help: "Seconds to wait with --wait.") var timeout: Double = 120

        func run() async throws {
            let txid: String
            do { txid = Hex.encode(try Hex.decode(id, count: 32, field: "id")) } catch { throw CLIError("\(error) (a transaction id is 64 hex digits)") }
            let node = try await WalletNode.connect(api: api, network: nil)
            let info = wait ? try await node.waitConfirmed(txid, timeout: timeout) : try await node.transaction(txid)
            Output.print(.object([
                ("id", .string(txid)), ("status", .string(info["status"] as? String ?? "unknown")),
                ("blockId", info["blockId"].flatMap { $0 as? String }.map(JSON.string) ?? .null),
                ("height", jsonUInt(info["height"]).map(JSON.uint) ?? .null),
                ("confirmations", .uint(jsonUInt(info["confirmations"]) ?? 0)),
            ]))
        }
    }
}
