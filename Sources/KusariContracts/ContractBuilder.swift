import Foundation
import KusariCore

/// Builds a contract: compiles the SDK's sources and a contract's sources with the running
/// toolchain's Embedded Swift to one wasm32 object, links it with `wasm-ld`, and checks the
/// module as a deploy would. `kusari contract build DIR` calls ``build(contractDirectory:)``.
///
/// The two commands (docs/protocol.md 18.6 shows them):
///
///     swiftc <swiftcFlags> -I SDK/WasmSupport -c SDK/*.swift DIR/**/*.swift -o contract.o
///     wasm-ld <linkerFlags> contract.o -o contract.wasm
public struct ContractBuilder: Sendable {
    /// The compiler flags: Embedded Swift for wasm32, whole-module, optimised for size, no
    /// stack protector (it would import `__stack_chk_guard`), and `@_extern` for host imports.
    public static let swiftcFlags = [
        "-target", "wasm32-unknown-none-wasm", "-enable-experimental-feature", "Embedded",
        "-enable-experimental-feature", "Extern", "-wmo", "-Osize", "-parse-as-library", "-swift-version", "6",
        "-Xfrontend", "-disable-stack-protector", "-module-name", "Contract",
    ]

    /// The linker flags: no entry point, exports from `@_expose(wasm)` only, the shadow stack
    /// first (so overflowing it traps instead of overwriting data), a 64 KiB stack, memory
    /// capped at 1 MiB (16 pages), the SDK's allocator bound to the runtime's malloc names, and
    /// the stack pointer (the only mutable global) exported, as deploy requires.
    public static let linkerFlags = [
        "--no-entry", "--strip-all", "--gc-sections", "--stack-first", "-z", "stack-size=65536",
        "--max-memory=1048576", "--wrap=posix_memalign", "--wrap=free", "--export=__stack_pointer",
    ]

    /// The SDK directory (`contracts/KusariContractSDK` in the repository).
    public let sdkDirectory: URL
    /// The `swiftc` to use.
    public let swiftc: URL
    /// The `wasm-ld` to use.
    public let wasmLinker: URL

    /// A builder over `sdkDirectory` with the toolchain found by ``findToolchain()``.
    public init(sdkDirectory: URL) throws(ContractBuildError) {
        let tools = try Self.findToolchain()
        self.init(sdkDirectory: sdkDirectory, swiftc: tools.swiftc, wasmLinker: tools.wasmLinker)
    }

    /// A builder with explicit tools.
    public init(sdkDirectory: URL, swiftc: URL, wasmLinker: URL) {
        self.sdkDirectory = sdkDirectory
        self.swiftc = swiftc
        self.wasmLinker = wasmLinker
    }

    /// The toolchain: `$KUSARI_SWIFTC` or the first `swiftc` on `PATH`, and the `wasm-ld`
    /// beside it (or on `PATH`). Fails with a clear error when the toolchain has no Embedded
    /// Swift standard library for wasm32.
    public static func findToolchain(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ContractBuildError) -> (swiftc: URL, wasmLinker: URL) {
        let path = (environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init)
        func onPath(_ name: String) -> URL? {
            for dir in path {
                let candidate = URL(fileURLWithPath: dir).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
            return nil
        }
        let swiftc: URL
        if let explicit = environment["KUSARI_SWIFTC"] { swiftc = URL(fileURLWithPath: explicit) }
        else if let found = onPath("swiftc") { swiftc = found }
        else { throw .toolchainNotFound("no swiftc on PATH (set KUSARI_SWIFTC to the toolchain's swiftc)") }
        // `swiftc` is usually a link to `swift-driver`, which picks its mode from the name it
        // is run by: resolve links to find the toolchain, but run it as `swiftc`.
        let bin = swiftc.resolvingSymlinksInPath().deletingLastPathComponent()
        let real = bin.appendingPathComponent("swiftc")
        let embedded = bin.deletingLastPathComponent()
            .appendingPathComponent("lib/swift/embedded/Swift.swiftmodule/wasm32-unknown-none-wasm.swiftmodule")
        guard FileManager.default.fileExists(atPath: embedded.path) else {
            throw .noEmbeddedSupport("\(real.path) has no Embedded Swift standard library for wasm32 (looked for \(embedded.path)); use a swift.org toolchain 6.1 or later")
        }
        let linker = bin.appendingPathComponent("wasm-ld")
        if FileManager.default.isExecutableFile(atPath: linker.path) { return (real, linker) }
        if let found = onPath("wasm-ld") { return (real, found) }
        throw .toolchainNotFound("no wasm-ld beside \(real.path) or on PATH")
    }

    /// The Swift sources of a contract: every `.swift` file under `directory`, skipping
    /// `Tests` directories and hidden ones, sorted by path.
    public static func sources(in directory: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isDirectoryKey],
                                                          options: [.skipsHiddenFiles]) else { return [] }
        var found: [URL] = []
        for case let url as URL in walker {
            if url.lastPathComponent == "Tests" || url.lastPathComponent == ".build" { walker.skipDescendants(); continue }
            if url.pathExtension == "swift" { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Builds the contract in `contractDirectory`: the module's bytes, checked as a deploy
    /// would check them, with its size and code hash.
    public func build(contractDirectory: URL, limits: ContractLimits = .standard) throws(ContractBuildError) -> ContractBuild {
        let sdkSources = Self.sources(in: sdkDirectory)
        guard !sdkSources.isEmpty else { throw .noSources("no Swift sources in the SDK directory \(sdkDirectory.path)") }
        let contractSources = Self.sources(in: contractDirectory)
        guard !contractSources.isEmpty else { throw .noSources("no Swift sources in \(contractDirectory.path)") }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-contract-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true) }
        catch { throw .io("cannot create \(work.path): \(error.localizedDescription)") }
        defer { try? FileManager.default.removeItem(at: work) }
        let object = work.appendingPathComponent("contract.o")
        let output = work.appendingPathComponent("contract.wasm")
        let compile = Self.swiftcFlags
            + ["-I", sdkDirectory.appendingPathComponent("WasmSupport").path, "-c"]
            + (sdkSources + contractSources).map(\.path) + ["-o", object.path]
        let compiled = try Self.run(swiftc, compile)
        guard compiled.status == 0 else { throw .compileFailed(compiled.output) }
        let linked = try Self.run(wasmLinker, Self.linkerFlags + [object.path, "-o", output.path])
        guard linked.status == 0 else { throw .linkFailed(linked.output) }
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: output)) }
        catch { throw .io("cannot read \(output.path): \(error.localizedDescription)") }
        do {
            let code = try ContractCode(bytes: bytes, limits: limits)
            return ContractBuild(code: code)
        } catch {
            throw .invalidModule(error)
        }
    }

    static func run(_ tool: URL, _ arguments: [String]) throws(ContractBuildError) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { throw .toolchainNotFound("cannot run \(tool.path): \(error.localizedDescription)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A built contract.
public struct ContractBuild: Sendable {
    /// The checked module.
    public let code: ContractCode
    /// The module's bytes.
    public var wasm: [UInt8] { code.bytes }
    /// The module's size in bytes.
    public var size: Int { code.bytes.count }
    /// SHA-256 of the module.
    public var codeHash: Hash256 { code.codeHash }
}

/// Why a contract did not build.
public enum ContractBuildError: Error, Sendable, CustomStringConvertible {
    /// No usable `swiftc` or `wasm-ld`.
    case toolchainNotFound(String)
    /// The toolchain cannot compile Embedded Swift for wasm32.
    case noEmbeddedSupport(String)
    /// A directory without Swift sources.
    case noSources(String)
    /// The compiler failed (its output).
    case compileFailed(String)
    /// The linker failed (its output).
    case linkFailed(String)
    /// The module built but would be refused at deploy.
    case invalidModule(ContractModuleError)
    /// A file could not be written or read.
    case io(String)

    public var description: String {
        switch self {
        case .toolchainNotFound(let m): return "toolchain not found: \(m)"
        case .noEmbeddedSupport(let m): return "toolchain lacks Embedded Swift for wasm32: \(m)"
        case .noSources(let m): return m
        case .compileFailed(let out): return "compile failed:\n\(out)"
        case .linkFailed(let out): return "link failed:\n\(out)"
        case .invalidModule(let e): return "the built module would be refused at deploy: \(e)"
        case .io(let m): return m
        }
    }
}
