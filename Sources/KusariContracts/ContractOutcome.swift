import KusariCore

/// What a contract call did: its result, the gas it used, and (when it succeeded) its events
/// and queued messages. A failed call's state changes have been rolled back; it is charged
/// ``gasUsed`` all the same (the whole limit when it ran out of gas).
public struct ContractOutcome: Sendable, Equatable {
    /// The return data, or why the call failed.
    public let result: Result<[UInt8], ContractError>
    /// Gas used, at most the call's limit.
    public let gasUsed: UInt64
    /// Events, in the order emitted (empty when the call failed).
    public let events: [ContractEvent]
    /// Messages to run after this call, in order (empty when the call failed).
    public let messages: [ContractMessage]

    /// An outcome.
    public init(result: Result<[UInt8], ContractError>, gasUsed: UInt64, events: [ContractEvent] = [],
                messages: [ContractMessage] = []) {
        self.result = result
        self.gasUsed = gasUsed
        self.events = events
        self.messages = messages
    }

    /// True when the method returned normally.
    public var succeeded: Bool { if case .success = result { return true } else { return false } }

    /// The failure, or nil when the call succeeded.
    public var error: ContractError? { if case .failure(let e) = result { return e } else { return nil } }

    /// The return data, or nil when the call failed.
    public var returnData: [UInt8]? { try? result.get() }
}

/// Why a contract call failed. Every failure is one of these; none stops the node.
public enum ContractError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call used all its gas (it is charged the whole limit).
    case outOfGas
    /// The contract reverted with this message (UTF-8, invalid sequences replaced).
    case reverted(String)
    /// The WebAssembly code trapped.
    case trapped(ContractTrap)
    /// The contract misused the host API: a pointer outside its memory, an oversize key,
    /// value, topic or return data, too many events or messages, an unknown method name in a
    /// message. The call traps with this message.
    case hostViolation(String)
    /// The module has no such method.
    case unknownMethod(String)
    /// The caller cannot pay the value attached to the call.
    case insufficientFunds(balance: UInt64, value: UInt64)

    public var description: String {
        switch self {
        case .outOfGas: return "out of gas"
        case .reverted(let message): return "reverted: \(message)"
        case .trapped(let trap): return "trapped: \(trap)"
        case .hostViolation(let message): return "host API misuse: \(message)"
        case .unknownMethod(let name): return "the contract has no method \"\(name)\""
        case .insufficientFunds(let balance, let value): return "the caller holds \(balance) units and attached \(value)"
        }
    }
}

/// A WebAssembly trap, by kind.
public enum ContractTrap: Sendable, Equatable, CustomStringConvertible {
    /// `unreachable` ran (Swift's `fatalError`, a failed precondition, an overflow check).
    case unreachable
    /// Recursion deeper than the interpreter stack (``ContractLimits/stackSize``).
    case callStackExhausted
    /// A load or store outside the memory (including the shadow stack running below 0).
    case memoryOutOfBounds
    /// Integer division by zero.
    case integerDivideByZero
    /// Signed integer overflow in division.
    case integerOverflow
    /// Any other trap (indirect call mismatch, table out of bounds, ...), with WasmKit's words.
    case other(String)

    public var description: String {
        switch self {
        case .unreachable: return "unreachable executed"
        case .callStackExhausted: return "call stack exhausted"
        case .memoryOutOfBounds: return "out of bounds memory access"
        case .integerDivideByZero: return "integer divide by zero"
        case .integerOverflow: return "integer overflow"
        case .other(let text): return text
        }
    }
}
