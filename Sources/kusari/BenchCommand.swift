import ArgumentParser
import Foundation
import KusariBench

/// `kusari bench ...`: figures measured beside the machine's own limits.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Kusari against this machine's limits (use a release build).",
        subcommands: [Core.self, Storage.self])

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
