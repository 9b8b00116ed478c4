import Foundation
import KusariCore
import KusariSimulator
import Testing

/// Seeds for the simulated-network tests: `KUSARI_SIM_SEED=N` replays one; otherwise 1...count.
func simulationSeeds(_ count: UInt64) -> [UInt64] {
    if let s = ProcessInfo.processInfo.environment["KUSARI_SIM_SEED"], let seed = UInt64(s) { return [seed] }
    return Array(1...count)
}

/// Runs `body` for each seed and records every failing seed with the command that replays it.
func forEachSeed(_ count: UInt64, _ name: String, _ body: (UInt64) async -> String?) async {
    var failed: [UInt64] = []
    for seed in simulationSeeds(count) {
        if let why = await body(seed) {
            failed.append(seed)
            Issue.record("seed \(seed): \(why) (replay: KUSARI_SIM_SEED=\(seed) swift test --filter \(name))")
        }
    }
    if !failed.isEmpty { print("failing seeds of \(name): \(failed)") }
}

/// A signed transfer on the simulator's chain (the same bytes every run).
func simTransfer(_ n: UInt64) throws -> Transaction {
    var seed = [UInt8](repeating: 7, count: 32)
    seed[0] = UInt8(truncatingIfNeeded: n)
    seed[1] = UInt8(truncatingIfNeeded: n >> 8)
    let key = try KeyPair(seed: seed)
    return try Transaction(chainId: SimChain.chainId, key: key, nonce: n, to: AddressPayload.zero, amount: 1, fee: 1)
}

extension SimNetwork {
    /// Whether every node that is up has finished a handshake with at least one peer.
    var everyNodeHasAPeer: Bool { nodes.allSatisfy { !$0.up || $0.chain.peerCount > 0 } }
    /// Whether every node that is up is at the same tip.
    var converged: Bool { Set(nodes.filter(\.up).map { $0.chain.tip.id }).count == 1 }
}
