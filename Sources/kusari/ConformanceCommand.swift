import ArgumentParser
import Foundation
import KusariConformance
import KusariJSON

/// `kusari conformance generate`: writes the published vector suite.
struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance", abstract: "The conformance vector suite (see conformance/README.md).",
        subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the vector files, made by the node's own code from fixed keys and seeds.",
            discussion: "Regenerating gives identical bytes. With --check nothing is written: exit 1 if a file differs.")

        @Option(help: "The directory to write the vector files into (created if missing).") var out: String
        @Flag(help: "Compare with the files in --out instead of writing them.") var check = false

        func run() throws {
            let files = try ConformanceSuite.files()
            let directory = URL(fileURLWithPath: out)
            var differing: [String] = []
            if !check {
                do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
                    throw CLIError("\(out): cannot create the directory (\(error.localizedDescription))")
                }
            }
            for file in files {
                let url = directory.appendingPathComponent(file.name)
                if check {
                    let existing = FileManager.default.contents(atPath: url.path)
                    if existing != Data(file.contents.utf8) { differing.append(file.name) }
                    continue
                }
                do { try Data(file.contents.utf8).write(to: url, options: .atomic) } catch {
                    throw CLIError("\(url.path): cannot write (\(error.localizedDescription))")
                }
            }
            var fields: [(String, JSON)] = [("directory", .string(out)),
                                            ("files", .array(files.map { .string($0.name) }))]
            if check { fields.append(("differing", .array(differing.map(JSON.string)))) }
            Output.print(.object(fields))
            if !differing.isEmpty { throw CLIError("\(differing.joined(separator: ", ")): differ from what the code generates") }
        }
    }
}
