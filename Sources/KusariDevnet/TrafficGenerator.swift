import Foundation
import KusariClient
import KusariCore

/// Sends transfers between the demo accounts to random running nodes at a
/// steady rate.
///
/// It keeps each sender's next nonce itself. The transfer with a given sender
/// and nonce is always the same one (recipient, amount and fee follow from the
/// nonce, and Ed25519 signing is deterministic), so sending it again is harmless:
/// a node that already holds it answers `already_known`. When a node refuses a
/// transfer for its nonce, the sender's nonce is read again from that node; when
/// a sender's confirmed nonce has not moved for a while (a transfer lost with a
/// killed node or a cut link leaves a gap), it starts again from the confirmed one.
final class TrafficGenerator: Sendable {
    let rate: Double
    let accounts: [DemoAccounts.Account]
    let chainId: UInt32
    let supervisor: Supervisor
    private let state: Ledger

    init(rate: Double, accounts: [DemoAccounts.Account], chainId: UInt32, supervisor: Supervisor) {
        self.rate = rate
        self.accounts = accounts
        self.chainId = chainId
        self.supervisor = supervisor
        state = Ledger(count: accounts.count)
    }

    /// Each sender's next nonce and what was last seen confirmed.
    private actor Ledger {
        var next: [UInt64]
        var confirmed: [UInt64?]
        var round = 0
        init(count: Int) {
            next = [UInt64](repeating: 0, count: count)
            confirmed = [UInt64?](repeating: nil, count: count)
        }
        func take(_ s: Int) -> UInt64 { next[s] }
        func sent(_ s: Int, _ nonce: UInt64) { if next[s] == nonce { next[s] = nonce + 1 } }
        func set(_ s: Int, _ nonce: UInt64) { next[s] = nonce }
        func pick() -> Int { round += 1; return round % next.count }
        /// Records a confirmed nonce; true if it has not moved since last time while transfers are outstanding.
        func stuck(_ s: Int, confirmedNonce: UInt64) -> Bool {
            defer { confirmed[s] = confirmedNonce }
            return confirmed[s] == confirmedNonce && next[s] > confirmedNonce
        }
    }

    /// The transfer a sender makes with a given nonce.
    static func transfer(chainId: UInt32, accounts: [DemoAccounts.Account], sender s: Int, nonce: UInt64) throws -> Transaction {
        let r = (s + 1 + Int(nonce % UInt64(accounts.count - 1))) % accounts.count
        return try Transaction(chainId: chainId, key: accounts[s].key, nonce: nonce, to: accounts[r].address.payload,
                               amount: 100_000 + nonce % 1_000, fee: 1_000)
    }

    /// Sends until the task is cancelled.
    func run() async {
        guard rate > 0, accounts.count >= 2 else { return }
        let start = Date()
        var sent = 0.0
        var lastCheck = Date()
        while !Task.isCancelled {
            let due = rate * Date().timeIntervalSince(start)
            // Never more than a second's worth at once, after a stall.
            if due - sent > rate { sent = due - rate }
            let batch = Int(due - sent)
            if batch > 0 {
                sent += Double(batch)
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<batch {
                        let s = await state.pick()
                        group.addTask { await self.send(sender: s) }
                    }
                }
            }
            if Date().timeIntervalSince(lastCheck) > 15 {
                lastCheck = Date()
                await checkGaps()
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    private func liveNode() -> NodeChild? {
        supervisor.children.filter { $0.snapshot.state == .running }.randomElement()
    }

    private func send(sender s: Int) async {
        guard let node = liveNode() else { return }
        let nonce = await state.take(s)
        guard let tx = try? Self.transfer(chainId: chainId, accounts: accounts, sender: s, nonce: nonce) else { return }
        let client = HTTPClient(base: node.apiBase, timeout: 5)
        guard let reply = try? await client.post("/v1/txs", json: ["tx": Hex.encode(tx.encoded)]) else { return }
        if reply.status == 202 || reply.errorCode == "already_known" {
            await state.sent(s, nonce)
            return
        }
        guard ["nonce_too_low", "nonce_too_far_ahead", "insufficient_balance"].contains(reply.errorCode ?? "") else { return }
        if let account = try? await client.get("/v1/accounts/\(accounts[s].address.string)"), account.status == 200 {
            let key = reply.errorCode == "nonce_too_far_ahead" ? "nonce" : "pendingNonce"
            if let n = (account.json[key] as? Int).flatMap(UInt64.init(exactly:)) { await state.set(s, n) }
        }
    }

    private func checkGaps() async {
        for s in accounts.indices {
            guard let node = liveNode() else { return }
            let client = HTTPClient(base: node.apiBase, timeout: 2)
            guard let account = try? await client.get("/v1/accounts/\(accounts[s].address.string)"), account.status == 200,
                  let confirmed = (account.json["nonce"] as? Int).flatMap(UInt64.init(exactly:)) else { continue }
            if await state.stuck(s, confirmedNonce: confirmed) { await state.set(s, confirmed) }
        }
    }
}
