import ArgumentParser
import Foundation
import KusariChain
import KusariCore
import KusariJSON

/// `--datadir DIR`, shared by the chain commands.
struct DataDirOption: ParsableArguments {
    @Option(help: "The node's data directory.") var datadir: String
}

/// Prints a chain summary as `kusari status` does.
func printSummary(_ s: ChainSummary) {
    Output.print(.object([
        ("network", .string(s.network)),
        ("height", .uint(s.height)),
        ("tip", .string(s.tip.hex)),
        ("chainwork", .string(s.chainWork)),
        ("stateRoot", .string(s.stateRoot.hex)),
    ]))
}

/// `kusari init`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a data directory holding a chain's genesis.")

    @OptionGroup var data: DataDirOption
    @Option(help: "A genesis file (from `kusari genesis new`).") var genesis: String?
    @Option(help: "Use the built-in genesis of this network (devnet only).") var network: NetworkOption?

    func validate() throws {
        guard (genesis == nil) != (network == nil) else {
            throw ValidationError("give exactly one of --genesis FILE or --network devnet")
        }
        if let network, network.value != .devnet {
            throw ValidationError("only devnet has a built-in genesis; give --genesis FILE for \(network.value.rawValue)")
        }
    }

    func run() throws {
        let g: Genesis = try genesis.map { try Genesis(json: try Files.read($0)) } ?? DevnetGenesis.genesis
        let chain = try Blockchain.create(directory: data.datadir, genesis: g)
        printSummary(chain.summary)
    }
}

/// `kusari generate`.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Mine blocks locally on top of the tip (like Bitcoin's regtest generatetoaddress).",
        discussion: "Each block is stored in its own transaction, so an interrupted run keeps every block it finished.")

    @Argument(help: "How many blocks to mine.") var count: Int
    @OptionGroup var data: DataDirOption
    @Option(help: "Address that receives the block rewards.") var to: String
    @Option(help: "A file of signed transaction hex, one a line, to include in the first block.") var txFile: String?
    @Flag(help: "List every mined block's id.") var verbose = false

    func validate() throws {
        guard count >= 0 && count <= 1_000_000 else { throw ValidationError("count must be between 0 and 1000000") }
    }

    func run() throws {
        let chain = try Blockchain.open(directory: data.datadir)
        let address = try Arguments.address(to, network: chain.genesis.network, field: "to")
        var pending: [Transaction] = []
        if let txFile {
            let text = String(decoding: try Files.read(txFile), as: UTF8.self)
            for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() {
                let hex = line.trimmingCharacters(in: .whitespaces)
                if hex.isEmpty { continue }
                do { pending.append(try Transaction(decoding: try Hex.decode(hex, field: "tx"))) } catch {
                    throw CLIError("\(txFile): line \(i + 1): \(error)")
                }
            }
        }
        let included = pending.count
        var ids: [String] = []
        var first: String?
        for _ in 0..<count {
            let block = try chain.produce(beneficiary: address.payload, transactions: pending)
            pending = []
            if first == nil { first = block.id.hex }
            if verbose { ids.append(block.id.hex) }
        }
        // A summary by default (a run of a million blocks would print a million ids); the ids with --verbose.
        var fields: [(String, JSON)] = [("mined", .uint(UInt64(count))), ("first", first.map(JSON.string) ?? .null),
                                        ("height", .uint(chain.height)), ("tip", .string(chain.tipId.hex)),
                                        ("transactions", .uint(UInt64(included)))]
        if verbose { fields.append(("blocks", .array(ids.map(JSON.string)))) }
        Output.print(.object(fields))
    }
}

/// `kusari status`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Where the best chain stands.")
    @OptionGroup var data: DataDirOption
    func run() throws { printSummary(try Blockchain.open(directory: data.datadir, readOnly: true).summary) }
}

/// `kusari verify`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-derive everything from the stored blocks and compare it with what is stored.")
    @OptionGroup var data: DataDirOption
    func run() throws { printSummary(try ChainVerifier.verify(directory: data.datadir)) }
}

/// `kusari export`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the best chain's blocks to a block file (see docs/protocol.md).")
    @OptionGroup var data: DataDirOption
    @Option(help: "The block file to create.") var out: String

    func run() throws {
        let chain = try Blockchain.open(directory: data.datadir)
        var bytes = BlockFile.header(genesisId: chain.genesisId)
        for height in stride(from: UInt64(1), through: chain.height, by: 1) {
            guard let block = try chain.block(atHeight: height) else { throw CLIError("height \(height): block is missing") }
            bytes += BlockFile.record(block)
        }
        try Files.createNew(out, data: Data(bytes), mode: 0o644)
        Output.print(.object([("blocks", .uint(chain.height)), ("tip", .string(chain.tipId.hex)), ("file", .string(out))]))
    }
}

/// `kusari import`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Validate and add the blocks of a block file, as if they came from a peer.",
        discussion: "Stops at the first invalid block, naming its height and reason, and keeps every valid block before it.")

    @Argument(help: "A block file from `kusari export`.") var file: String
    @OptionGroup var data: DataDirOption

    func run() throws {
        let chain = try Blockchain.open(directory: data.datadir)
        var reader: BlockFile.Reader
        do { reader = try BlockFile.Reader(path: file) } catch { throw CLIError(error.description) }
        guard reader.genesisId == chain.genesisId else {
            throw CLIError("\(file): blocks of another chain (genesis \(reader.genesisId), this chain's is \(chain.genesisId))")
        }
        let report = BlockImporter.run(chain: chain) { () throws(BlockFileError) in try reader.next() }
        let fields: [(String, JSON)] = [("imported", .uint(UInt64(report.imported))), ("known", .uint(UInt64(report.known))),
                                        ("height", .uint(chain.height)), ("tip", .string(chain.tipId.hex))]
        if let failure = report.failure {
            Output.print(.object(fields + [("error", .string(failure))]))
            throw CLIError(failure)
        }
        Output.print(.object(fields))
    }
}
