// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Kusari",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "KusariCore", targets: ["KusariCore"]),
        .library(name: "KusariConsensus", targets: ["KusariConsensus"]),
        .executable(name: "kusari", targets: ["kusari"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swiftwasm/WasmKit.git", exact: "0.4.2"),
    ],
    targets: [
        // Data layer: hashes, keys, addresses, the canonical codec, transactions,
        // blocks, Merkle trees, the account state and its root. Pure values, no I/O.
        .target(
            name: "KusariCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            exclude: ["README.md"]
        ),
        // Consensus layer: proof of work with Bitcoin's arithmetic.
        .target(
            name: "KusariConsensus",
            dependencies: ["KusariCore", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["README.md"]
        ),
        // BFT consensus (Tendermint as CometBFT runs it): validator sets with CometBFT's
        // proposer-priority algorithm, votes, proposals, the round state machine, commit
        // verification and the chain's BFT engine. Pure, no I/O.
        .target(name: "KusariBFT", dependencies: ["KusariCore", "KusariConsensus"], exclude: ["README.md"]),
        // BFT consensus in a node: the round machine on real time, proposals, votes and
        // commits on the network's gossip channels, the write-ahead log and the durable signer.
        .target(
            name: "KusariValidator",
            dependencies: ["KusariCore", "KusariBFT", "KusariNetwork", "KusariPeers",
                           .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"]
        ),
        // Smart contracts: deploy-time checks of WebAssembly modules, metered execution with
        // WasmKit (fuel as gas), the host API seam, the argument codec, the contract builder.
        .target(
            name: "KusariContracts",
            dependencies: ["KusariCore",
                           .product(name: "WasmKit", package: "WasmKit"),
                           .product(name: "WasmParser", package: "WasmKit"),
                           .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["README.md"]
        ),
        // The exchange: native assets, markets, orders and the batch auction that clears each
        // market at one price at the end of every block (KusariCore's `ExchangeExecutor`).
        .target(name: "KusariExchange", dependencies: ["KusariCore"], exclude: ["README.md"]),
        // Proof of stake: validators, delegations, unbonding, rewards, downtime and double-sign
        // slashing and the voting set, run at every block (KusariCore's `StakingExecutor`).
        .target(name: "KusariStaking", dependencies: ["KusariCore"], exclude: ["README.md"]),
        // The contract SDK built natively, so that a contract's logic is unit-tested without a
        // node (the same sources are compiled by Embedded Swift to wasm32 by ContractBuilder).
        .target(name: "KusariContractSDK", path: "contracts/KusariContractSDK",
                exclude: ["README.md", "WasmSupport"]),
        // The example contracts, built natively over the SDK for their unit tests.
        .target(name: "TokenContract", dependencies: ["KusariContractSDK"], path: "contracts/examples/token",
                exclude: ["README.md"]),
        .target(name: "RegistryContract", dependencies: ["KusariContractSDK"], path: "contracts/examples/registry",
                exclude: ["README.md"]),
        .target(name: "EscrowContract", dependencies: ["KusariContractSDK"], path: "contracts/examples/escrow",
                exclude: ["README.md"]),
        // Durable storage: blocks, the header index, the best chain, account state,
        // undo records and the transaction index in SQLite (GRDB), one transaction per change.
        .target(
            name: "KusariStorage",
            dependencies: ["KusariCore", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["README.md"]
        ),
        // Pending transactions: admission, ordering, replacement, eviction, expiry.
        .target(name: "KusariMempool", dependencies: ["KusariCore", .product(name: "HeapModule", package: "swift-collections")],
                exclude: ["README.md"]),
        // The chain: validation, fork choice by most work, reorganisations, verification,
        // over KusariStorage and a ConsensusEngine.
        .target(
            name: "KusariChain",
            dependencies: ["KusariCore", "KusariConsensus", "KusariBFT", "KusariStorage", "KusariContracts", "KusariExchange"],
            exclude: ["README.md"]
        ),
        // The peer-to-peer wire protocol: messages, frames, the NIO decoder.
        .target(
            name: "KusariNetwork",
            dependencies: ["KusariCore", .product(name: "NIOCore", package: "swift-nio")],
            exclude: ["README.md"]
        ),
        // The network layer's logic: peers, handshake, gossip, block sync, address book,
        // misbehaviour and bans, over a `Transport` and a `NetworkHost` (no I/O of its own).
        .target(
            name: "KusariPeers",
            dependencies: ["KusariCore", "KusariNetwork", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"]
        ),
        // The real transport: TCP on swift-nio, and the network's timers on real time.
        .target(
            name: "KusariPeersNIO",
            dependencies: ["KusariCore", "KusariNetwork", "KusariPeers",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            exclude: ["README.md"]
        ),
        // The simulated network: many nodes in one process on a virtual clock and a seeded
        // random source, with loss, delay, duplication, reordering, partitions and crashes.
        .target(
            name: "KusariSimulator",
            dependencies: ["KusariCore", "KusariConsensus", "KusariNetwork", "KusariPeers",
                           .product(name: "HeapModule", package: "swift-collections"),
                           .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"]
        ),
        // SHA-256 compression for the miner: the CPU's SHA extensions when present
        // (chosen at run time), portable C otherwise; tested against swift-crypto.
        .target(name: "CKusariSHA"),
        // One running node: chain + mempool + miner, behind an actor.
        .target(
            name: "KusariNode",
            dependencies: ["KusariCore", "KusariConsensus", "KusariStorage", "KusariChain", "KusariMempool", "CKusariSHA",
                           "KusariNetwork", "KusariPeers", "KusariBFT", "KusariValidator", "KusariContracts", "KusariExchange",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"]
        ),
        // The HTTP API (Hummingbird 2): JSON for wallets and explorers, server-sent events.
        .target(
            name: "KusariAPI",
            dependencies: ["KusariCore", "KusariNode", "KusariPeers", "KusariMempool", "KusariChain", "KusariBFT", "KusariValidator",
                           "KusariContracts", "KusariExchange",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdCore", package: "hummingbird"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                           .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"]
        ),
        // The block explorer: server-rendered pages (mustache templates embedded in the
        // binary) and a little plain JavaScript, mounted on the API router.
        .target(
            name: "KusariExplorer",
            dependencies: ["KusariCore", "KusariConsensus", "KusariNode", "KusariPeers", "KusariAPI", "KusariChain", "KusariMempool",
                           "KusariBFT", "KusariValidator", "KusariContracts", "KusariExchange",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Mustache", package: "swift-mustache")],
            exclude: ["README.md", "Templates", "Assets"]
        ),
        // Benchmarks: our figures beside the machine's own limits, measured in one run.
        .target(
            name: "KusariBench",
            dependencies: ["KusariCore", "KusariConsensus", "KusariChain", "KusariNode", "KusariDevnet", "KusariClient",
                           "KusariSimulator", "KusariPeers", "KusariContracts", "KusariExchange",
                           .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["README.md"]
        ),
        // The wallet's cryptography: BIP-39 phrases and seeds, SLIP-0010 ed25519 keys, the encrypted keystore.
        .target(
            name: "KusariWallet",
            dependencies: ["KusariCore",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "CryptoExtras", package: "swift-crypto")],
            exclude: ["README.md"]
        ),
        // The published conformance vectors (conformance/), generated from the real code paths.
        .target(
            name: "KusariConformance",
            dependencies: ["KusariCore", "KusariConsensus", "KusariJSON", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["README.md"]
        ),
        // An ordered JSON value with stable rendering: the command line's output and the vector files.
        .target(name: "KusariJSON", exclude: ["README.md"]),
        // A small JSON client for a node's HTTP API (URLSession).
        .target(name: "KusariClient", exclude: ["README.md"]),
        // `kusari devnet`: node child processes, link proxies, faults, traffic, status, demo accounts.
        .target(
            name: "KusariDevnet",
            dependencies: ["KusariCore", "KusariConsensus", "KusariChain", "KusariWallet", "KusariClient",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            exclude: ["README.md"]
        ),
        // The command-line front end.
        .executableTarget(
            name: "kusari",
            dependencies: [
                "KusariCore",
                "KusariConsensus",
                "KusariStorage",
                "KusariChain",
                "KusariMempool",
                "KusariNode",
                "KusariContracts",
                "KusariExchange",
                "KusariPeers",
                "KusariPeersNIO",
                "KusariBFT",
                "KusariValidator",
                "KusariAPI",
                "KusariExplorer",
                "KusariBench",
                "KusariWallet",
                "KusariConformance",
                "KusariJSON",
                "KusariClient",
                "KusariDevnet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        .testTarget(name: "KusariCoreTests", dependencies: ["KusariCore", "KusariBench"]),
        .testTarget(name: "KusariConsensusTests", dependencies: ["KusariCore", "KusariConsensus"]),
        .testTarget(name: "KusariContractsTests",
                    dependencies: ["KusariCore", "KusariContracts",
                                   .product(name: "WAT", package: "WasmKit")]),
        .testTarget(name: "KusariExchangeTests", dependencies: ["KusariCore", "KusariExchange"]),
        .testTarget(name: "KusariStakingTests", dependencies: ["KusariCore", "KusariStaking"]),
        .testTarget(name: "KusariContractSDKTests",
                    dependencies: ["KusariContractSDK", "TokenContract", "RegistryContract", "EscrowContract"]),
        .testTarget(name: "KusariBFTTests", dependencies: ["KusariCore", "KusariBFT"]),
        .testTarget(name: "KusariValidatorTests", dependencies: ["KusariCore", "KusariBFT", "KusariValidator"]),
        .testTarget(name: "KusariMempoolTests", dependencies: ["KusariCore", "KusariMempool"]),
        .testTarget(
            name: "KusariNetworkTests",
            dependencies: ["KusariCore", "KusariNetwork", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio")]
        ),
        .testTarget(name: "KusariPeersTests", dependencies: ["KusariCore", "KusariNetwork", "KusariPeers", "KusariSimulator"]),
        .testTarget(name: "KusariNodeTests", dependencies: ["KusariCore", "KusariConsensus", "KusariNode", "CKusariSHA",
                                                         .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "KusariChainTests",
            dependencies: ["KusariCore", "KusariConsensus", "KusariStorage", "KusariChain", "KusariBFT",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "KusariCLITests",
            dependencies: ["KusariCore", "KusariNetwork", "KusariClient", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "WAT", package: "WasmKit")]
        ),
        .testTarget(name: "KusariWalletTests", dependencies: ["KusariCore", "KusariWallet"]),
        .testTarget(name: "KusariConformanceTests", dependencies: ["KusariCore", "KusariConsensus", "KusariConformance", "KusariJSON"]),
        .testTarget(name: "KusariDevnetTests", dependencies: ["KusariCore", "KusariDevnet", "KusariClient"]),
        // The explorer's exchange pages in process: a node whose chain is mined here, pages through the router.
        .testTarget(
            name: "KusariExplorerTests",
            dependencies: ["KusariCore", "KusariConsensus", "KusariNode", "KusariAPI", "KusariExplorer", "KusariExchange",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        // The HTTP API in process: a real Hummingbird server on 127.0.0.1, raw sockets as clients.
        .testTarget(
            name: "KusariAPITests",
            dependencies: ["KusariCore", "KusariChain", "KusariNode", "KusariAPI", "KusariClient", "KusariBFT", "KusariValidator",
                           "KusariNetwork", "KusariConsensus", "KusariExchange",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
