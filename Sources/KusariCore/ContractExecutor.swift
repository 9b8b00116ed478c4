/// Runs contract transactions while a block is applied. KusariCore has no
/// WebAssembly runtime: whoever applies blocks (the chain, given one by the node)
/// passes an executor (KusariContracts' `ContractEngine`); without one a block with
/// a deploy or call is refused.
public protocol ContractExecutor: AnyObject, Sendable {
    /// Runs the deploy or call `tx` on `ledger`, all or nothing: on success its writes
    /// stay, on any failure none do (the executor checkpoints and rolls back). The sender
    /// has already paid the maximum fee and used its nonce; the executor moves `amount`
    /// itself. It may use at most `gasLimit` (the transaction's limit less its intrinsic
    /// gas), and `gasUsed` in the receipt is what it used of that.
    func execute(_ tx: Transaction, id: Hash256, gasLimit: UInt64, ledger: LedgerWorkspace,
                 block: BlockEnvironment) -> ContractReceipt
}

/// The block a transaction runs in.
public struct BlockEnvironment: Hashable, Sendable {
    public var height: UInt64
    /// The header's timestamp (Unix seconds).
    public var time: UInt64

    public init(height: UInt64, time: UInt64) {
        self.height = height
        self.time = time
    }
}

/// What a contract transaction did: kept by nodes beside the block, shown by the API
/// and the explorer. Not part of any hash.
public struct ContractReceipt: Hashable, Sendable {
    /// The transaction.
    public var transaction: Hash256
    /// The contract deployed or called.
    public var contract: AddressPayload
    /// Gas used, at most the limit; the sender pays `gasUsed x gasPrice`.
    public var gasUsed: UInt64
    /// Nil on success; else why the transaction failed (its writes were undone).
    public var failure: String?
    /// The events emitted, in order (none when it failed).
    public var events: [ReceiptEvent]
    /// The bytes the method returned (empty when it failed).
    public var output: [UInt8]

    public init(transaction: Hash256, contract: AddressPayload, gasUsed: UInt64, failure: String?,
                events: [ReceiptEvent], output: [UInt8]) {
        self.transaction = transaction
        self.contract = contract
        self.gasUsed = gasUsed
        self.failure = failure
        self.events = events
        self.output = output
    }

    public var succeeded: Bool { failure == nil }
}

/// An event a successful contract call emitted.
public struct ReceiptEvent: Hashable, Sendable {
    public var contract: AddressPayload
    public var topic: [UInt8]
    public var data: [UInt8]

    public init(contract: AddressPayload, topic: [UInt8], data: [UInt8]) {
        self.contract = contract
        self.topic = topic
        self.data = data
    }
}

extension ContractReceipt: CanonicalCodable {
    /// The most events a receipt holds (a decoding bound): 64 per call, for the call and up
    /// to 64 messages.
    static let maxEvents = 65 * 64
    /// The longest failure text a receipt holds (a revert message is at most 64 KiB).
    static let maxFailureLength = 1 << 17

    public func encode(to w: inout ByteWriter) {
        w.writeHash(transaction)
        w.writeBytes(contract.bytes)
        w.writeUInt64(gasUsed)
        w.writeLengthPrefixed(Array((failure ?? "").utf8.prefix(Self.maxFailureLength)))
        w.writeUInt8(failure == nil ? 1 : 0)
        w.writeVarUInt(UInt64(events.count))
        for e in events {
            w.writeBytes(e.contract.bytes)
            w.writeLengthPrefixed(e.topic)
            w.writeLengthPrefixed(e.data)
        }
        w.writeLengthPrefixed(output)
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        transaction = try r.readHash(field: "receipt.transaction")
        contract = AddressPayload(bytes: try r.readBytes(20, field: "receipt.contract")) ?? .zero
        gasUsed = try r.readUInt64(field: "receipt.gasUsed")
        let reason = String(decoding: try r.readLengthPrefixed(field: "receipt.failure", maximum: Self.maxFailureLength), as: UTF8.self)
        let ok = try r.readUInt8(field: "receipt.succeeded")
        guard ok <= 1 else { throw .invalid(field: "receipt.succeeded", reason: "must be 0 or 1") }
        failure = ok == 1 ? nil : reason
        let count = try r.readVarUInt(field: "receipt.events", maximum: UInt64(Self.maxEvents))
        var events: [ReceiptEvent] = []
        for i in 0..<Int(count) {
            let c = AddressPayload(bytes: try r.readBytes(20, field: "receipt.events[\(i)].contract")) ?? .zero
            let topic = try r.readLengthPrefixed(field: "receipt.events[\(i)].topic", maximum: 1024)
            let data = try r.readLengthPrefixed(field: "receipt.events[\(i)].data", maximum: 1 << 20)
            events.append(ReceiptEvent(contract: c, topic: topic, data: data))
        }
        self.events = events
        output = try r.readLengthPrefixed(field: "receipt.output", maximum: 1 << 20)
    }
}
