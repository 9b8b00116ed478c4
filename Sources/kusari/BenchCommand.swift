import ArgumentParser
import Foundation
import KusariBench
import KusariDevnet
import KusariJSON

/// `kusari bench ...`: figures measured beside the machine's own limits.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Kusari against this machine's limits (use a release build).",
        subcommands: [Core.self, Storage.self, Mine.self, API.self, Sync.self, Gossip.self, GossipSim.self, EndToEnd.self, BFT.self, Overload.self,
                      Contracts.self, Dex.self])

    struct Core: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Signature checks, block application and state-root updates.")

        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Flag(help: "A small, fast run (for smoke tests; figures are not meaningful).") var quick = false

        func run() throws {
            let results = CoreBenchmarks.run(scale: quick ? .quick : .full) { line in
                FileHandle.standardError.write(Data(("bench: " + line + "\n").utf8))
            }
            printMeasurements(results, json: json)
        }
    }
}

extension BenchCommand {
    struct Storage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connecting blocks durably (validate, apply, commit with fsync), and the import path.")

        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Flag(help: "A small, fast run (for smoke tests; figures are not meaningful).") var quick = false
        @Option(help: "Where to put the scratch chains (default: the system's temporary folder).") var dir: String?

        func run() throws {
            let results = try StorageBenchmarks.run(scale: quick ? .quick : .full,
                                                    directory: dir ?? FileManager.default.temporaryDirectory.path) { line in
                FileHandle.standardError.write(Data(("bench: " + line + "\n").utf8))
            }
            printMeasurements(results, json: json)
        }
    }
}

extension BenchCommand {
    struct Mine: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The miner's nonce rate beside raw SHA-256d on all cores.")
        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Option(help: "Seconds per measurement.") var seconds: Double = 3

        func run() throws {
            printMeasurements(MiningBenchmarks.run(seconds: seconds) { line in
                FileHandle.standardError.write(Data(("bench: " + line + "\n").utf8))
            }, json: json)
        }
    }

    struct API: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "api", abstract: "POST /v1/txs admissions and GET /v1/status requests per second against a node process.")
        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Flag(help: "A small, fast run (for smoke tests; figures are not meaningful).") var quick = false
        @Option(help: "Where to put the scratch node (default: the system's temporary folder).") var dir: String?

        func run() throws {
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let results = try APIBenchmarks.run(executable: executable, directory: dir ?? FileManager.default.temporaryDirectory.path,
                                                scale: quick ? .quick : .full) { line in
                FileHandle.standardError.write(Data(("bench: " + line + "\n").utf8))
            }
            printMeasurements(results, json: json)
        }
    }
}

extension BenchCommand {
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
    static func log(_ line: String) { FileHandle.standardError.write(Data(("bench: " + line + "\n").utf8)) }

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A fresh node syncing blocks of 1,000 transfers from a peer.")
        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Option(help: "Blocks to sync.") var blocks = 50
        @Option(help: "Where to put the scratch nodes.") var dir: String?
        func run() throws {
            printMeasurements(try NetworkBenchmarks.sync(executable: BenchCommand.executable,
                                                         directory: dir ?? FileManager.default.temporaryDirectory.path,
                                                         blocks: blocks, log: BenchCommand.log), json: json)
        }
    }

    struct Gossip: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time for a transaction to cross a four-node line.")
        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Option(help: "Transfers to time.") var samples = 50
        @Option(help: "Where to put the scratch nodes.") var dir: String?
        func run() throws {
            printMeasurements(try NetworkBenchmarks.gossip(executable: BenchCommand.executable,
                                                           directory: dir ?? FileManager.default.temporaryDirectory.path,
                                                           samples: samples, log: BenchCommand.log), json: json)
        }
    }
}

extension BenchCommand {
    struct GossipSim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gossip-sim",
            abstract: "Gossip on the simulated network: hops, virtual time and duplicates, clean, lossy and with silent nodes.",
            discussion: """
                Runs the real peer network on the deterministic simulator (virtual time: the figures do not depend \
                on this machine's speed) for each size, with each node keeping --outbound connections (about twice \
                as many peers), and sets each figure beside its floor on the same graph.
                """)
        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Option(help: "Network sizes, comma-separated.") var nodes = "50,200,1000"
        @Option(help: "Connections each node keeps (it has about twice as many peers).") var outbound = 4
        @Option(help: "Transactions timed per network.") var transactions = 5
        @Option(help: "The simulator's seed (the same seed gives the same figures).") var seed: UInt64 = 1
        func run() async throws {
            let sizes = try nodes.split(separator: ",").map { part -> Int in
                guard let n = Int(part.trimmingCharacters(in: .whitespaces)) else { throw CLIError("nodes: \(part) is not a number") }
                try checkRange("nodes", n, 2...5_000)
                return n
            }
            try checkRange("outbound", outbound, 1...32)
            try checkRange("transactions", transactions, 1...100)
            printMeasurements(try await SimulatedGossipBenchmark.run(sizes: sizes, outbound: outbound, transactions: transactions,
                                                                     seed: seed, log: BenchCommand.log), json: json)
        }
    }
}

extension BenchCommand {
    struct EndToEnd: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "e2e",
            abstract: "Committed transfers a second through a devnet of nodes, and submit-to-inclusion latency.",
            discussion: """
                Starts `kusari devnet` (no traffic of its own), offers pre-signed transfers through the nodes' APIs \
                from this process at doubling rates, and reports the highest rate committed at every node.
                """)
        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Option(help: "Nodes in the devnet.") var nodes = 4
        @Option(help: "Seconds per load step.") var seconds: Double = 60
        @Option(help: "The first step's rate, transfers a second (each next step doubles it).") var firstRate: Double = 100
        @Option(help: "The most load steps.") var steps = 8
        @Option(help: "Where to put the scratch devnet.") var dir: String?
        func run() throws {
            try Self.measure(json: json, nodes: nodes, seconds: seconds, firstRate: firstRate, steps: steps, dir: dir,
                         consensus: .proofOfWork)
        }

        /// The end-to-end benchmark on a devnet of either engine (`bench e2e`, `bench bft`).
        static func measure(json: Bool, nodes: Int, seconds: Double, firstRate: Double, steps: Int, dir: String?,
                        consensus: DevnetOptions.Consensus) throws {
            try checkRange("steps", steps, 1...20)
            try checkRange("nodes", nodes, 1...16)
            try checkRange("seconds", seconds, 1...3600)
            try checkRange("first-rate", firstRate, 1...100_000)
            printMeasurements(try EndToEndBenchmark.run(executable: BenchCommand.executable,
                                                        directory: dir ?? FileManager.default.temporaryDirectory.path,
                                                        nodes: nodes, seconds: seconds, firstRate: firstRate, maxSteps: steps,
                                                        consensus: consensus, log: BenchCommand.log),
                              json: json)
        }
    }
}

extension BenchCommand {
    struct BFT: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bft",
            abstract: "Committed transfers a second through a BFT devnet of validators, and submit-to-final latency.",
            discussion: """
                Starts `kusari devnet --consensus bft` (every node a validator, no traffic of its own), offers \
                pre-signed transfers through the nodes' APIs from this process at doubling rates, and reports the \
                highest rate committed (final) at every node, with submit-to-final latency p50 and p99, beside \
                ed25519-verify on all cores / nodes.
                """)
        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Option(help: "Validator nodes in the devnet.") var nodes = 4
        @Option(help: "Seconds per load step.") var seconds: Double = 30
        @Option(help: "The first step's rate, transfers a second (each next step doubles it).") var firstRate: Double = 250
        @Option(help: "The most load steps.") var steps = 6
        @Option(help: "Where to put the scratch devnet.") var dir: String?
        func run() throws {
            try EndToEnd.measure(json: json, nodes: nodes, seconds: seconds, firstRate: firstRate, steps: steps, dir: dir,
                             consensus: .bft)
        }
    }
}

extension BenchCommand {
    struct Overload: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A devnet offered twice its capacity: the committed rate, stranded transfers, stall disconnects, API answers.",
            discussion: """
                Starts `kusari devnet` (no traffic of its own) and finds its capacity C as `bench e2e` does: steps of \
                --step-seconds from --first-rate, doubling until one is not sustained (then --refine steps between). Then \
                offers 2C for --seconds and drains for up to --drain seconds, until every admitted transfer is committed \
                at every node. Reports capacity; overload-committed (at 2C, ratio to C; goal ratio >= 0.8); stranded \
                (admitted, not committed at every node after the drain; should be 0); refused (refusals such as 429 \
                mempool_full, expected past capacity: the client retries them after the block spacing); stall-disconnects \
                and disconnects (peers dropped, from the nodes' logs; stall-disconnects should be 0); status-max-seconds \
                and status-failures (the slowest GET /v1/status answer any node gave during the overload). The scratch \
                devnet is removed when every mark is met, kept (and named in the log) otherwise.
                """)
        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Option(help: "Nodes in the devnet.") var nodes = 4
        @Option(help: "Seconds per capacity step.") var stepSeconds: Double = 20
        @Option(help: "The first capacity step's rate, transfers a second (each next step doubles it).") var firstRate: Double = 100
        @Option(help: "The most capacity steps.") var steps = 8
        @Option(help: "Capacity steps halfway between the highest sustained and the lowest unsustained rate.") var refine = 1
        @Option(help: "Seconds of the overload step at twice the capacity.") var seconds: Double = 120
        @Option(help: "The most seconds to wait after the overload step for every admitted transfer to be committed.") var drain: Double = 240
        @Option(help: "Where to put the scratch devnet.") var dir: String?
        func run() throws {
            try checkRange("nodes", nodes, 1...16)
            try checkRange("step-seconds", stepSeconds, 1...3600)
            try checkRange("first-rate", firstRate, 1...100_000)
            try checkRange("steps", steps, 1...20)
            try checkRange("refine", refine, 0...10)
            try checkRange("seconds", seconds, 1...3600)
            try checkRange("drain", drain, 0...3600)
            printMeasurements(try OverloadBenchmark.run(executable: BenchCommand.executable,
                                                        directory: dir ?? FileManager.default.temporaryDirectory.path,
                                                        nodes: nodes, stepSeconds: stepSeconds, firstRate: firstRate, maxSteps: steps,
                                                        refine: refine, seconds: seconds, drainSeconds: drain, log: BenchCommand.log),
                              json: json)
        }
    }
}

/// Prints measurements as text or as a JSON array.
func printMeasurements(_ results: [BenchMeasurement], json: Bool) {
    if json {
        Output.print(.array(results.map { m in
            var fields: [(String, JSON)] = [("name", .string(m.name)), ("value", .double(m.value)), ("unit", .string(m.unit))]
            if let n = m.limitName, let l = m.limit, let r = m.ratio {
                fields += [("limitName", .string(n)), ("limit", .double(l)), ("ratio", .double(r))]
            }
            return .object(fields)
        }))
    } else {
        print(formatTable(results))
    }
}

/// Refuses `value` outside `range`, naming the option, in the form every bench option uses
/// (whole numbers without a decimal point: "from 1 to 3600").
func checkRange<T: Comparable & CustomStringConvertible>(_ option: String, _ value: T, _ range: ClosedRange<T>) throws {
    func show(_ v: T) -> String {
        if let d = v as? Double, d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return v.description
    }
    guard range.contains(value) else {
        throw CLIError("\(option): must be from \(show(range.lowerBound)) to \(show(range.upperBound)), got \(value)")
    }
}
