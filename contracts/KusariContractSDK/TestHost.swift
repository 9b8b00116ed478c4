#if !arch(wasm32)
/// An in-memory host for unit tests of a contract's logic in a native build: storage,
/// balances, the caller, the block and the call's input and output. `call` runs one method
/// all-or-nothing: when it reverts, storage and balances are as they were before.
///
/// Native builds only (a wasm32 build talks to the node instead). One host is current at a
/// time (`TestHost.current`); tests that use it must not run in parallel.
public final class TestHost {
    /// An event a call emitted.
    public struct Event: Equatable {
        public let topic: [UInt8]
        public let data: [UInt8]
    }

    /// A message a call queued.
    public struct Message: Equatable {
        public let contract: Address
        public let method: [UInt8]
        public let arguments: [UInt8]
        public let amount: UInt64
    }

    /// What a call did.
    public enum Outcome: Equatable {
        case returned([UInt8])
        case reverted(String)
    }

    /// The host the SDK's functions use in a native build.
    nonisolated(unsafe) public static var current = TestHost(contract: Address.zero)

    /// The contract under test.
    public var contract: Address
    /// The caller of the current call.
    public var caller = Address.zero
    /// The block height the contract sees.
    public var blockHeight: UInt64 = 1
    /// The block time the contract sees.
    public var blockTime: Int64 = 1_700_000_000
    /// The KSR attached to the current call.
    public var attachedValue: UInt64 = 0
    /// The contract's storage.
    public var storage: [[UInt8]: [UInt8]] = [:]
    /// Balances by address bytes.
    public var balances: [[UInt8]: UInt64] = [:]
    /// The current call's encoded arguments.
    public var input: [UInt8] = []
    /// The last call's return data.
    public var returnData: [UInt8] = []
    /// The last call's events.
    public var events: [Event] = []
    /// The last call's messages.
    public var messages: [Message] = []
    var revertMessage: [UInt8]? = nil

    /// A host for the contract at `contract`, made current.
    public init(contract: Address) {
        self.contract = contract
    }

    /// Makes this host the current one.
    public func activate() { TestHost.current = self }

    /// Runs `method` (a contract's exported function) as a call from `caller` with `arguments`
    /// and `value` KSR units attached (moved from the caller to the contract first).
    @discardableResult
    public func call(_ method: () -> Void, from caller: Address, arguments: ArgumentWriter = ArgumentWriter(),
                     value: UInt64 = 0) -> Outcome {
        activate()
        let savedStorage = storage, savedBalances = balances
        self.caller = caller
        self.input = arguments.bytes
        self.attachedValue = value
        returnData = []; events = []; messages = []; revertMessage = nil
        if value > 0 {
            guard balance(caller) >= value else { return .reverted("caller balance too small") }
            balances[caller.bytes] = balance(caller) - value
            balances[contract.bytes] = balance(contract) + value
        }
        method()
        if let message = revertMessage {
            storage = savedStorage; balances = savedBalances; events = []; messages = []; returnData = []
            return .reverted(String(decoding: message, as: UTF8.self))
        }
        return .returned(returnData)
    }

    func read(_ key: [UInt8]) -> [UInt8]? { storage[key] }
    func write(_ key: [UInt8], _ value: [UInt8]) { storage[key] = value }
    func remove(_ key: [UInt8]) -> Bool { storage.removeValue(forKey: key) != nil }
    func next(prefix: [UInt8], after: [UInt8]?) -> [UInt8]? {
        storage.keys
            .filter { key in key.starts(with: prefix) && (after.map { a in a.lexicographicallyPrecedes(key) } ?? true) }
            .min { $0.lexicographicallyPrecedes($1) }
    }

    /// The balance of `address`.
    public func balance(_ address: Address) -> UInt64 { balances[address.bytes] ?? 0 }

    /// Sets the balance of `address`.
    public func setBalance(_ address: Address, _ amount: UInt64) { balances[address.bytes] = amount }

    func transfer(to address: Address, amount: UInt64) -> Bool {
        guard balance(contract) >= amount else { return false }
        balances[contract.bytes] = balance(contract) - amount
        balances[address.bytes] = balance(address) + amount
        return true
    }

    func revert(_ message: [UInt8]) { revertMessage = message }
}
#endif
