import Foundation
import GRDB
import Testing
import KusariChain
import KusariCore
import KusariStorage

@Suite struct StorageTests {
    @Test func secondOpenerFailsAtOnce() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let chain = try Blockchain.create(directory: dir.sub("d"), genesis: try testGenesis())
        #expect(throws: ChainError.storage(.locked(dir.sub("d")))) { try Blockchain.open(directory: dir.sub("d")) }
        withExtendedLifetime(chain) {}
    }

    @Test func anotherNetworksGenesisIsRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try Blockchain.create(directory: dir.sub("d"), genesis: try testGenesis()).close()
        // The same genesis again opens the chain as it is.
        let again = try Blockchain.create(directory: dir.sub("d"), genesis: try testGenesis())
        #expect(again.height == 0)
        again.close()
        let other = try Genesis(network: .devnet, chainId: 3, timestamp: 1, bits: 0x207fffff, allocations: [])
        #expect {
            try Blockchain.create(directory: dir.sub("d"), genesis: other)
        } throws: { error in
            guard case ChainError.otherChain = error else { return false }
            return true
        }
    }

    @Test func missingAndBrokenDirectories() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        #expect(throws: ChainError.storage(.notInitialised(dir.sub("none")))) { try Blockchain.open(directory: dir.sub("none")) }
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir.sub("file"), contents: Data("x".utf8))
        #expect(throws: ChainError.storage(.notADirectory(dir.sub("file")))) {
            try Blockchain.create(directory: dir.sub("file"), genesis: try testGenesis())
        }
        // A database file full of garbage.
        try Blockchain.create(directory: dir.sub("bad"), genesis: try testGenesis()).close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dir.sub("bad/chain.sqlite" + suffix)) }
        _ = FileManager.default.createFile(atPath: dir.sub("bad/chain.sqlite"), contents: Data(repeating: 0x5a, count: 8192))
        #expect {
            try Blockchain.open(directory: dir.sub("bad"))
        } throws: { error in
            guard case ChainError.storage(.corrupt) = error else { return false }
            return "\(error)".contains("corrupt")
        }
    }

    @Test func databaseOfANewerVersionIsRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try Blockchain.create(directory: dir.sub("d"), genesis: try testGenesis()).close()
        let db = try DatabaseQueue(path: dir.sub("d/chain.sqlite"))
        try db.write { try $0.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99')") }
        try db.close()
        #expect(throws: ChainError.storage(.newerSchema(dir.sub("d")))) { try Blockchain.open(directory: dir.sub("d")) }
    }

    @Test func tamperedStateIsCaughtOnOpenAndByVerify() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        do {
            let chain = try Blockchain.create(directory: dir.sub("d"), genesis: try testGenesis())
            for _ in 0..<5 { _ = try chain.produce(beneficiary: payload(key(9))) }
            chain.close()
        }
        let db = try DatabaseQueue(path: dir.sub("d/chain.sqlite"))
        try db.write { try $0.execute(sql: "UPDATE accounts SET balance = balance + 1 WHERE key = (SELECT key FROM accounts LIMIT 1)") }
        try db.close()
        #expect(throws: ChainError.self) { try Blockchain.open(directory: dir.sub("d")) }
        #expect {
            try ChainVerifier.verify(directory: dir.sub("d"))
        } throws: { "\($0)".contains("stored account state differs") }
    }
}

@Suite struct DevnetGenesisTests {
    @Test func faucetSeedIsDocumented() throws {
        let doc = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/protocol.md").path, encoding: .utf8)
        #expect(doc.contains(Hex.encode(DevnetGenesis.faucetSeed)))
        let genesis = try DevnetGenesis.genesis
        #expect(genesis.allocations.count == 1)
        #expect(genesis.allocations[0].address == DevnetGenesis.faucetKey.address(on: .devnet).string)
        #expect(genesis.allocated == 1_000_000 * Amount.unitsPerKSR)
    }
}
