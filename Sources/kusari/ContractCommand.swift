import ArgumentParser
import Foundation
import KusariContracts
import KusariCore
import KusariJSON

/// `kusari contract ...`: write, build, deploy, call, query and inspect smart contracts
/// written in Swift (docs/protocol.md section 18; contracts/README.md).
struct ContractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contract",
        abstract: "Smart contracts in Swift: new, build, deploy, call, query, inspect.",
        subcommands: [New.self, Build.self, Deploy.self, Call.self, Query.self, Inspect.self])

    /// `kusari contract new NAME`: a contract package to start from.
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a directory NAME holding a contract to start from (a counter with an owner), ready for `contract build NAME`.")

        @Argument(help: "The contract's name: a directory of this name is made.") var name: String

        func run() throws {
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw CLIError("name: use letters, digits, - and _ (it names a directory)")
            }
            let dir = URL(fileURLWithPath: name)
            guard !FileManager.default.fileExists(atPath: dir.path) else { throw CLIError("\(name): already exists") }
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try ContractTemplate.source.write(to: dir.appendingPathComponent("Contract.swift"), atomically: true, encoding: .utf8)
                try ContractTemplate.readme(name).write(to: dir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
            } catch { throw CLIError("\(name): \(error.localizedDescription)") }
            Output.print(.object([("directory", .string(dir.path)), ("files", .array([.string("Contract.swift"), .string("README.md")])),
                                  ("next", .string("kusari contract build \(name)"))]))
        }
    }

    /// `kusari contract build DIR`.
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile a contract directory with Embedded Swift to WebAssembly, check it as a deploy would, and write DIR.wasm.")

        @Argument(help: "The contract's directory (its .swift files).") var directory: String
        @Option(help: "Where to write the module (default: the directory's name with .wasm, beside it).") var output: String?
        @Option(help: "The contract SDK (default: contracts/KusariContractSDK of this repository).") var sdk: String?

        func run() throws {
            let dir = URL(fileURLWithPath: directory).standardizedFileURL
            let builder = try ContractBuilder(sdkDirectory: try ContractArguments.sdkDirectory(sdk))
            let built: ContractBuild
            do { built = try builder.build(contractDirectory: dir) } catch { throw CLIError("build: \(error)") }
            let out = output.map { URL(fileURLWithPath: $0) } ?? dir.deletingLastPathComponent().appendingPathComponent(dir.lastPathComponent + ".wasm")
            do { try Data(built.wasm).write(to: out) } catch { throw CLIError("\(out.path): \(error.localizedDescription)") }
            Output.print(.object([("module", .string(out.path)), ("size", .uint(UInt64(built.size))),
                                  ("codeHash", .string(built.codeHash.hex)),
                                  ("methods", .array(built.code.methods.map(JSON.string)))]))
        }
    }
}

/// The contract `kusari contract new` writes.
enum ContractTemplate {
    static let source = """
    // A counter with an owner: `init` records the deployer as owner and a start value,
    // `increment` adds to it (anyone), `reset` (owner only) sets it back, `get` reads it.
    #if canImport(KusariContractSDK)
    import KusariContractSDK
    #endif

    let owner = StorageValue<Address>("owner")
    let count = StorageValue<UInt64>("count")

    /// init(start: u64)
    @_expose(wasm, "init") @_cdecl("counter_init")
    public func counterInit() {
        contractMethod { args, _ throws(Revert) in
            let start: UInt64 = try args.read()
            try require(try owner.get() == nil, "already initialised")
            owner.set(Context.caller)
            count.set(start)
        }
    }

    /// increment(by: u64) -> u64: the new count.
    @_expose(wasm, "increment") @_cdecl("counter_increment")
    public func counterIncrement() {
        contractMethod { args, result throws(Revert) in
            let by: UInt64 = try args.read()
            let (sum, overflow) = try count.get(default: 0).addingReportingOverflow(by)
            try require(!overflow, "count overflow")
            count.set(sum)
            var event = ArgumentWriter()
            event.write(Context.caller); event.write(sum)
            Context.emit("incremented", event)
            result.write(sum)
        }
    }

    /// reset(): the owner only.
    @_expose(wasm, "reset") @_cdecl("counter_reset")
    public func counterReset() {
        contractMethod { _, _ throws(Revert) in
            try require(try owner.get() == Context.caller, "only the owner may reset")
            count.set(0)
        }
    }

    /// get() -> u64
    @_expose(wasm, "get") @_cdecl("counter_get")
    public func counterGet() {
        contractMethod { _, result throws(Revert) in
            result.write(try count.get(default: 0))
        }
    }

    """

    static func readme(_ name: String) -> String {
        """
        # \(name)

        A Kusari contract written in Swift. Build, deploy and use it on a devnet:

            kusari contract build \(name)
            kusari contract deploy \(name).wasm --key KEYFILE --init 0 --wait
            kusari contract call ADDRESS increment 5 --key KEYFILE --wait
            kusari contract query ADDRESS get

        The SDK (typed storage, context, events, errors that revert) is in the Kusari
        repository's contracts/KusariContractSDK; docs/protocol.md section 18 has the rules.

        """
    }
}
