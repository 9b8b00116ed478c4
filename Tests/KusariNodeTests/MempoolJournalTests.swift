import Foundation
import KusariConsensus
import KusariCore
@testable import KusariNode
import Logging
import Testing

/// The mempool journal: what an acknowledged admission leaves on disk, what a
/// restart replays, how a torn or damaged tail is skipped, and how the journal
/// shrinks back to the live pool.
@Suite struct MempoolJournalTests {
    static func key(_ n: UInt8) -> KeyPair { (try? KeyPair(seed: [UInt8](repeating: n, count: 32))) ?? KeyPair() }
    let alice = Self.key(1), bob = Self.key(2), miner = Self.key(9)

    func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-journal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func makeNode(_ dir: String, compactionMinimum: Int = 4_096) throws -> Node {
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: PowParameters.kusariDevnet.powLimitBits,
                                  allocations: [.init(address: alice.address(on: .devnet).string, amount: 1_000 * Amount.unitsPerKSR)])
        var config = NodeConfig(dataDirectory: dir, genesis: genesis)
        config.journalCompactionMinimum = compactionMinimum
        return try Node(config: config, logger: Logger(label: "test"))
    }

    func pay(_ amount: UInt64, nonce: UInt64, fee: UInt64 = 1_000) throws -> Transaction {
        try Transaction(chainId: 3, key: alice, nonce: nonce, to: AddressPayload(publicKey: bob.publicKey), amount: amount, fee: fee)
    }

    @Test func crcMatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func appendedRecordsAreOnDiskOnceDurable() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + MempoolJournal.name
        let journal = try MempoolJournal(path: path)
        let txs = try (0..<5).map { try pay(10 + $0, nonce: $0) }
        var last: UInt64 = 0
        for tx in txs { last = journal.append([tx]) }
        try await journal.durable(through: last)
        // Nothing appended: nothing to wait for (a regression: such a sequence number once waited for ever).
        try await journal.durable(through: journal.append([]))
        // Read while the journal is still open, as a restart after SIGKILL would.
        let read = MempoolJournal.load(path: path)
        #expect(read.transactions.map(\.id) == txs.map(\.id))
        #expect(read.damage == nil && read.ignoredBytes == 0)
        journal.close()
        await #expect(throws: JournalError.closed(path: path)) { try await journal.durable(through: journal.append([txs[0]])) }
    }

    @Test func aTornOrDamagedTailIsIgnored() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + MempoolJournal.name
        let journal = try MempoolJournal(path: path)
        let txs = try (0..<3).map { try pay(10 + $0, nonce: $0) }
        try await journal.durable(through: journal.append(txs))
        journal.close()
        let whole = try #require(FileManager.default.contents(atPath: path).map { [UInt8]($0) })
        let lastRecord = MempoolJournal.recordHeader + txs[2].encoded.count

        // Cut inside the last record's body, then inside its header: the first two survive.
        for cut in [10, lastRecord - 3] {
            try Data(whole.dropLast(cut)).write(to: URL(fileURLWithPath: path))
            let read = MempoolJournal.load(path: path)
            #expect(read.transactions.map(\.id) == txs.prefix(2).map(\.id))
            #expect(read.ignoredBytes == lastRecord - cut)
            #expect(read.damage != nil)
        }
        // One flipped bit in the second body: its checksum fails and reading stops there.
        var flipped = whole
        flipped[MempoolJournal.magic.count + MempoolJournal.recordHeader + txs[0].encoded.count + MempoolJournal.recordHeader + 5] ^= 0x10
        try Data(flipped).write(to: URL(fileURLWithPath: path))
        let damaged = MempoolJournal.load(path: path)
        #expect(damaged.transactions.map(\.id) == [txs[0].id])
        #expect(damaged.damage == "record checksum mismatch")
        // A huge length (garbage) is refused without reading it.
        try Data(whole + [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
        #expect(MempoolJournal.load(path: path).transactions.count == 3)
        // Not a journal at all: nothing, and said so.
        try Data("hello, world".utf8).write(to: URL(fileURLWithPath: path))
        #expect(MempoolJournal.load(path: path).transactions.isEmpty)
        #expect(MempoolJournal.load(path: path).damage != nil)
    }

    @Test func rewriteKeepsOnlyTheGivenTransactionsAndLaterAppends() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + MempoolJournal.name
        let journal = try MempoolJournal(path: path)
        let txs = try (0..<6).map { try pay(10 + $0, nonce: $0) }
        journal.append(Array(txs.prefix(4)))
        journal.rewrite([txs[3]])
        let last = journal.append([txs[4], txs[5]])
        #expect(journal.recordCount == 3)
        try await journal.durable(through: last)
        #expect(MempoolJournal.load(path: path).transactions.map(\.id) == [txs[3].id, txs[4].id, txs[5].id])
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        journal.close()
    }

    /// What `admitDurably` acknowledged is in the journal before any shutdown:
    /// a node started on that journal (as after SIGKILL) has it pending again.
    @Test func anAcknowledgedAdmissionSurvivesACrash() async throws {
        let dir = try temporaryDirectory(), copy = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: copy) }
        let node = try makeNode(dir)
        let first = try pay(5, nonce: 0), second = try pay(6, nonce: 1), third = try pay(7, nonce: 2)
        _ = try await node.admitDurably(verified: first)
        let batch = await node.admitDurably(verifiedBatch: [second, third, second])
        #expect(batch.map { (try? $0.get()) } == [second.id, third.id, nil])
        // No shutdown: copy the journal as it is now into a fresh directory of the same chain.
        try FileManager.default.copyItem(atPath: dir + "/" + MempoolJournal.name, toPath: copy + "/" + MempoolJournal.name)
        let restarted = try makeNode(copy)
        #expect(Set(await restarted.pendingIds()) == Set([first.id, second.id, third.id]))
        await restarted.shutdown()
        await node.shutdown()
    }

    /// Mined and replaced transactions leave the journal when it is rewritten:
    /// at clean shutdown it holds exactly the live pool, which a restart restores.
    @Test func shutdownLeavesTheLivePoolAndARestartRestoresIt() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let node = try makeNode(dir)
        let mined = try pay(5, nonce: 0)
        _ = try await node.admitDurably(verified: mined)
        let (template, _, params) = try await node.miningTemplate(beneficiary: AddressPayload(publicKey: miner.publicKey))
        let header = try #require(ProofOfWorkEngine(params: params).seal(template.header, shouldStop: { false }))
        try await node.accept(block: Block(header: header, transactions: template.transactions))
        let replaced = try pay(6, nonce: 1), replacement = try pay(6, nonce: 1, fee: 5_000), later = try pay(7, nonce: 2)
        _ = try await node.admitDurably(verified: replaced)
        _ = try await node.admitDurably(verified: replacement)
        _ = try await node.admitDurably(verified: later)
        #expect(MempoolJournal.load(path: dir + "/" + MempoolJournal.name).transactions.count == 4)
        await node.shutdown()

        #expect(MempoolJournal.load(path: dir + "/" + MempoolJournal.name).transactions.map(\.id) == [replacement.id, later.id])
        let restarted = try makeNode(dir)
        #expect(Set(await restarted.pendingIds()) == Set([replacement.id, later.id]))
        await restarted.shutdown()
    }

    /// Once the journal holds many times the pool, admissions rewrite it from the pool.
    @Test func theJournalIsCompactedAsItOutgrowsThePool() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let node = try makeNode(dir, compactionMinimum: 20)
        // Replace the same nonce again and again: the pool holds one, the journal each of them until rewritten.
        var fee: UInt64 = 1_000
        var counts: [Int] = []
        for _ in 0..<30 {
            fee += fee / 10 + 1
            _ = try await node.admit(verified: try pay(1, nonce: 0, fee: fee))
            counts.append(node.journal.recordCount)
        }
        #expect(await node.status().mempoolCount == 1)
        #expect(counts.max() == 20 && counts.last == 10)   // 21 records: rewritten to the 1 live one, then 9 more
        try await node.journal.durable(through: node.journal.lastSequence)
        #expect(MempoolJournal.load(path: dir + "/" + MempoolJournal.name).transactions.count == node.journal.recordCount)
        await node.shutdown()
    }
}
