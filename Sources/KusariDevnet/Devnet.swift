import Foundation
import KusariCore
#if canImport(Glibc)
import Glibc
#endif

/// `kusari devnet`: a whole network on this machine. Starts the nodes as child
/// processes behind the link proxies, the traffic generator, the status lines
/// and the control endpoint, and runs until SIGINT or SIGTERM, then stops every
/// child and returns.
public final class Devnet: Sendable {
    let options: DevnetOptions
    let directory: DevnetDirectory
    let accounts: [DemoAccounts.Account]
    let chainId: UInt32
    let supervisor: Supervisor
    let mesh: LinkMesh
    let monitor: StatusMonitor
    let renderer: StatusRenderer

    private init(options: DevnetOptions, directory: DevnetDirectory, accounts: [DemoAccounts.Account], chainId: UInt32,
                 supervisor: Supervisor, mesh: LinkMesh, renderer: StatusRenderer) {
        self.options = options
        self.directory = directory
        self.accounts = accounts
        self.chainId = chainId
        self.supervisor = supervisor
        self.mesh = mesh
        self.monitor = StatusMonitor(supervisor: supervisor)
        self.renderer = renderer
    }

    /// Runs a devnet until SIGINT or SIGTERM.
    public static func run(_ options: DevnetOptions) async throws {
        try options.validate()
        let accounts = try DemoAccounts.derive()
        let genesis: Genesis
        if let file = options.genesisFile {
            guard let data = FileManager.default.contents(atPath: file) else { throw DevnetError("genesis", "cannot read \(file)") }
            do { genesis = try Genesis(json: data) } catch { throw DevnetError("genesis", "\(file): \(error)") }
        } else {
            genesis = try DemoAccounts.genesis(accounts: accounts, validators: options.validatorCount)
        }
        let directory = try DevnetDirectory.prepare(options.directory, reset: options.reset, genesis: genesis)
        let renderer = StatusRenderer()

        // Ports first: each node's API and P2P port stay the same for the whole run.
        var taken = Set<Int>()
        var apiPorts: [Int] = [], p2pPorts: [Int] = []
        for n in 1...options.nodes {
            let api = try Ports.pick(preferred: options.firstAPIPort.map { $0 + n - 1 }, avoiding: taken)
            taken.insert(api)
            let p2p = try Ports.pick(preferred: nil, avoiding: taken)
            taken.insert(p2p)
            apiPorts.append(api)
            p2pPorts.append(p2p)
        }
        let (mesh, peers) = try await LinkMesh.start(p2pPorts: p2pPorts)
        var children: [NodeChild] = []
        for n in 1...options.nodes {
            var args = ["node", "--datadir", directory.nodeDirectory(n) + "/data", "--genesis", directory.genesisPath,
                        "--api", "127.0.0.1:\(apiPorts[n - 1])", "--p2p", "127.0.0.1:\(p2pPorts[n - 1])",
                        "--no-discover", "--exit-with-parent", "\(getpid())"]
            for port in peers[n - 1] { args += ["--peer", "127.0.0.1:\(port)"] }
            if n <= options.validatorCount {
                let keyPath = directory.nodeDirectory(n) + "/validator.key"
                try directory.writeKey(DemoAccounts.validatorKey(n), to: keyPath)
                args += ["--validator-key", keyPath]
            }
            if n <= options.miners {
                args += ["--mine", "--miner-address", accounts[(n - 1) % accounts.count].address.string, "--miner-threads", "1"]
                if let interval = options.minerInterval { args += ["--miner-interval", "\(interval)"] }
            }
            children.append(NodeChild(index: n, directory: directory.nodeDirectory(n), apiPort: apiPorts[n - 1],
                                      p2pPort: p2pPorts[n - 1], executable: options.executable, arguments: args))
        }
        let supervisor = Supervisor(children: children) { renderer.event($0) }
        let devnet = Devnet(options: options, directory: directory, accounts: accounts, chainId: genesis.chainId,
                            supervisor: supervisor, mesh: mesh, renderer: renderer)
        try await devnet.serve()
    }

    private func serve() async throws {
        let stop = SignalWaiter(signals: [SIGINT, SIGTERM])
        renderer.event(banner())
        do { try supervisor.startAll() } catch {
            supervisor.stopAll()
            await mesh.stop()
            throw error
        }
        let control: ControlServer
        do {
            control = try await ControlServer.start { [self] request in await handle(request) }
            try directory.writeControl(port: control.port)
        } catch {
            supervisor.stopAll()
            await mesh.stop()
            throw error
        }
        renderer.event("control: kusari devnet status|kill N|pause N|resume N|partition 1,2 3,4|heal|delay 1-3 200ms"
                       + (options.directory == ".kusari-devnet" ? "" : " --dir \(options.directory)"))
        let senders = options.trades ? Array(accounts.prefix(DemoMarket.traders.lowerBound)) : accounts
        let traffic = TrafficGenerator(rate: options.tps, accounts: senders, chainId: chainId, supervisor: supervisor)
        let market = DemoMarket(accounts: accounts, chainId: chainId, supervisor: supervisor) { [renderer] in renderer.event($0) }
        let tasks = [
            Task { await monitor.run() },
            Task { await traffic.run() },
            Task { if options.trades { await market.run() } },
            Task { [self] in
                while !Task.isCancelled {
                    let faults = mesh.faults
                    renderer.draw(monitor.current, cut: faults.cut, delayed: faults.delayed)
                    try? await Task.sleep(for: .seconds(1))
                }
            },
        ]
        let signal = await stop.wait()
        renderer.event("devnet: \(signal == SIGINT ? "interrupted" : "terminated"); stopping \(supervisor.children.count) nodes")
        for task in tasks { task.cancel() }
        await control.stop()
        directory.removeControl()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [supervisor] in supervisor.stopAll(); done.resume() }
        }
        await mesh.stop()
        renderer.event("devnet: stopped; every node has exited. Resume this chain with the same command, or start over with --reset.")
    }

    /// Runs one control request.
    func handle(_ request: ControlRequest) async -> Result<[String: Any], DevnetError> {
        do {
            try request.validate(nodes: supervisor.children.count)
            let message: String
            switch request {
            case .kill(let n): message = try supervisor.kill(n)
            case .pause(let n): message = try supervisor.pause(n, true)
            case .resume(let n): message = try supervisor.pause(n, false)
            case .partition(let groups):
                mesh.partition(groups)
                message = "partitioned: " + groups.map { "{" + $0.map(String.init).joined(separator: ",") + "}" }.joined(separator: " ")
                    + "; links cut: " + mesh.faults.cut.map { "\($0[0])-\($0[1])" }.joined(separator: " ")
            case .heal:
                mesh.heal()
                message = "healed: every link restored"
            case .delay(let a, let b, let ms):
                mesh.delay(a, b, milliseconds: ms)
                message = ms == 0 ? "link \(a)-\(b): no delay" : "link \(a)-\(b): \(ms) ms each way"
            case .status:
                return .success(status())
            }
            renderer.event("fault: " + message)
            return .success(["message": message])
        } catch {
            return .failure(error)
        }
    }

    /// The devnet's state for `kusari devnet status`.
    func status() -> [String: Any] {
        let faults = mesh.faults
        return [
            "directory": directory.path, "pid": Int(getpid()), "tps": options.tps, "miners": options.miners,
            "trading": options.trades,
            "consensus": options.consensus.rawValue, "validators": options.validatorCount,
            "nodes": monitor.current.map(\.json),
            "links": ["cut": faults.cut, "delayed": faults.delayed.map { ["link": [$0.0, $0.1], "milliseconds": $0.2] }],
        ]
    }

    /// The start message: what runs, where, and the demo accounts with their public keys' warning.
    func banner() -> String {
        let roles = options.consensus == .bft ? "BFT, \(options.validatorCount) validators" : "\(options.miners) mining"
        var lines = ["Kusari devnet: \(options.nodes) nodes (\(roles)), \(options.tps == 0 ? "no traffic" : "\(options.tps == options.tps.rounded() ? String(Int(options.tps)) : String(options.tps)) transfers/s"), in \(directory.path)"]
        let resumed = (1...options.nodes).contains { directory.hasChain($0) }
        lines.append(resumed ? "Resuming the chain in this directory (--reset starts over)." : "A new chain.")
        lines.append("")
        lines.append("Demo accounts, \(DemoAccounts.balance / Amount.unitsPerKSR) KSR each at genesis, from the phrase")
        lines.append("  \"\(DemoAccounts.phrase)\"")
        lines.append("WARNING: these keys are public. Anyone can spend from these accounts; use them on this devnet only.")
        for a in accounts { lines.append("  (\(a.index)) \(a.address.string)  \(a.path)") }
        lines.append("The devnet faucet is funded too: kusari keys devnet-faucet --out faucet.json")
        if options.trades {
            lines.append("Accounts \(DemoMarket.traders.lowerBound)-\(DemoMarket.traders.upperBound) trade the demo market \(DemoMarket.symbol)-KSR (--no-trading: they do not);"
                         + " the transfers are between accounts 0-\(DemoMarket.traders.lowerBound - 1).")
        }
        lines.append("")
        for c in supervisor.children {
            lines.append("node \(c.index): explorer \(c.apiBase)/   api \(c.apiBase)   p2p 127.0.0.1:\(c.p2pPort)   log \(c.directory)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Waits for the first of some signals, which are otherwise ignored (so that the
/// devnet, not the default action, decides what SIGINT and SIGTERM do).
final class SignalWaiter: @unchecked Sendable {
    private let stream: AsyncStream<Int32>
    private let sources: [DispatchSourceSignal]

    init(signals: [Int32]) {
        var continuation: AsyncStream<Int32>.Continuation?
        stream = AsyncStream { continuation = $0 }
        let c = continuation
        sources = signals.map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { c?.yield(sig) }
            source.resume()
            return source
        }
    }

    /// The first signal received.
    func wait() async -> Int32 {
        for await sig in stream { return sig }
        return SIGTERM
    }
}
