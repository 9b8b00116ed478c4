import KusariCore

/// The state a contract call reads and writes, implemented by the ledger (over the
/// authenticated state tree) and, for tests, by ``InMemoryContractHost``.
///
/// The runtime brackets every call with ``checkpoint()`` and either ``commit(_:)`` (the call
/// succeeded) or ``rollback(to:)`` (it reverted, trapped or ran out of gas), so a failing call
/// leaves no trace. Checkpoints nest: a message run after its caller returns takes a
/// checkpoint of its own inside the caller's, which is how calls between contracts will be
/// all-or-nothing as a whole.
///
/// Keys and values are bytes; the runtime has already checked their sizes against
/// ``ContractLimits`` before calling. Storage is per contract.
public protocol ContractHost: AnyObject {
    /// The value stored under `key` by `contract`, or nil.
    func storageGet(_ contract: AddressPayload, key: [UInt8]) -> [UInt8]?
    /// Stores `value` under `key` for `contract`.
    func storageSet(_ contract: AddressPayload, key: [UInt8], value: [UInt8])
    /// Removes `key` of `contract`; true when it was present.
    func storageRemove(_ contract: AddressPayload, key: [UInt8]) -> Bool
    /// The smallest key of `contract` that starts with `prefix` and sorts (bytewise) after
    /// `after`, or after nothing when `after` is nil; nil when there is none.
    func storageNext(_ contract: AddressPayload, prefix: [UInt8], after: [UInt8]?) -> [UInt8]?
    /// How many entries the last ``storageNext(_:prefix:after:)`` examined (at least 1);
    /// `storage_next` charges ``GasSchedule/storageScan`` for each.
    var entriesExaminedByLastNext: Int { get }
    /// The KSR balance of `address` in units.
    func balance(of address: AddressPayload) -> UInt64
    /// Moves `amount` units from `from` to `to`; false (and nothing moved) when `from` holds less.
    func transfer(from: AddressPayload, to: AddressPayload, amount: UInt64) -> Bool
    /// Marks the current state; returns a token (unique among open checkpoints) for
    /// ``commit(_:)`` or ``rollback(to:)``.
    func checkpoint() -> Int
    /// Keeps everything done since `checkpoint` (it becomes part of the enclosing checkpoint, if any).
    func commit(_ checkpoint: Int)
    /// Undoes everything done since `checkpoint`.
    func rollback(to checkpoint: Int)
    /// What the runtime kept of the code `hash` after an earlier call on this host (for the
    /// ledger: a call earlier in the same block), or nil. Opaque to the host; whether a call
    /// finds it decides the call's entry price (``GasSchedule/entryCost(of:loaded:)``).
    func loadedCode(_ hash: Hash256) -> AnyObject?
    /// Keeps (nil: forgets) what the runtime loaded of the code `hash`.
    func setLoadedCode(_ hash: Hash256, _ value: AnyObject?)
    /// How many codes are kept.
    var loadedCodeCount: Int { get }
}

extension ContractHost {
    /// A host whose scans cost the same whatever they hold (the in-memory host of tests).
    public var entriesExaminedByLastNext: Int { 1 }
}

/// The block a call runs in.
public struct BlockContext: Sendable, Equatable {
    /// The block's height.
    public var height: UInt64
    /// The block's timestamp (seconds since 1970).
    public var time: Int64

    /// A block context.
    public init(height: UInt64, time: Int64) {
        self.height = height
        self.time = time
    }
}

/// One call of a contract method.
public struct ContractCall: Sendable, Equatable {
    /// The contract's address.
    public var contract: AddressPayload
    /// Who calls: an account, or a contract when the call is a message.
    public var caller: AddressPayload
    /// The exported method to run.
    public var method: String
    /// The encoded arguments (docs/protocol.md 18.3).
    public var input: [UInt8]
    /// KSR units moved from the caller to the contract before the method runs (undone with
    /// the call when it fails).
    public var value: UInt64
    /// The most gas the call may use.
    public var gasLimit: UInt64

    /// A call; `input` is the encoded arguments.
    public init(contract: AddressPayload, caller: AddressPayload, method: String, input: [UInt8] = [],
                value: UInt64 = 0, gasLimit: UInt64) {
        self.contract = contract
        self.caller = caller
        self.method = method
        self.input = input
        self.value = value
        self.gasLimit = gasLimit
    }
}

/// An event a successful call emitted.
public struct ContractEvent: Sendable, Equatable {
    /// The emitting contract.
    public let contract: AddressPayload
    /// The topic (for example `transfer`).
    public let topic: [UInt8]
    /// The data, usually in the argument encoding.
    public let data: [UInt8]

    /// An event.
    public init(contract: AddressPayload, topic: [UInt8], data: [UInt8]) {
        self.contract = contract
        self.topic = topic
        self.data = data
    }
}

/// A call a contract queued, to run after it returns (and only if it succeeded). The ledger
/// runs messages in order, each as a call whose caller is the sending contract.
public struct ContractMessage: Sendable, Equatable {
    /// The sending contract (the message's caller).
    public let sender: AddressPayload
    /// The contract to call.
    public let contract: AddressPayload
    /// The method to run.
    public let method: String
    /// The encoded arguments.
    public let input: [UInt8]
    /// KSR units attached, moved from the sender.
    public let value: UInt64

    /// A message.
    public init(sender: AddressPayload, contract: AddressPayload, method: String, input: [UInt8], value: UInt64) {
        self.sender = sender
        self.contract = contract
        self.method = method
        self.input = input
        self.value = value
    }
}
