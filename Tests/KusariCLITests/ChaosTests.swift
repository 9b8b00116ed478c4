import Foundation
import KusariCore
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Three real nodes in a line (A mines, B links A and C) take transfers from
/// several senders, posted to random nodes, while nodes are SIGKILLed and
/// restarted (same data directory and ports) or SIGSTOPped and resumed at
/// random. Afterwards every transfer a node acknowledged with 202 is mined at
/// every node: none lost, none stranded behind a lost one.
@Suite struct ChaosTests {
    /// How long nodes are killed and paused while transfers flow.
    static let chaosSeconds: TimeInterval = 120
    static let senderCount = 6

    @Test(.timeLimit(.minutes(6))) func acknowledgedTransfersSurviveKillsAndPauses() async throws {
        let dir = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cluster = try ChaosCluster(directory: dir.path, miner: TestKeys.miner.address(on: .devnet).string)
        defer { cluster.stopAll() }
        let senders = (0..<Self.senderCount).map { i in (try? KeyPair(seed: [UInt8](repeating: UInt8(40 + i), count: 32))) ?? KeyPair() }
        let bob = AddressPayload(publicKey: TestKeys.bob.publicKey)

        // Fund the senders from the devnet faucet and wait until every node has seen it.
        for (i, s) in senders.enumerated() {
            let tx = try Transaction(chainId: 3, key: TestKeys.faucet, nonce: UInt64(i), to: AddressPayload(publicKey: s.publicKey),
                                     amount: 1_000 * Amount.unitsPerKSR, fee: 1_000)
            try await ChaosHTTP.waitFor("funding transfer \(i) acknowledged", seconds: 30) {
                let reply = try? await ChaosHTTP.post(cluster.base(0) ?? "", tx)
                return reply?.status == 202 || reply?.errorCode == "already_known"
            }
        }
        Self.progress("senders funded at A")
        try await ChaosHTTP.waitFor("the senders funded at every node", seconds: 90) {
            for n in 0..<3 {
                for s in senders {
                    guard let base = cluster.base(n), let account = try? await ChaosHTTP.account(base, s), account.balance > 0 else { return false }
                }
            }
            return true
        }

        // Transfers and chaos, side by side.
        let ledger = ChaosLedger()
        let end = Date().addingTimeInterval(Self.chaosSeconds)
        Self.progress("senders funded at every node; chaos for \(Int(Self.chaosSeconds)) s")
        async let chaos: Void = cluster.perturb(until: end)
        await withTaskGroup(of: Void.self) { group in
            for (index, key) in senders.enumerated() {
                group.addTask { await Self.send(from: key, index: index, to: bob, cluster: cluster, ledger: ledger, until: end) }
            }
        }
        try await chaos
        Self.progress("chaos over: \(ledger.all.count) acknowledged, \(cluster.kills) kills, \(cluster.pauses) pauses")

        // Settle: every node up and running; every sender's acknowledged transfers mined everywhere.
        let acked = ledger.all
        #expect(acked.count >= 200, "too few acknowledged transfers (\(acked.count)) for the run to mean much")
        #expect(cluster.kills >= 5 && cluster.pauses >= 5, "kills \(cluster.kills), pauses \(cluster.pauses)")
        let needed = Dictionary(acked.map { ($0.sender, $0.nonce + 1) }, uniquingKeysWith: max)
        do {
            try await ChaosHTTP.waitFor("every acknowledged transfer mined at every node", seconds: 90) {
                for n in 0..<3 {
                    guard let base = cluster.base(n) else { return false }
                    for (index, nonce) in needed {
                        guard let account = try? await ChaosHTTP.account(base, senders[index]), account.nonce >= nonce else { return false }
                    }
                }
                return true
            }
        } catch {
            var lost: [String] = []
            for t in acked {
                let status = (try? await ChaosHTTP.get(cluster.base(0) ?? "", "/v1/txs/\(t.id.hex)").json["status"] as? String) ?? "unknown"
                if status != "confirmed" { lost.append("sender \(t.sender) nonce \(t.nonce) (\(status) at A, acked by \(t.node))") }
            }
            Issue.record("\(lost.count) of \(acked.count) acknowledged transfers not mined: \(lost.prefix(20).joined(separator: "; "))")
            return
        }
        // Mined as sent: each acknowledged id is confirmed at A; B and C hold A's chain up to
        // the highest block holding one (so they hold the same transactions).
        let a = try #require(cluster.base(0))
        let heights = await withTaskGroup(of: Int?.self) { group in
            var out: [Int?] = []
            for slice in stride(from: 0, to: acked.count, by: 500).map({ Array(acked[$0..<min($0 + 500, acked.count)]) }) {
                group.addTask {
                    var top = 0
                    for t in slice {
                        let info = try? await ChaosHTTP.get(a, "/v1/txs/\(t.id.hex)").json
                        guard info?["status"] as? String == "confirmed", let h = info?["height"] as? Int else { return nil }
                        top = max(top, h)
                    }
                    return top
                }
            }
            for await h in group { out.append(h) }
            return out
        }
        #expect(!heights.contains(nil), "an acknowledged transfer is not confirmed at A")
        let top = heights.compactMap { $0 }.max() ?? 0
        let blockAtA = (try? await ChaosHTTP.get(a, "/v1/blocks/\(top)"))?.json["id"] as? String
        #expect(blockAtA != nil, "A has no block at \(top)")
        for n in 1..<3 {
            let base = try #require(cluster.base(n))
            #expect((try? await ChaosHTTP.get(base, "/v1/blocks/\(top)"))?.json["id"] as? String == blockAtA, "node \(n) differs at \(top)")
        }
        print("chaos: \(acked.count) acknowledged (\(ledger.heldCount) found already held), \(cluster.kills) kills, \(cluster.pauses) pauses")
    }

    /// A line on stderr with the time, to follow a long run.
    static func progress(_ text: String) {
        FileHandle.standardError.write(Data("[chaos \(ISO8601DateFormatter().string(from: Date()))] \(text)\n".utf8))
    }

    /// One sender: posts its next transfer to a random running node until one
    /// acknowledges it (the same bytes each time, so a retry is never a
    /// conflicting spend), then moves to the next nonce.
    static func send(from key: KeyPair, index: Int, to: AddressPayload, cluster: ChaosCluster, ledger: ChaosLedger, until end: Date) async {
        var nonce: UInt64 = 0
        var amount: UInt64 = 1
        while Date() < end {
            guard let tx = try? Transaction(chainId: 3, key: key, nonce: nonce, to: to, amount: amount, fee: 1_000) else { return }
            guard let (node, base) = cluster.randomRunning() else {
                try? await Task.sleep(for: .milliseconds(50))
                continue
            }
            let reply = try? await ChaosHTTP.post(base, tx)
            let code = reply?.errorCode
            if reply?.status == 202 || code == "already_known" || code == "nonce_too_low" {
                // Acknowledged; or held (or mined) already by a node though its answer never
                // reached us: then it is held to the same standard.
                ledger.record(.init(id: tx.id, sender: index, nonce: nonce, node: node), held: reply?.status != 202)
                nonce += 1
                amount += 1
                try? await Task.sleep(for: .milliseconds(Int.random(in: 10...60)))
            } else {
                // No answer (killed, paused), or not now (too far ahead while the miner is down): retry later.
                try? await Task.sleep(for: .milliseconds(Int.random(in: 50...200)))
            }
        }
    }
}

/// The transfers acknowledged during a chaos run.
final class ChaosLedger: @unchecked Sendable {
    struct Entry {
        let id: Hash256
        let sender: Int
        let nonce: UInt64
        let node: Int
    }
    private let lock = NSLock()
    private var entries: [Entry] = []
    private var held = 0

    func record(_ e: Entry, held isHeld: Bool) { lock.withLock { entries.append(e); if isHeld { held += 1 } } }
    var all: [Entry] { lock.withLock { entries } }
    var heldCount: Int { lock.withLock { held } }
}

/// Short-timeout HTTP for a run where nodes stop answering at any moment.
enum ChaosHTTP {
    static func get(_ base: String, _ path: String) async throws -> NodeProcess.Reply { try await send(base + path, body: nil) }

    static func post(_ base: String, _ tx: Transaction) async throws -> NodeProcess.Reply {
        try await send(base + "/v1/txs", body: try JSONSerialization.data(withJSONObject: ["tx": Hex.encode(tx.encoded)]))
    }

    static func account(_ base: String, _ key: KeyPair) async throws -> (balance: Int, nonce: UInt64) {
        let json = try await get(base, "/v1/accounts/\(key.address(on: .devnet).string)").json
        guard let balance = json["balance"] as? Int, let nonce = json["nonce"] as? Int else { throw NodeProcessError.timeout("account") }
        return (balance, UInt64(nonce))
    }

    private static func send(_ url: String, body: Data?) async throws -> NodeProcess.Reply {
        var request = URLRequest(url: try require_url(url), timeoutInterval: 3)
        request.httpMethod = body == nil ? "GET" : "POST"
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return NodeProcess.Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    /// Polls `condition` every 200 ms until it holds, or throws after `seconds`.
    static func waitFor(_ what: String, seconds: TimeInterval, _ condition: () async throws -> Bool) async throws {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw NodeProcessError.timeout(what)
    }
}
