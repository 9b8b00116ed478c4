import Foundation
import Testing
import KusariCore

extension NodeTests {
    /// `POST /v1/txs` with `{"txs": [...]}`: every transaction is checked on its own,
    /// the good ones admitted, each refusal reported in its place; a batch counts one
    /// request per transaction against the rate limit.
    @Test func aBatchAdmitsEachTransactionOnItsOwn() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let node = try NodeProcess(datadir: dir.appendingPathComponent("batch").path,
                                   arguments: ["--rate-limit", "6", "--rate-limit-loopback"])
        defer { node.stop() }
        let good = try (0..<3).map { try transfer(faucet, to: bob, amount: 10, nonce: $0) }
        var forged = try transfer(faucet, to: bob, amount: 10, nonce: 3)
        forged.amount = 11
        let hexes = good.map { Hex.encode($0.encoded) } + [Hex.encode(forged.encoded), "zz", Hex.encode(good[0].encoded)]
        let r = try await node.post("/v1/txs", body: try JSONSerialization.data(withJSONObject: ["txs": hexes]))
        #expect(r.status == 200)
        #expect(r.json["accepted"] as? Int == 3)
        let results = r.json["results"] as? [[String: Any]] ?? []
        #expect(results.count == 6)
        #expect(results.prefix(3).compactMap { $0["id"] as? String } == good.map(\.id.hex))
        #expect(results.prefix(3).allSatisfy { $0["error"] == nil })
        let codes = results.map { ($0["error"] as? [String: Any])?["code"] as? String }
        #expect(Array(codes.suffix(3)) == ["bad_signature", "bad_request", "already_known"])
        for tx in good { #expect(try await node.get("/v1/txs/\(tx.id.hex)").json["status"] as? String == "pending") }
        // Seven transactions are more than a minute's six posts, whatever the minute.
        let seven = try await node.post("/v1/txs", body: try JSONSerialization.data(withJSONObject: ["txs": hexes + [hexes[0]]]))
        #expect(seven.status == 429 && seven.errorCode == "rate_limited")
    }
}
