import ArgumentParser
import KusariChain
import KusariCore

/// `kusari keys ...`: key files.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create Ed25519 key files.", subcommands: [New.self, Faucet.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new key file (mode 0600, never overwriting) and print its address.")

        @Option(help: "Path of the key file to create.") var out: String
        @Option(help: "Network of the address: main, test or devnet.") var network: NetworkOption = .devnet

        func run() throws {
            let key = KeyPair()
            let file = KeyFile(key: key, network: network.value)
            try Files.createNew(out, data: try file.jsonData())
            Output.print(.object([("address", .string(file.address)), ("publicKey", .string(file.publicKey))]))
        }
    }
}

extension KeysCommand {
    struct Faucet: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "devnet-faucet",
            abstract: "Write the key file of the default devnet's faucet (its seed is public: devnet only).")

        @Option(help: "Path of the key file to create.") var out: String

        func run() throws {
            let file = KeyFile(key: DevnetGenesis.faucetKey, network: .devnet)
            try Files.createNew(out, data: try file.jsonData())
            Output.print(.object([("address", .string(file.address)), ("publicKey", .string(file.publicKey))]))
        }
    }
}

/// `--network main|test|devnet`.
struct NetworkOption: ExpressibleByArgument, CustomStringConvertible {
    let value: Network
    var description: String { value.rawValue }
    static let devnet = NetworkOption(value: .devnet)
    init(value: Network) { self.value = value }
    init?(argument: String) {
        guard let n = Network(rawValue: argument) else { return nil }
        value = n
    }
    static var allValueStrings: [String] { Network.allCases.map(\.rawValue) }
}

/// Loads a key file.
func loadKey(_ path: String) throws -> (key: KeyPair, address: Address) {
    do { return try KeyFile.parse(try Files.read(path, limit: 1 << 16)) } catch let e as KeyError {
        throw CLIError("\(path): \(e)")
    }
}
