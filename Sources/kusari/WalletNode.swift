import Foundation
import KusariClient
import KusariCore
import KusariWallet

/// What the wallet and `tx send` ask of a node over its API: the network,
/// accounts, the mempool and history; posting a transfer and waiting for it.
struct WalletNode {
    let client: HTTPClient
    let api: String
    let network: Network
    let chainId: UInt32
    let minFeePerByte: UInt64

    /// Addresses in a row without any use after which discovery stops (BIP-44's gap limit).
    static let gapLimit: UInt32 = 20

    /// Connects and checks that the node is on `network` (nil: whatever network the node is on).
    static func connect(api: String, network: Network?) async throws -> WalletNode {
        let base = try Arguments.apiURL(api)
        let client = HTTPClient(base: base)
        let status = try await client.get("/v1/status")
        guard status.status == 200, let name = status.json["network"] as? String,
              let chainId = (status.json["chainId"] as? Int).flatMap(UInt32.init(exactly:)) else {
            throw CLIError("api: \(api) did not answer /v1/status like a kusari node")
        }
        guard let nodeNetwork = Network(rawValue: name) else { throw CLIError("api: the node reports an unknown network '\(name)'") }
        if let network, network != nodeNetwork {
            throw CLIError("network: the node at \(api) is on \(name), the wallet's addresses are for \(network.rawValue) (give --network)")
        }
        let minFee = ((status.json["mempool"] as? [String: Any])?["minFeePerByte"] as? Int).flatMap(UInt64.init(exactly:)) ?? 1
        return WalletNode(client: client, api: api, network: nodeNetwork, chainId: chainId, minFeePerByte: minFee)
    }

    /// One address of the wallet as the node sees it.
    struct AddressState {
        let index: UInt32
        let key: KeyPair
        let address: Address
        let balance: UInt64
        let nonce: UInt64
        let pendingNonce: UInt64
        /// Its pending transfers that wait behind a nonce the node does not hold, if any.
        var gap: NonceGap?
        /// Pending transfers to and from it, in base units (amount + fee for outgoing).
        var pendingIn: UInt64 = 0
        var pendingOut: UInt64 = 0
        /// Spendable now: confirmed balance less what pending transfers already spend.
        var available: UInt64 { balance >= pendingOut ? balance - pendingOut : 0 }
        var used: Bool { balance > 0 || nonce > 0 || pendingIn > 0 || pendingOut > 0 || pendingNonce > nonce }
    }

    /// A pending transaction from the node's mempool.
    struct PoolEntry {
        let id: String, from: String, to: String, amount: UInt64, fee: UInt64
    }

    /// Every pending transaction (up to 10,000; a warning on stderr says when there are more).
    func mempool() async throws -> [PoolEntry] {
        let reply = try await client.get("/v1/mempool?limit=10000")
        guard reply.status == 200, let list = reply.json["transactions"] as? [[String: Any]] else {
            throw CLIError("api: cannot read the mempool: \(reply.errorMessage ?? "status \(reply.status)")")
        }
        if let count = reply.json["count"] as? Int, count > list.count {
            Output.errorLine("warning: the node has \(count) pending transactions; pending figures cover the first \(list.count)")
        }
        return list.compactMap { e in
            guard let id = e["id"] as? String, let from = e["from"] as? String, let to = e["to"] as? String,
                  let amount = (e["amount"] as? Int).flatMap(UInt64.init(exactly:)),
                  let fee = (e["fee"] as? Int).flatMap(UInt64.init(exactly:)) else { return nil }
            return PoolEntry(id: id, from: from, to: to, amount: amount, fee: fee)
        }
    }

    /// The state of the address at `index` of `account`.
    func state(of wallet: UnlockedWallet, account: UInt32, index: UInt32, pool: [PoolEntry]) async throws -> AddressState {
        let key: KeyPair
        do { key = try wallet.keyPair(account: account, index: index) } catch { throw CLIError("path: \(error)") }
        let address = key.address(on: network)
        let reply = try await client.get("/v1/accounts/\(address.string)")
        func number(_ field: String) -> UInt64? { (reply.json[field] as? Int).flatMap(UInt64.init(exactly:)) }
        guard reply.status == 200, let balance = number("balance"), let nonce = number("nonce"),
              let pendingNonce = number("pendingNonce") else {
            throw CLIError("api: cannot read account \(address.string): \(reply.errorMessage ?? "status \(reply.status)")")
        }
        var s = AddressState(index: index, key: key, address: address, balance: balance, nonce: nonce, pendingNonce: pendingNonce,
                             gap: NonceGap(reply.json["gap"]))
        for e in pool {
            if e.to == address.string { s.pendingIn = saturating(s.pendingIn, e.amount) }
            if e.from == address.string { s.pendingOut = saturating(s.pendingOut, e.amount, e.fee) }
        }
        return s
    }

    /// The wallet's used addresses, found by walking indices until `gapLimit`
    /// unused ones in a row; also returns the first unused index.
    func discover(_ wallet: UnlockedWallet, account: UInt32, pool: [PoolEntry]) async throws -> (used: [AddressState], nextUnused: UInt32) {
        var used: [AddressState] = []
        var firstUnused: UInt32?
        var gap: UInt32 = 0
        var index: UInt32 = 0
        while gap < Self.gapLimit && index < DerivationPath.hardenedOffset {
            let s = try await state(of: wallet, account: account, index: index, pool: pool)
            if s.used {
                used.append(s)
                gap = 0
                firstUnused = nil
            } else {
                if firstUnused == nil { firstUnused = index }
                gap += 1
            }
            index += 1
        }
        return (used, firstUnused ?? index)
    }

    /// The fee `auto` picks: twice the node's minimum for the transaction's size.
    func autoFee(size: Int) -> UInt64 { UInt64(size) * max(1, minFeePerByte) * 2 }

    /// Posts a signed transaction; with `wait`, waits until it is mined.
    func post(_ tx: Transaction, wait: Bool, timeout: Double) async throws -> (id: String, confirmed: [String: Any]?) {
        if wait { try Self.checkTimeout(timeout) }  // before anything is sent
        let posted = try await client.post("/v1/txs", json: ["tx": Hex.encode(tx.encoded)])
        guard posted.status == 202, let id = posted.json["id"] as? String else {
            throw CLIError("node refused the transaction: \(posted.errorMessage ?? "status \(posted.status)")")
        }
        guard wait else { return (id, nil) }
        // Said at once, so that whoever stops waiting knows the transfer went out (a retry would pay twice).
        let follow = "kusari tx status \(id) --api \(client.base)"
        Output.errorLine("sent \(id); waiting for a block (Ctrl-C stops waiting, not the transfer)")
        let interrupt = InterruptNotice(message: "interrupted: transaction \(id) was sent and stays pending until it is mined; "
                                            + "do not send it again. Follow it with: \(follow)")
        defer { interrupt.cancel() }
        do { return (id, try await waitConfirmed(id, timeout: timeout, resending: tx)) } catch let error as CLIError {
            throw CLIError(error.description + "; follow it with: \(follow)")
        }
    }

    /// Refuses a `--timeout` that is not a number of seconds in (0, 86400].
    static func checkTimeout(_ timeout: Double) throws {
        guard timeout.isFinite && timeout > 0 && timeout <= 86_400 else {
            throw CLIError("timeout: \(timeout) is not a number of seconds between 0 and 86400")
        }
    }

    /// The node's view of one transaction (`GET /v1/txs/ID`).
    func transaction(_ id: String) async throws -> [String: Any] {
        let info = try await client.get("/v1/txs/\(id)")
        guard info.status == 200 else {
            throw CLIError("id: the node at \(client.base) does not know transaction \(id): \(info.errorMessage ?? "status \(info.status)")")
        }
        return info.json
    }

    /// Polls `/v1/txs/ID` until the transaction is confirmed; returns its info.
    /// With `resending` (the transaction itself, kept until it is confirmed): when
    /// the node no longer knows it (lost in a crash, expired or evicted) it is
    /// posted again, as Electrum does; and while it waits behind a nonce the node
    /// does not hold, that is said once on stderr. A node that stops answering
    /// (restarting) is waited for, up to the same deadline.
    func waitConfirmed(_ id: String, timeout: Double, resending tx: Transaction? = nil) async throws -> [String: Any] {
        try Self.checkTimeout(timeout)
        let deadline = Date().addingTimeInterval(timeout)
        var toldGap = false
        var polls = 0
        var unreachable: (any Error)?
        while Date() < deadline {
            let info: HTTPClient.Reply
            do { info = try await client.get("/v1/txs/\(id)") } catch {
                unreachable = error
                try await Task.sleep(for: .milliseconds(500))
                continue
            }
            unreachable = nil
            if info.status == 200, info.json["status"] as? String == "confirmed" { return info.json }
            if info.status == 404, let tx, let again = try? await client.post("/v1/txs", json: ["tx": Hex.encode(tx.encoded)]) {
                if again.status == 202 {
                    Output.errorLine("the node no longer knew \(id); sent it again")
                } else if again.errorCode == "nonce_too_low" {
                    // Its nonce is used: by this transfer (mined meanwhile: the next poll sees it) or by another.
                    if (try? await client.get("/v1/txs/\(id)"))?.status == 404 {
                        throw CLIError("transaction \(id) was lost and its nonce \(tx.nonce) is now used by another transaction; "
                                       + "it will not be mined (check the balance before sending again)")
                    }
                }
            }
            if info.status == 200, let tx, !toldGap, polls % 8 == 0, let gap = (try? await nonceGap(of: tx.from)) ?? nil,
               gap.missingNonce < tx.nonce {
                toldGap = true
                Output.errorLine(Self.gapNotice(gap, address: Address(payload: tx.from, network: network).string))
            }
            polls += 1
            try await Task.sleep(for: .milliseconds(250))
        }
        if let unreachable { throw CLIError("api: the node at \(client.base) stopped answering: \(unreachable)") }
        throw CLIError("timeout: transaction \(id) was not mined within \(Int(timeout)) s (it may still be)")
    }

    /// Pending transactions of an account that wait behind a missing nonce, as the node reports (`gap`).
    struct NonceGap {
        let missingNonce: UInt64, waitingFrom: UInt64, waiting: UInt64
        init?(_ json: Any?) {
            guard let g = json as? [String: Any], let m = jsonUInt(g["missingNonce"]), let f = jsonUInt(g["waitingFrom"]),
                  let w = jsonUInt(g["waiting"]) else { return nil }
            (missingNonce, waitingFrom, waiting) = (m, f, w)
        }
    }

    /// The account's nonce gap, if the node reports one.
    func nonceGap(of address: AddressPayload) async throws -> NonceGap? {
        let reply = try await client.get("/v1/accounts/\(Address(payload: address, network: network).string)")
        return reply.status == 200 ? NonceGap(reply.json["gap"]) : nil
    }

    /// What a sender is told when transfers of theirs wait behind a missing nonce.
    static func gapNotice(_ gap: NonceGap, address: String) -> String {
        "warning: \(gap.waiting) pending transfer(s) of \(address) (from nonce \(gap.waitingFrom)) wait behind nonce "
            + "\(gap.missingNonce), which the node does not hold (a transfer lost before it was mined); they cannot be mined "
            + "until a transfer with nonce \(gap.missingNonce) is sent: the next `send` from this address takes that nonce"
    }

    /// Every confirmed transaction touching `address`, newest first (all pages).
    func history(of address: Address) async throws -> [[String: Any]] {
        var out: [[String: Any]] = []
        var cursor: String?
        repeat {
            let path = "/v1/accounts/\(address.string)/txs?limit=100" + (cursor.map { "&before=\($0)" } ?? "")
            let reply = try await client.get(path)
            guard reply.status == 200, let page = reply.json["transactions"] as? [[String: Any]] else {
                throw CLIError("api: cannot read the history of \(address.string): \(reply.errorMessage ?? "status \(reply.status)")")
            }
            out += page
            cursor = reply.json["next"] as? String
        } while cursor != nil
        return out
    }
}

/// A JSON number from a node as an unsigned integer: nil when absent, negative or not whole.
func jsonUInt(_ value: Any?) -> UInt64? { (value as? Int).flatMap(UInt64.init(exactly:)) }

/// A sum of amounts a node reported, capped at UInt64.max rather than trapping on a
/// node that reports nonsense.
func saturating(_ values: UInt64...) -> UInt64 {
    values.reduce(0) { sum, v in
        let (r, overflow) = sum.addingReportingOverflow(v)
        return overflow ? .max : r
    }
}

/// While it lives, Ctrl-C (SIGINT) prints `message` on stderr and exits with
/// status 130, instead of a bare `^C`.
final class InterruptNotice: @unchecked Sendable {
    private let source: DispatchSourceSignal

    init(message: String) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            Output.errorLine("\n" + message)
            exit(130)
        }
        source.resume()
    }

    /// Restores the default Ctrl-C.
    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
