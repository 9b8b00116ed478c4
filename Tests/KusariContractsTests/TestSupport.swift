import Foundation
import KusariContracts
import KusariCore
import WAT

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// An address whose 20 bytes are all `byte`.
func address(_ byte: UInt8) -> AddressPayload {
    AddressPayload(bytes: [UInt8](repeating: byte, count: 20))!
}

let contractAddress = address(0xC0)
let alice = address(0xA1)
let bob = address(0xB0)
let carol = address(0xCA)
let block = BlockContext(height: 10, time: 1_700_000_000)

/// A module in the text format with the standard memory (1 page, at most 16) exported.
func wat(_ body: String, memory: String = "(memory (export \"memory\") 1 16)") throws -> [UInt8] {
    try wat2wasm("(module\n\(body)\n\(memory))")
}

/// Deploys `bytes` and runs `method` with a fresh in-memory host.
func runOnce(_ bytes: [UInt8], _ method: String, input: [UInt8] = [], gas: UInt64 = 1_000_000,
             host: InMemoryContractHost = InMemoryContractHost()) throws -> ContractOutcome {
    let code = try ContractCode(bytes: bytes)
    return ContractRuntime().run(code, ContractCall(contract: contractAddress, caller: alice, method: method,
                                                     input: input, gasLimit: gas), block: block, host: host)
}

/// Builds the examples once per test process with the real toolchain.
enum Examples {
    static let sdk = packageRoot.appendingPathComponent("contracts/KusariContractSDK")

    static func build(_ name: String) -> Result<ContractBuild, ContractBuildError> {
        Result { () throws(ContractBuildError) -> ContractBuild in
            try ContractBuilder(sdkDirectory: sdk)
                .build(contractDirectory: packageRoot.appendingPathComponent("contracts/examples/\(name)"))
        }
    }

    static let token = build("token")
    static let registry = build("registry")
    static let escrow = build("escrow")
}

/// A deployed contract over an in-memory host, with helpers to call it.
struct Deployed {
    let code: ContractCode
    let host = InMemoryContractHost()
    var runtime = ContractRuntime()
    var address = contractAddress

    func call(_ method: String, from caller: AddressPayload, _ args: [ContractValue] = [], value: UInt64 = 0,
              gas: UInt64 = 10_000_000, time: Int64 = block.time) -> ContractOutcome {
        runtime.run(code, ContractCall(contract: address, caller: caller, method: method,
                                       input: ContractValue.encode(args), value: value, gasLimit: gas),
                    block: BlockContext(height: block.height, time: time), host: host)
    }

    /// The decoded return values of a successful call.
    func values(_ outcome: ContractOutcome) throws -> [ContractValue] {
        try ContractValue.decode(try outcome.result.get())
    }
}

/// Runs `body` (a swiftc build of several seconds, or a wait for one) on a Dispatch thread and
/// awaits it, so that no Swift concurrency thread is held meanwhile: on a 2-core machine the
/// cooperative pool has two threads, and other suites' async work (the API test servers)
/// needs them.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

extension Examples {
    /// An example's build (once per process), awaited off the cooperative pool.
    static func built(_ example: @escaping @Sendable () -> Result<ContractBuild, ContractBuildError>) async throws -> ContractBuild {
        try await offPool { try example().get() }
    }
}
