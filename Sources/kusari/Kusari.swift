import ArgumentParser

/// The `kusari` command: a thin front end over the Kusari libraries.
struct Kusari: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "kusari",
        abstract: "Kusari (鎖): a blockchain node, wallet and toolkit written in Swift.",
        discussion: "Every command prints JSON on stdout (wallet commands: with --json) and one-line errors on stderr (exit 1).",
        version: version,
        subcommands: [
            KeysCommand.self,
            AddressCommand.self,
            GenesisCommand.self,
            TxCommand.self,
            ContractCommand.self,
            DexCommand.self,
            PowCommand.self,
            NodeCommand.self,
            InitCommand.self,
            GenerateCommand.self,
            StatusCommand.self,
            VerifyCommand.self,
            ExportCommand.self,
            ImportCommand.self,
            WalletCommand.self,
            BenchCommand.self,
            ConformanceCommand.self,
            DevnetCommand.self,
            LightCommand.self,
        ]
    )
}
