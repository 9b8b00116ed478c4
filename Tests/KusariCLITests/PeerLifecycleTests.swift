import Foundation
import Testing
import KusariCore

extension NetworkTests {
    /// Transfers admitted while a node had no peers are offered to peers that
    /// connect later, in both directions (as Bitcoin's `mempool` exchange), so
    /// nothing admitted while a link was down stays behind it.
    @Test func poolsAreExchangedWhenPeersConnect() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let x = try NodeProcess(datadir: path("x"), arguments: ["--p2p", "127.0.0.1:0", "--no-discover"])
        defer { x.stop() }
        let bobAddress = AddressPayload(publicKey: bob.publicKey)
        let first = try Transaction(chainId: 3, key: faucet, nonce: 0, to: bobAddress, amount: 11, fee: 1_000)
        let second = try Transaction(chainId: 3, key: faucet, nonce: 1, to: bobAddress, amount: 12, fee: 1_000)
        #expect(try await x.postTx(Hex.encode(first.encoded)).status == 202)

        // Y holds the second before it knows X; it is given X only afterwards.
        let y = try NodeProcess(datadir: path("y"), arguments: ["--p2p", "127.0.0.1:0", "--no-discover"])
        defer { y.stop() }
        #expect(try await y.postTx(Hex.encode(second.encoded)).status == 202)
        let z = try NodeProcess(datadir: path("z"), arguments: ["--peer", x.p2p ?? "", "--peer", y.p2p ?? "", "--no-discover"])
        defer { z.stop() }
        for (node, name) in [(x, "x"), (y, "y"), (z, "z")] {
            for tx in [first, second] {
                try await node.waitFor("\(name) to hold \(tx.id.hex.prefix(8))", seconds: 60) {
                    try await node.get("/v1/txs/\(tx.id.hex)").json["status"] as? String == "pending"
                }
            }
        }
    }
}

extension NetworkTests {
    /// A second connection claiming a connected node's id is refused while the first is
    /// alive (nobody evicts a peer by naming it); once nothing has come on the first for
    /// 25 s (its node gave it up and dialled again, and the close never reached us), a new
    /// connection from the same side replaces it rather than being refused as "already
    /// connected".
    @Test func aReconnectFromTheSameSideReplacesASilentConnection() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let x = try NodeProcess(datadir: dir.appendingPathComponent("x").path, arguments: ["--p2p", "127.0.0.1:0", "--no-discover"])
        defer { x.stop() }
        let port = UInt16(x.p2p?.split(separator: ":").last ?? "") ?? 0
        let genesis = try Hash256(hex: try await x.get("/v1/status").json["genesis"] as? String ?? "")
        func peers() async throws -> [[String: Any]] { try await x.get("/v1/peers").json["peers"] as? [[String: Any]] ?? [] }
        let old = try RawPeer(port: port)
        old.send(RawPeer.handshake(genesis: genesis, nodeId: 777))
        try await x.waitFor("the first connection", seconds: 30) { try await peers().count == 1 }
        let connectedAt = Date()
        // At once, another connection claiming the same node: refused, the first stays.
        let impostor = try RawPeer(port: port)
        impostor.send(RawPeer.handshake(genesis: genesis, nodeId: 777))
        let impostorClosed = Task.detached { impostor.closedByNode(within: 30) }
        #expect(await impostorClosed.value, "x should refuse the second connection")
        // The refused connection leaves the list once its close is handled (a moment after the socket closes).
        try await x.waitFor("only the first connection", seconds: 10) { try await peers().count == 1 }
        // The first goes silent (it answers no ping); after 25 s the same node dials again.
        let quiet = 26 - Date().timeIntervalSince(connectedAt)
        if quiet > 0 { try await Task.sleep(for: .seconds(quiet)) }
        let new = try RawPeer(port: port)
        new.send(RawPeer.handshake(genesis: genesis, nodeId: 777))
        let oldClosed = Task.detached { old.closedByNode(within: 30) }
        #expect(await oldClosed.value, "x should close the silent connection")
        try await x.waitFor("one peer again, on the new connection", seconds: 30) {
            let list = try await peers()
            return list.count == 1 && list.first?["nodeId"] as? String == String(777, radix: 16)
        }
        let newClosed = Task.detached { new.closedByNode(within: 3) }
        #expect(await newClosed.value == false, "the new connection stays")
    }
}

extension NetworkTests {
    /// Idle sockets that never shake hands cannot hold every inbound slot: a newcomer
    /// takes the place of the oldest unfinished connection instead of being refused.
    @Test func idleSocketsDoNotHoldTheInboundSlots() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let x = try NodeProcess(datadir: dir.appendingPathComponent("x").path,
                                arguments: ["--p2p", "127.0.0.1:0", "--max-inbound", "3", "--no-discover"])
        defer { x.stop() }
        let port = UInt16(x.p2p?.split(separator: ":").last ?? "") ?? 0
        let genesis = try Hash256(hex: try await x.get("/v1/status").json["genesis"] as? String ?? "")
        func peers() async throws -> [[String: Any]] { try await x.get("/v1/peers").json["peers"] as? [[String: Any]] ?? [] }
        let idle = try (0..<3).map { _ in try RawPeer(port: port) }
        try await x.waitFor("three idle connections in every slot", seconds: 30) { try await peers().count == 3 }
        let real = try RawPeer(port: port)
        real.send(RawPeer.handshake(genesis: genesis, nodeId: 55))
        try await x.waitFor("the real peer connected", seconds: 10) {
            try await x.get("/v1/status").json["peers"] as? Int == 1
        }
        let closed = await Task.detached { idle[0].closedByNode(within: 10) }.value
        #expect(closed, "the oldest idle connection made room")
        #expect(try await peers().count == 3)
    }
}
