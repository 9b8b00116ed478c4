import KusariChain
import KusariCore
@testable import KusariDevnet
import Testing

@Suite struct DemoAccountsTests {
    /// Computed once independently of Kusari's code (Python: hashlib PBKDF2-HMAC-SHA512 and
    /// HMAC-SHA512 for BIP-39 and SLIP-0010, the `cryptography` package for the Ed25519 public
    /// key, SHA-256 and a textbook bech32m encoder for the address).
    static let expected: [Int: (address: String, publicKey: String)] = [
        0: ("ksrt1qh895lkxlty52un0cw0a70jvmf39e3fzhze8mqf", "3e194f1ff3758c742da87f5c26bb923f4eb544d3f7be6b487cb793faa451a21b"),
        9: ("ksrt1qmpwnvdyqk3sugyzakhmz49uwaapdq9w25qm7kl", "8b3856231d211b8d7adbb20cbb4abb636f1df65f40fa2dac7bdfc2d267e0e177"),
    ]

    @Test func derivesTheTenPublishedAccounts() throws {
        let accounts = try DemoAccounts.derive()
        #expect(accounts.count == 10)
        #expect(Set(accounts.map(\.address.string)).count == 10)
        for (i, want) in Self.expected {
            #expect(accounts[i].address.string == want.address)
            #expect(accounts[i].key.publicKey.hex == want.publicKey)
            #expect(accounts[i].path == "m/44'/9999'/0'/0'/\(i)'")
        }
    }

    @Test func genesisFundsTheFaucetAndTheDemoAccounts() throws {
        let accounts = try DemoAccounts.derive()
        let genesis = try DemoAccounts.genesis(accounts: accounts)
        let builtIn = try DevnetGenesis.genesis
        #expect(genesis.chainId == builtIn.chainId)
        #expect(genesis.network == .devnet)
        #expect(genesis.allocations.first == builtIn.allocations.first)
        #expect(genesis.allocations.count == 11)
        for a in accounts {
            #expect(genesis.allocations.contains(.init(address: a.address.string, amount: DemoAccounts.balance)))
        }
        // The same bytes every time, so that a resumed devnet finds its chain.
        #expect(try genesis.jsonData() == (try DemoAccounts.genesis(accounts: try DemoAccounts.derive())).jsonData())
    }

    @Test func trafficTransfersAreFixedBySenderAndNonce() throws {
        let accounts = try DemoAccounts.derive()
        let a = try TrafficGenerator.transfer(chainId: 3, accounts: accounts, sender: 4, nonce: 17)
        let b = try TrafficGenerator.transfer(chainId: 3, accounts: accounts, sender: 4, nonce: 17)
        #expect(a.encoded == b.encoded)
        #expect(a.hasValidSignature)
        for nonce in 0..<UInt64(30) {
            let t = try TrafficGenerator.transfer(chainId: 3, accounts: accounts, sender: 2, nonce: nonce)
            #expect(t.to != accounts[2].address.payload)
        }
    }

    @Test func partitionSidesPutUnnamedNodesTogether() {
        let sides = LinkMesh.sides([[1, 2], [4]], nodes: 5)
        #expect(sides[1] == sides[2])
        #expect(sides[1] != sides[4])
        #expect(sides[3] == sides[5])
        #expect(sides[3] != sides[1] && sides[3] != sides[4])
    }

    @Test func committedRateCountsRecentBlocksOnly() {
        let now = 1_000_000.0
        let blocks: [[String: Any]] = [
            ["height": 9, "header": ["timestamp": 999_999], "txCount": 30],
            ["height": 8, "header": ["timestamp": 999_990], "txCount": 10],
            ["height": 7, "header": ["timestamp": 999_900], "txCount": 500],
        ]
        var recent = RecentBlocks()
        #expect(recent.wanted(tip: 9) == 50)
        recent.record(blocks, tip: 9, now: now)
        #expect(recent.rate(now: now) == 40 / StatusMonitor.window)
        // Later polls fetch only the new blocks (at least the tip, which may have changed).
        #expect(recent.wanted(tip: 9) == 1)
        #expect(recent.wanted(tip: 12) == 3)
        recent.record([["height": 10, "header": ["timestamp": 1_000_001], "txCount": 5]], tip: 10, now: now + 1)
        #expect(recent.rate(now: now + 1) == 45 / StatusMonitor.window)
        // A shorter chain after a reorganisation forgets the blocks above its tip.
        recent.record([["height": 9, "header": ["timestamp": 1_000_001], "txCount": 1]], tip: 9, now: now + 1)
        #expect(recent.rate(now: now + 1) == 11 / StatusMonitor.window)
    }

    @Test func optionsAreChecked() {
        var o = DevnetOptions(executable: "/bin/true")
        o.nodes = 0
        #expect(throws: DevnetError("nodes", "must be from 1 to 16, got 0")) { try o.validate() }
        o.nodes = 3
        o.miners = 4
        #expect(throws: DevnetError("miners", "must be from 0 to the number of nodes (3), got 4")) { try o.validate() }
        o.miners = 1
        o.tps = -1
        #expect(throws: DevnetError("tps", "must be from 0 to 10000, got -1.0")) { try o.validate() }
        o.tps = 20
        #expect(throws: Never.self) { try o.validate() }
    }
}
