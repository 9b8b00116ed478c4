import ArgumentParser
import KusariCore
import KusariJSON

/// `kusari address inspect ADDRESS`.
struct AddressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address", abstract: "Check and decode addresses.", subcommands: [Inspect.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode an address, or name what is wrong with it.")

        @Argument(help: "A bech32m address such as ksrt1...") var address: String

        func run() throws {
            let parsed: Address
            do { parsed = try Address(parsing: address) } catch { throw CLIError(error.description) }
            let networks = parsed.networks.map(\.rawValue)
            Output.print(.object([
                ("network", .string(networks.first ?? parsed.prefix)),
                ("networks", .array(networks.map(JSON.string))),
                ("prefix", .string(parsed.prefix)),
                ("version", .uint(UInt64(parsed.version))),
                ("payload", .string(parsed.payload.hex)),
            ]))
        }
    }
}
