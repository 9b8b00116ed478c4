import ArgumentParser
import KusariBench

extension BenchCommand {
    /// `kusari bench dex`: orders placed, matched and settled per second in block execution,
    /// beside Ed25519 verification on every core (issue 20).
    struct Dex: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exchange orders placed, matched and settled per second in blocks, beside Ed25519 verification.",
            discussion: """
                Builds a GOLD/KSR book of --resting orders that do not cross, then applies blocks of new orders \
                (1,000 and 10,000 by default) priced across the spread with BlockApplication.execute (one thread, \
                signatures already verified): placement, the end-of-block auction, settlement and the state root. \
                Reports orders a second beside raw Ed25519 verifications a second on every core (goal: 0.8 x).
                """)
        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Flag(help: "A small, fast run (for smoke tests; figures are not meaningful).") var quick = false
        @Option(help: "Open orders in the book before each timed block.") var resting: Int?
        @Option(help: "New orders per timed block (repeatable).") var block: [Int] = []

        func run() throws {
            var scale: DexBenchmarks.Scale = quick ? .quick : .full
            if let resting { try checkRange("resting", resting, 0...200_000); scale.resting = resting }
            for size in block { try checkRange("block", size, 1...100_000) }
            if !block.isEmpty { scale.blockSizes = block }
            do {
                printMeasurements(try DexBenchmarks.run(scale: scale, log: BenchCommand.log), json: json)
            } catch {
                throw CLIError("bench dex: \(error)")
            }
        }
    }
}
