import Foundation
import Testing
import KusariCore
@testable import KusariBFT

/// Safety and liveness of `ConsensusMachine` on the simulated network, over many seeds.
///
/// `swift test` runs 300 seeds of 4 validators and 200 of 7 (even seeds equal power,
/// odd seeds unequal); `KUSARI_BFT_SEEDS=1000` runs 1,000 of each; `KUSARI_BFT_SEED=N`
/// replays seed N alone (printing its scenario).
@Suite struct ConsensusSimulationTests {
    static let equal4: [UInt64] = [10, 10, 10, 10]
    static let unequal4: [UInt64] = [40, 30, 20, 10]
    static let equal7: [UInt64] = [10, 10, 10, 10, 10, 10, 10]
    static let unequal7: [UInt64] = [100, 50, 40, 30, 20, 10, 5]

    /// The seeds to run: the one of `KUSARI_BFT_SEED`, or `KUSARI_BFT_SEEDS` (default
    /// `defaultCount`) seeds from 1.
    static func seeds(defaultCount: UInt64) -> [UInt64] {
        let env = ProcessInfo.processInfo.environment
        if let one = env["KUSARI_BFT_SEED"].flatMap(UInt64.init) { return [one] }
        let count = env["KUSARI_BFT_SEEDS"].flatMap(UInt64.init) ?? defaultCount
        return Array(1...max(count, 1))
    }

    /// Runs CPU-bound work on a thread of its own rather than on the cooperative pool,
    /// which the in-process server tests running beside it need (on two cores, two long
    /// simulations would hold the whole pool and their servers would not start in time).
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    struct Outcome: Sendable {
        var failures: [String] = []
        var worstLiveness: UInt64 = 0
        var heights: UInt64 = 0
        var evidence = 0
        /// How many runs had each fault kind, and a partition.
        var kinds: [String: Int] = [:]
        var partitions = 0

        var summary: String {
            let k = FaultKind.allCases.map { "\($0.rawValue) \(kinds[$0.rawValue, default: 0])" }.joined(separator: ", ")
            return "runs with \(k), partition \(partitions)"
        }
    }

    /// Runs `seeds`; lists every failing seed with the command that replays it (the caller
    /// records them as issues, on the test's own task).
    static func check(seeds: [UInt64], equal: [UInt64], unequal: [UInt64], test: String) throws -> Outcome {
        var outcome = Outcome()
        let replaying = seeds.count == 1
        for seed in seeds {
            let scenario = Scenario.random(seed: seed, powers: seed % 2 == 0 ? equal : unequal)
            var sim = try ConsensusSimulation(seed: seed, scenario: scenario)
            let liveness = sim.run()
            if replaying {
                print("seed \(seed): \(scenario); liveness \(liveness.map { "\($0) ms" } ?? "none"); "
                      + "chains \(sim.nodes.map(\.committedHeight)); evidence \(sim.evidenceCount)")
            }
            outcome.heights += sim.decided.count > 0 ? UInt64(sim.decided.count) : 0
            outcome.evidence += sim.evidenceCount
            for kind in Set(scenario.faults.map(\.kind)) { outcome.kinds[kind.rawValue, default: 0] += 1 }
            if scenario.partition != nil { outcome.partitions += 1 }
            var problems = sim.violations
            if let ms = liveness {
                outcome.worstLiveness = max(outcome.worstLiveness, ms)
            } else {
                problems.append("no liveness: honest chains \(sim.nodes.indices.filter(sim.isHonest).map { sim.nodes[$0].committedHeight }) "
                                + "\(ConsensusSimulation.livenessBoundMs) ms after the faults ended")
            }
            if !problems.isEmpty {
                let message = "seed \(seed) (\(scenario)): \(problems.joined(separator: "; ")). Replay: "
                    + "KUSARI_BFT_SEED=\(seed) swift test --filter ConsensusSimulationTests/\(test)"
                outcome.failures.append(message)
            }
        }
        return outcome
    }

    @Test func fourValidatorsAreSafeAndLive() async throws {
        let seeds = Self.seeds(defaultCount: 300)
        let outcome = try await Self.offThePool {
            try Self.check(seeds: seeds, equal: Self.equal4, unequal: Self.unequal4, test: "fourValidatorsAreSafeAndLive")
        }
        for failure in outcome.failures { Issue.record(Comment(rawValue: failure)) }
        print("4 validators: \(seeds.count) seeds, \(outcome.failures.count) failing, \(outcome.heights) heights decided, "
              + "evidence \(outcome.evidence), slowest recovery \(outcome.worstLiveness) ms; \(outcome.summary)")
    }

    @Test func sevenValidatorsAreSafeAndLive() async throws {
        let seeds = Self.seeds(defaultCount: 200)
        let outcome = try await Self.offThePool {
            try Self.check(seeds: seeds, equal: Self.equal7, unequal: Self.unequal7, test: "sevenValidatorsAreSafeAndLive")
        }
        for failure in outcome.failures { Issue.record(Comment(rawValue: failure)) }
        print("7 validators: \(seeds.count) seeds, \(outcome.failures.count) failing, \(outcome.heights) heights decided, "
              + "evidence \(outcome.evidence), slowest recovery \(outcome.worstLiveness) ms; \(outcome.summary)")
    }

    @Test func theSameSeedGivesTheSameTrace() throws {
        for seed: UInt64 in [3, 8, 11] {
            let scenario = Scenario.random(seed: seed, powers: Self.unequal7)
            var first = try ConsensusSimulation(seed: seed, scenario: scenario)
            var second = try ConsensusSimulation(seed: seed, scenario: scenario)
            #expect(first.run() == second.run())
            #expect(first.trace == second.trace)
            #expect(first.nodes.map(\.committed) == second.nodes.map(\.committed))
        }
    }

    @Test func aFollowerCommitsWhatTheValidatorsCommit() throws {
        var scenario = Scenario(powers: Self.unequal4)
        scenario.followers = 1
        scenario.faultEnd = 5_000
        scenario.lossPerMille = 100
        scenario.maxDelayMs = 200
        var sim = try ConsensusSimulation(seed: 42, scenario: scenario)
        #expect(sim.run() != nil)
        let follower = sim.nodes[4]
        #expect(follower.machine?.validatorIndex == nil)
        #expect(follower.committedHeight >= 3)
        for i in 0..<4 {
            let common = min(follower.committed.count, sim.nodes[i].committed.count)
            #expect(Array(follower.committed.prefix(common)) == Array(sim.nodes[i].committed.prefix(common)))
        }
        #expect(sim.violations.isEmpty)
    }

    @Test func anEquivocatingProposerAndADoubleVoterAreHarmlessAndCaught() throws {
        var scenario = Scenario(powers: Self.equal7)
        scenario.faults = [(0, .equivocator), (1, .doubleVoter)]
        scenario.faultEnd = 6_000
        scenario.lossPerMille = 150  // stalls, so relays: honest validators see both sides
        var sim = try ConsensusSimulation(seed: 5, scenario: scenario)
        #expect(sim.run() != nil)
        #expect(sim.violations.isEmpty)
        #expect(sim.evidenceCount > 0)
    }
}
