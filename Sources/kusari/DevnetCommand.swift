import ArgumentParser
import Foundation
import KusariDevnet

/// `kusari devnet`: a whole network on this machine, and faults on demand from
/// a second terminal. The work is in KusariDevnet; this file only parses.
struct DevnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devnet",
        abstract: "Run a network of several nodes on this machine, with demo accounts, traffic, explorers and faults on demand.",
        discussion: """
            `kusari devnet` starts the network and runs until Ctrl-C. From a second terminal (same --dir): \
            kill N, pause N, resume N, partition 1,2 3,4, heal, delay 1-3 200ms, status.
            """,
        subcommands: [Start.self, Kill.self, Pause.self, Resume.self, Partition.self, Heal.self, Delay.self, Status.self],
        defaultSubcommand: Start.self)

    /// `--dir`, shared by every subcommand.
    struct DirOption: ParsableArguments {
        @Option(help: "The devnet's directory.") var dir = ".kusari-devnet"
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the devnet (the default): nodes, link proxies, demo accounts, traffic, status lines.",
            discussion: """
                The ten demo accounts come from the public phrase "\(DemoAccounts.phrase)" \
                (m/44'/9999'/0'/0'/i'): their keys are known to everyone. A devnet started again in the same \
                directory keeps its chain; --reset starts over. Ctrl-C or SIGTERM stops every node.
                """)
        @OptionGroup var directory: DirOption
        @Option(help: "Node processes (1 to 16).") var nodes = 4
        @Option(help: "How many of the nodes mine (nodes 1 to M; proof of work).") var miners: Int?
        @Option(help: "Consensus: pow (proof of work) or bft (Tendermint rounds; blocks final at once).") var consensus = "pow"
        @Option(help: "BFT validators (nodes 1 to V; default: every node).") var validators: Int?
        @Option(help: "Transfers a second between the demo accounts (0: none).") var tps: Double = 20
        @Option(help: "Node 1's API port if free (node N: this + N - 1); 0: any free ports.") var apiPort = 8645
        @Option(help: "Least seconds between two blocks of one miner (default: the devnet's 2 s).") var minerInterval: Double?
        @Option(help: "A genesis file instead of the demo genesis (a new devnet only; benchmarks use it).") var genesis: String?
        @Flag(help: "Remove the devnet's chain and start over.") var reset = false
        @Flag(help: "Do not trade the demo market DEMO-KSR (demo accounts 7-9 place an order a second by default).") var noTrading = false
        @Option(help: ArgumentHelp("Stop when process PID is no longer this devnet's parent (benchmarks and tests).", visibility: .hidden))
        var exitWithParent: Int32?

        func run() async throws {
            // A devnet started by a benchmark or a test stops (and stops its nodes) when that process goes.
            let parentWatch = exitWithParent.map { ParentWatch.start(parent: $0) }
            defer { parentWatch?.cancel() }
            var options = DevnetOptions(executable: DevnetCommand.executable)
            options.directory = directory.dir
            options.nodes = nodes
            guard let engine = DevnetOptions.Consensus(rawValue: consensus) else {
                throw CLIError("consensus: '\(consensus)' is not an engine (pow or bft)")
            }
            options.consensus = engine
            options.validators = validators
            options.miners = miners ?? (engine == .bft ? 0 : 1)
            options.tps = tps
            options.firstAPIPort = apiPort == 0 ? nil : apiPort
            options.minerInterval = minerInterval
            options.reset = reset
            options.genesisFile = genesis
            options.trading = !noTrading
            try await Devnet.run(options)
        }
    }

    /// The running `kusari` executable, which the nodes run too.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Sends one request to the running devnet and prints its reply as JSON.
    static func control(_ verb: String, _ arguments: [String], dir: String) throws {
        let reply = try ControlClient.send(try ControlRequest(verb: verb, arguments: arguments), directory: dir)
        var fields = reply
        fields.removeValue(forKey: "ok")
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }

    struct Kill: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kill node N (SIGKILL); the devnet restarts it.")
        @OptionGroup var directory: DirOption
        @Argument(help: "The node's number.") var node: String
        func run() throws { try DevnetCommand.control("kill", [node], dir: directory.dir) }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop node N (SIGSTOP) until `resume N`.")
        @OptionGroup var directory: DirOption
        @Argument(help: "The node's number.") var node: String
        func run() throws { try DevnetCommand.control("pause", [node], dir: directory.dir) }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a paused node N go on (SIGCONT).")
        @OptionGroup var directory: DirOption
        @Argument(help: "The node's number.") var node: String
        func run() throws { try DevnetCommand.control("resume", [node], dir: directory.dir) }
    }

    struct Partition: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cut the links between groups of nodes, such as `partition 1,2 3,4` (unnamed nodes form one more group).")
        @OptionGroup var directory: DirOption
        @Argument(help: "Groups of node numbers, each comma-separated.") var groups: [String] = []
        func run() throws { try DevnetCommand.control("partition", groups, dir: directory.dir) }
    }

    struct Heal: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restore every link: no cuts, no delays.")
        @OptionGroup var directory: DirOption
        func run() throws { try DevnetCommand.control("heal", [], dir: directory.dir) }
    }

    struct Delay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delay the link between two nodes each way, such as `delay 1-3 200ms` (0 removes the delay).")
        @OptionGroup var directory: DirOption
        @Argument(help: "The link, A-B.") var link: String
        @Argument(help: "The latency each way: 200ms, 1.5s, 0.") var latency: String
        func run() throws { try DevnetCommand.control("delay", [link, latency], dir: directory.dir) }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The running devnet's nodes (pid, height, tip, peers, ...) and links, as JSON.")
        @OptionGroup var directory: DirOption
        func run() throws { try DevnetCommand.control("status", [], dir: directory.dir) }
    }
}
