import Foundation
import Testing
import KusariCore

/// Several real nodes on 127.0.0.1, connected in a line.
@Suite(.serialized) struct NetworkTests {
    let faucet = TestKeys.faucet, bob = TestKeys.bob, miner = TestKeys.miner
    let dir: URL

    init() throws { dir = try Kusari.temporaryDirectory() }

    /// Whether every node is at `atLeast` or above and all hold the same block at the
    /// lowest of their heights. With miners running, tips are compared this way rather
    /// than raced against the next block.
    static func onOneChain(_ nodes: [NodeProcess], atLeast: Int) async throws -> Bool {
        var heights: [Int] = []
        for n in nodes { heights.append(try await n.get("/v1/status").json["height"] as? Int ?? -1) }
        guard let common = heights.min(), common >= atLeast else { return false }
        var ids = Set<String>()
        for n in nodes { ids.insert(try await n.get("/v1/blocks/\(common)").json["id"] as? String ?? "") }
        return ids.count == 1
    }

    /// A-B-C-D, A mining: every node reaches the same tip; a transfer posted to D
    /// travels to A, is mined there, and is confirmed at D.
    @Test func fourNodesInALineAgreeAndRelay() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let a = try NodeProcess(datadir: path("a"), arguments: ["--p2p", "127.0.0.1:0", "--mine", "--miner-address",
                                                                miner.address(on: .devnet).string, "--miner-interval", "0.3",
                                                                "--miner-threads", "1", "--no-discover"])
        defer { a.stop() }
        // --no-discover keeps the line a line (no shortcuts learned by address gossip).
        let b = try NodeProcess(datadir: path("b"), arguments: ["--p2p", "127.0.0.1:0", "--peer", a.p2p ?? "", "--no-discover"])
        defer { b.stop() }
        let c = try NodeProcess(datadir: path("c"), arguments: ["--p2p", "127.0.0.1:0", "--peer", b.p2p ?? "", "--no-discover"])
        defer { c.stop() }
        let d = try NodeProcess(datadir: path("d"), arguments: ["--peer", c.p2p ?? "", "--no-discover"])
        defer { d.stop() }
        let nodes = [a, b, c, d]

        func status(_ n: NodeProcess) async throws -> [String: Any] { try await n.get("/v1/status").json }
        // Every node reaches at least height 5 on one chain. A mines every 0.3 s, so the four
        // tips are compared at the lowest of their heights (the others are at most a few blocks
        // further, in flight), not raced against the miner.
        try await a.waitFor("four nodes on one chain", seconds: 90) { try await Self.onOneChain(nodes, atLeast: 5) }
        #expect(try await status(b)["peers"] as? Int == 2)
        #expect(try await status(d)["peers"] as? Int == 1)

        // A transfer posted at the far end is mined by A and confirmed at D.
        let tx = try Transaction(chainId: 3, key: faucet, nonce: 0, to: AddressPayload(publicKey: bob.publicKey), amount: 777, fee: 1_000)
        #expect(try await d.postTx(Hex.encode(tx.encoded)).status == 202)
        try await d.waitFor("the transfer confirmed at D", seconds: 90) {
            try await d.get("/v1/txs/\(tx.id.hex)").json["status"] as? String == "confirmed"
        }
        let minedAt = try await a.get("/v1/txs/\(tx.id.hex)").json
        #expect(minedAt["status"] as? String == "confirmed")
        // D confirmed it in the very block A mined it in.
        #expect(try await d.get("/v1/txs/\(tx.id.hex)").json["blockId"] as? String == minedAt["blockId"] as? String)
        #expect(try await d.get("/v1/accounts/\(bob.address(on: .devnet).string)").json["balance"] as? Int == 777)

        // Peers that do not mine show the height they proved, not their handshake's 0: A sees B
        // within a block or two of B's own height (B's requests for headers name its tip).
        try await a.waitFor("A to see B's height", seconds: 60) {
            let bHeight = try await status(b)["height"] as? Int ?? 0
            let peers = try await a.get("/v1/peers").json["peers"] as? [[String: Any]] ?? []
            let shown = peers.compactMap { $0["height"] as? Int }.max() ?? 0
            return bHeight >= 10 && shown >= bHeight - 2
        }
    }
}

import KusariNetwork
#if canImport(Glibc)
import Glibc
#endif

/// A count shared with a helper thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
}

/// A raw TCP connection to a node's peer port, for sending bad bytes.
final class RawPeer: @unchecked Sendable {
    let fd: Int32
    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw NodeProcessError.didNotStart("cannot connect to 127.0.0.1:\(port)") }
    }
    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    /// Sends every byte (blocking while the node does not read); false once the connection is gone.
    func sendAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress.map { $0 + offset }, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Reads frames for up to `seconds`, handing each message to `handle`; returns when the
    /// connection closes or the time is up.
    func serve(seconds: Double, magic: UInt32, _ handle: (Message) -> Void) {
        let deadline = Date().addingTimeInterval(seconds)
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 200) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            pending += buffer[0..<n]
            while let (message, used) = try? Frame.decode(pending[...], magic: magic) {
                pending.removeFirst(used)
                handle(message)
            }
        }
    }

    /// Whether the node closed the connection within `seconds` (what it sends meanwhile is read and ignored).
    func closedByNode(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 200)
            if ready > 0 {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return true }
            }
        }
        return false
    }

    /// A version message for the devnet genesis, then verack: a finished handshake.
    static func handshake(genesis: Hash256, nodeId: UInt64) -> [UInt8] {
        let magic = Frame.magic(for: .devnet)
        return Frame.encode(.version(VersionInfo(chainId: 3, genesisId: genesis, bestHeight: 0, chainWork: .zero, nodeId: nodeId,
                                                 listenPort: 0, userAgent: "test")), magic: magic)
            + Frame.encode(.verack, magic: magic)
    }
    deinit { close(fd) }
}

extension NetworkTests {
    /// Garbage, an oversize frame, a bad checksum and an invalid block each get
    /// their sender banned, while the node keeps serving its API and its other peer.
    @Test func misbehavingPeersAreBanned() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let x = try NodeProcess(datadir: dir.appendingPathComponent("x").path, arguments: ["--p2p", "127.0.0.1:0"])
        defer { x.stop() }
        let y = try NodeProcess(datadir: dir.appendingPathComponent("y").path, arguments: ["--peer", x.p2p ?? ""])
        defer { y.stop() }
        try await y.waitFor("y connected", seconds: 30) { try await y.get("/v1/status").json["peers"] as? Int == 1 }
        let port = UInt16(x.p2p?.split(separator: ":").last ?? "") ?? 0
        let magic = Frame.magic(for: .devnet)
        let status = try await x.get("/v1/status").json
        let genesis = try Hash256(hex: status["genesis"] as? String ?? "")
        let tip = try Hash256(hex: status["tip"] as? String ?? "")
        let hello = Frame.encode(.version(VersionInfo(chainId: 3, genesisId: genesis, bestHeight: 0, chainWork: .zero,
                                                      nodeId: 12345, listenPort: 0, userAgent: "test")), magic: magic)
        // An invalid block: proof of work and bits right, but a Merkle root that is not its body's.
        var header = BlockHeader(height: 1, previousId: tip, merkleRoot: Hash256.sha256([9]), stateRoot: Hash256.sha256([8]),
                                 timestamp: UInt64(Date().timeIntervalSince1970), bits: 0x207fffff, beneficiary: .zero, nonce: 0)
        while header.id.bytes[0] >= 0x7f { header.nonce += 1 }
        // Bad proof of work: a header whose id is above the target.
        var noWork = BlockHeader(height: 1, previousId: tip, merkleRoot: MerkleTree.emptyRoot, stateRoot: Hash256.sha256([8]),
                                 timestamp: UInt64(Date().timeIntervalSince1970), bits: 0x207fffff, beneficiary: .zero, nonce: 0)
        while noWork.id.bytes[0] < 0x80 { noWork.nonce += 1 }
        // A bad signature: a transfer whose amount was changed after signing, in a block whose Merkle root fits.
        var forged = try Transaction(chainId: 3, key: faucet, nonce: 0, to: AddressPayload(publicKey: bob.publicKey), amount: 5, fee: 1_000)
        forged.amount = 6
        var badSig = BlockHeader(height: 1, previousId: tip, merkleRoot: MerkleTree.root(leaves: [forged.id]), stateRoot: Hash256.sha256([8]),
                                 timestamp: UInt64(Date().timeIntervalSince1970), bits: 0x207fffff, beneficiary: .zero, nonce: 0)
        while badSig.id.bytes[0] >= 0x7f { badSig.nonce += 1 }
        var oversize = Array(Frame.encode(.ping(nonce: 1), magic: magic).prefix(Frame.headerSize))
        oversize[5] = 0x7f
        var badChecksum = Frame.encode(.ping(nonce: 1), magic: magic)
        badChecksum[10] ^= 0xff
        let cases: [(String, [UInt8])] = [
            ("garbage", Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
            ("oversize", oversize),
            ("bad checksum", badChecksum),
            ("invalid block (bad Merkle root)", hello + Frame.encode(.block(Block(header: header, transactions: [])), magic: magic)),
            ("invalid block (bad proof of work)", hello + Frame.encode(.block(Block(header: noWork, transactions: [])), magic: magic)),
            ("invalid block (bad signature)", hello + Frame.encode(.block(Block(header: badSig, transactions: [forged])), magic: magic)),
        ]
        var banned = 0
        for (name, bytes) in cases {
            let peer = try RawPeer(port: port)
            peer.send(bytes)
            banned += 1
            try await x.waitFor("a ban for \(name)", seconds: 30) {
                (try await x.get("/v1/bans").json["bans"] as? [[String: Any]])?.count == banned
            }
            #expect(try await x.get("/v1/status").status == 200)
        }
        let bans = try await x.get("/v1/bans").json["bans"] as? [[String: Any]] ?? []
        #expect(bans.allSatisfy { ($0["reason"] as? String ?? "").isEmpty == false })
        // The good peer is still connected and served.
        #expect(try await y.get("/v1/status").json["peers"] as? Int == 1)
        let peers = try await x.get("/v1/peers").json["peers"] as? [[String: Any]] ?? []
        #expect(peers.count == 1)
        #expect((peers.first?["bytesIn"] as? Int ?? 0) > 0)
    }
}

extension NetworkTests {
    /// Inbound connections stop at --max-inbound; a peer that leaves pings
    /// unanswered is dropped after --ping-timeout, and its slot serves another.
    @Test func inboundLimitAndPingTimeout() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let x = try NodeProcess(datadir: dir.appendingPathComponent("x").path,
                                arguments: ["--p2p", "127.0.0.1:0", "--max-inbound", "1", "--ping-timeout", "3"])
        defer { x.stop() }
        let port = UInt16(x.p2p?.split(separator: ":").last ?? "") ?? 0
        let genesis = try Hash256(hex: try await x.get("/v1/status").json["genesis"] as? String ?? "")
        func peerCount() async throws -> Int { (try await x.get("/v1/peers").json["peers"] as? [[String: Any]])?.count ?? -1 }
        let first = try RawPeer(port: port)
        first.send(RawPeer.handshake(genesis: genesis, nodeId: 1))
        try await x.waitFor("first peer connected", seconds: 30) { try await x.get("/v1/status").json["peers"] as? Int == 1 }
        // A second inbound connection is refused while the first holds the only slot.
        let second = try RawPeer(port: port)
        second.send(RawPeer.handshake(genesis: genesis, nodeId: 2))
        // Refused at once (a ping timeout would take at least three seconds).
        #expect(second.closedByNode(within: 2))
        #expect(try await peerCount() == 1)
        // The first never answers pings: it is dropped after about three seconds.
        #expect(first.closedByNode(within: 30))
        try await x.waitFor("silent peer dropped", seconds: 30) { try await peerCount() == 0 }
        // Its slot is free again.
        let third = try RawPeer(port: port)
        third.send(RawPeer.handshake(genesis: genesis, nodeId: 3))
        try await x.waitFor("third peer connected", seconds: 30) { try await x.get("/v1/status").json["peers"] as? Int == 1 }
        // The node kept serving throughout, and banned nobody: being full or slow is not misbehaviour.
        #expect((try await x.get("/v1/bans").json["bans"] as? [[String: Any]])?.isEmpty == true)
    }

    /// A peer that floods pings (more than 5,000 a second, second after second)
    /// is banned; one that sends as fast as it can is slowed by the node not
    /// reading rather than buffered without end; the node keeps serving.
    @Test func floodingPeerIsBanned() async throws {
        defer { if ProcessInfo.processInfo.environment["KEEP"] == nil { try? FileManager.default.removeItem(at: dir) } }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let x = try NodeProcess(datadir: dir.appendingPathComponent("x").path, arguments: ["--p2p", "127.0.0.1:0"])
        defer { x.stop() }
        let port = UInt16(x.p2p?.split(separator: ":").last ?? "") ?? 0
        let genesis = try Hash256(hex: try await x.get("/v1/status").json["genesis"] as? String ?? "")
        let flooder = try RawPeer(port: port)
        flooder.send(RawPeer.handshake(genesis: genesis, nodeId: 99))
        let burst = (0..<1_000).flatMap { Frame.encode(.ping(nonce: UInt64($0)), magic: Frame.magic(for: .devnet)) }
        // Send and read on other threads until the node closes the connection.
        DispatchQueue.global().async { while flooder.sendAll(burst) {} }
        DispatchQueue.global().async { _ = flooder.closedByNode(within: 120) }
        try await x.waitFor("the flooder banned", seconds: 90) {
            let bans = try await x.get("/v1/bans").json["bans"] as? [[String: Any]] ?? []
            return bans.contains { ($0["reason"] as? String ?? "").contains("flooding") }
        }
        #expect(try await x.get("/v1/status").status == 200)
    }

    /// A peer that announces the chain but never sends a body: its share of the
    /// download goes to the honest peer after the stall timeout, and the sync completes.
    @Test func aStallingPeersBlocksAreAskedOfOthers() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        #expect(try Kusari.run(["init", "--datadir", path("a"), "--network", "devnet"]).status == 0)
        #expect(try Kusari.run(["generate", "120", "--datadir", path("a"), "--to", miner.address(on: .devnet).string]).status == 0)
        #expect(try Kusari.run(["export", "--datadir", path("a"), "--out", path("chain.blk")]).status == 0)
        // The headers of the exported chain (records: u32 big-endian length, then the block).
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("chain.blk"))))
        var headers: [BlockHeader] = []
        var offset = 8 + 32
        while offset + 4 <= file.count {
            let length = file[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let block = try Block(decoding: Array(file[offset + 4..<offset + 4 + length]))
            if block.header.height > 0 { headers.append(block.header) }
            offset += 4 + length
        }
        #expect(headers.count == 120)
        let d = try NodeProcess(datadir: path("d"), arguments: ["--p2p", "127.0.0.1:0", "--no-discover"])
        defer { d.stop() }
        let genesis = try Hash256(hex: try await d.get("/v1/status").json["genesis"] as? String ?? "")
        // The staller connects first, claims more work, answers getheaders with the real headers, sends no body.
        let magic = Frame.magic(for: .devnet)
        let staller = try RawPeer(port: UInt16(d.p2p?.split(separator: ":").last ?? "") ?? 0)
        staller.send(Frame.encode(.version(VersionInfo(chainId: 3, genesisId: genesis, bestHeight: 120,
                                                       chainWork: Hash256(bytes: [UInt8](repeating: 0xff, count: 32)) ?? .zero,
                                                       nodeId: 4242, listenPort: 0, userAgent: "staller")), magic: magic)
                     + Frame.encode(.verack, magic: magic))
        let asked = Counter()
        let served = Task.detached {
            staller.serve(seconds: 120, magic: magic) { message in
                switch message {
                case .getheaders: staller.send(Frame.encode(.headers(headers), magic: magic))
                case .getdata(let items): asked.add(items.count)
                case .ping(let n): staller.send(Frame.encode(.pong(nonce: n), magic: magic))
                default: break
                }
            }
        }
        defer { served.cancel() }
        try await d.waitFor("bodies asked of the staller", seconds: 30) { asked.value > 0 }
        // Now the honest peer arrives; the first bodies stay stuck with the staller until it is found out.
        let a = try NodeProcess(datadir: path("a"), arguments: ["--p2p", "127.0.0.1:0", "--peer", d.p2p ?? "", "--no-discover"])
        defer { a.stop() }
        let tip = try await a.get("/v1/status").json["tip"] as? String
        try await d.waitFor("d synced despite the staller", seconds: 90) { try await d.get("/v1/status").json["tip"] as? String == tip }
        let peers = try await d.get("/v1/peers").json["peers"] as? [[String: Any]] ?? []
        let fromHonest = peers.first { $0["userAgent"] as? String != "staller" }?["blocksIn"] as? Int ?? 0
        #expect(fromHonest >= 120, "the honest peer sent \(fromHonest) blocks")
        #expect(peers.first { $0["userAgent"] as? String == "staller" }?["blocksIn"] as? Int ?? 0 == 0)
    }

    /// A node that joins after 500 blocks syncs to the tip from its peers.
    @Test func lateJoinerSyncsFiveHundredBlocks() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        #expect(try Kusari.run(["init", "--datadir", path("a"), "--network", "devnet"]).status == 0)
        #expect(try Kusari.run(["generate", "500", "--datadir", path("a"), "--to", miner.address(on: .devnet).string]).status == 0)
        let a = try NodeProcess(datadir: path("a"), arguments: ["--p2p", "127.0.0.1:0"])
        defer { a.stop() }
        let b = try NodeProcess(datadir: path("b"), arguments: ["--p2p", "127.0.0.1:0", "--peer", a.p2p ?? ""])
        defer { b.stop() }
        let tip = try await a.get("/v1/status").json["tip"] as? String
        try await b.waitFor("b synced", seconds: 120) { try await b.get("/v1/status").json["tip"] as? String == tip }
        let d = try NodeProcess(datadir: path("d"), arguments: ["--peer", a.p2p ?? "", "--peer", b.p2p ?? ""])
        defer { d.stop() }
        try await d.waitFor("d synced", seconds: 120) { try await d.get("/v1/status").json["tip"] as? String == tip }
        let synced = try await d.get("/v1/status").json
        #expect(synced["height"] as? Int == 500)
        #expect(synced["bestPeerHeight"] as? Int == 500)
        #expect(synced["syncing"] as? Bool == false)
        #expect(try await d.get("/v1/status").json["peers"] as? Int ?? 0 >= 2)
        // The bodies came from both peers, not one.
        let sent = (try await d.get("/v1/peers").json["peers"] as? [[String: Any]] ?? []).map { $0["blocksIn"] as? Int ?? 0 }
        #expect(sent.count == 2 && sent.allSatisfy { $0 >= 50 } && sent.reduce(0, +) >= 500, "blocks per peer: \(sent)")
    }

    /// A-B-C with miners at both ends: stop B, let both sides mine apart, restart
    /// B: every node converges on one tip, and a transfer mined only on the losing
    /// side ends up confirmed on the winning chain.
    @Test func partitionedSidesConvergeWhenTheBridgeReturns() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let minerC = (try? KeyPair(seed: [UInt8](repeating: 8, count: 32))) ?? KeyPair()
        // --no-discover everywhere: the only path between A and C is B.
        let a = try NodeProcess(datadir: path("a"), arguments: ["--p2p", "127.0.0.1:0", "--mine", "--miner-address",
                                                                miner.address(on: .devnet).string, "--miner-interval", "0.3",
                                                                "--miner-threads", "1", "--no-discover"])
        defer { a.stop() }
        let c = try NodeProcess(datadir: path("c"), arguments: ["--p2p", "127.0.0.1:0", "--no-discover"])
        defer { c.stop() }
        var b: NodeProcess? = try NodeProcess(datadir: path("b"), arguments: ["--p2p", "127.0.0.1:0", "--peer", a.p2p ?? "",
                                                                              "--peer", c.p2p ?? "", "--no-discover"])
        func height(_ n: NodeProcess) async throws -> Int { try await n.get("/v1/status").json["height"] as? Int ?? -1 }
        try await a.waitFor("c follows a through b", seconds: 60) { try await height(c) >= 3 }
        // Partition: B goes away; C starts mining on its own.
        b?.stop()
        b = nil
        c.stop()
        let c2 = try NodeProcess(datadir: path("c"), arguments: ["--p2p", c.p2p ?? "127.0.0.1:0", "--mine", "--miner-address",
                                                                 minerC.address(on: .devnet).string, "--miner-interval", "0.5",
                                                                 "--miner-threads", "1", "--no-discover"])
        defer { c2.stop() }
        // A transfer mined on C's side only.
        let tx = try Transaction(chainId: 3, key: faucet, nonce: 0, to: AddressPayload(publicKey: bob.publicKey), amount: 55, fee: 1_000)
        #expect(try await c2.postTx(Hex.encode(tx.encoded)).status == 202)
        try await c2.waitFor("the transfer mined on C's side", seconds: 60) {
            try await c2.get("/v1/txs/\(tx.id.hex)").json["status"] as? String == "confirmed"
        }
        let aTip = try await a.get("/v1/status").json["tip"] as? String
        #expect(try await c2.get("/v1/status").json["tip"] as? String != aTip)
        let beyondFork = max(try await height(a), try await height(c2)) + 1
        // The bridge returns.
        let b2 = try NodeProcess(datadir: path("b"), arguments: ["--p2p", "127.0.0.1:0", "--peer", a.p2p ?? "", "--peer", c2.p2p ?? "",
                                                                 "--no-discover"])
        defer { b2.stop() }
        // One chain everywhere, past both sides' heights at the moment the bridge came back.
        try await a.waitFor("one chain everywhere", seconds: 120) { try await Self.onOneChain([a, b2, c2], atLeast: beyondFork) }
        // The transfer is confirmed on the winning chain everywhere (re-mined if its side lost).
        try await a.waitFor("the transfer confirmed on the winning chain", seconds: 120) {
            try await a.get("/v1/txs/\(tx.id.hex)").json["status"] as? String == "confirmed"
        }
        #expect(try await a.get("/v1/accounts/\(bob.address(on: .devnet).string)").json["balance"] as? Int == 55)
    }
}

extension NetworkTests {
    /// A node given one peer learns the others by address gossip and connects to
    /// them; restarted without flags, it reconnects from its address book.
    @Test func addressGossipAndReconnectionWithoutFlags() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let a = try NodeProcess(datadir: path("a"), arguments: ["--p2p", "127.0.0.1:0"])
        defer { a.stop() }
        let b = try NodeProcess(datadir: path("b"), arguments: ["--p2p", "127.0.0.1:0", "--peer", a.p2p ?? ""])
        defer { b.stop() }
        try await a.waitFor("b connected to a", seconds: 30) { try await a.get("/v1/status").json["peers"] as? Int ?? 0 >= 1 }
        var c: NodeProcess? = try NodeProcess(datadir: path("c"), arguments: ["--p2p", "127.0.0.1:0", "--peer", a.p2p ?? ""])
        // C learns B's address from A and connects to it.
        try await a.waitFor("c connected to a and b", seconds: 60) {
            let peers = try await c?.get("/v1/peers").json["peers"] as? [[String: Any]] ?? []
            let addresses = Set(peers.compactMap { $0["address"] as? String })
            return addresses.contains(a.p2p ?? "") && addresses.contains(b.p2p ?? "")
        }
        c?.stop()
        c = nil
        // Restarted with no --peer at all, C reconnects from peers.json.
        let c2 = try NodeProcess(datadir: path("c"), arguments: ["--p2p", "127.0.0.1:0"])
        defer { c2.stop() }
        try await c2.waitFor("c reconnected without flags", seconds: 60) {
            try await c2.get("/v1/status").json["peers"] as? Int ?? 0 >= 2
        }
    }
}
