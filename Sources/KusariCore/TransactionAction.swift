/// What a transaction does (docs/protocol.md 6.5): a plain transfer of `amount` to
/// `to`, or a contract deploy or call. Deploys and calls are *typed* transactions:
/// their encoding starts with a chain id of 0 (never a valid chain, so no transfer
/// is ever read as one) and a kind byte.
public enum TransactionAction: Hashable, Sendable {
    /// Moves `amount` to `to` (the only action of the original encoding, 6.1).
    case transfer
    /// Stores `code` (once per code hash) as a new contract at `to`, which is derived
    /// from the sender and nonce, moves `amount` to it, and runs its `init` method.
    case deploy(ContractDeploy)
    /// Moves `amount` to the contract at `to` and runs one of its methods.
    case call(ContractInvocation)
    /// An exchange transaction (docs/protocol.md 19): assets, markets, orders. It pays
    /// `fee` in KSR like a transfer; `amount` is 0.
    case exchange(ExchangeAction)
    /// A staking transaction (docs/protocol.md 20): validators, delegations, rewards. It
    /// pays `fee` in KSR like a transfer; `amount` is 0 (the body carries its amounts).
    case staking(StakingAction)

    /// The kind byte of a typed transaction (0 for a transfer, which has none).
    public var kind: UInt8 {
        switch self {
        case .transfer: return 0
        case .deploy: return TransactionKind.deploy
        case .call: return TransactionKind.call
        case .exchange(let e): return e.kind
        case .staking(let s): return s.kind
        }
    }

    /// The gas limit and price of a contract action (nil for a transfer).
    public var gas: GasTerms? {
        switch self {
        case .transfer, .exchange, .staking: return nil
        case .deploy(let d): return d.gas
        case .call(let c): return c.gas
        }
    }
}

/// The kind bytes of typed transactions. Kinds 1-15 are contracts; 16-31 are kept
/// for staking and 32-47 for assets and the exchange.
public enum TransactionKind {
    public static let deploy: UInt8 = 1
    public static let call: UInt8 = 2
}

/// The most gas a contract transaction may buy, and what it pays per unit. The
/// transaction's `fee` is `gasLimit x gasPrice`, reserved from the sender; what is
/// not used is refunded (docs/protocol.md 6.5).
public struct GasTerms: Hashable, Sendable {
    /// The most gas one transaction may buy.
    public static let maxGasLimit: UInt64 = 100_000_000
    /// The gas every contract transaction pays whatever happens (carrying it, storing it,
    /// checking it): 5,000 plus 16 per byte of its encoding. A transaction whose gas limit is
    /// below it is not a valid encoding.
    public static let intrinsicBase: UInt64 = 5_000
    public static let intrinsicPerByte: UInt64 = 16

    /// The intrinsic gas of a transaction of `encodedSize` bytes.
    public static func intrinsic(encodedSize: Int) -> UInt64 { intrinsicBase + intrinsicPerByte * UInt64(encodedSize) }
    public var limit: UInt64
    /// Base units per unit of gas.
    public var price: UInt64

    public init(limit: UInt64, price: UInt64) {
        self.limit = limit
        self.price = price
    }

    /// limit x price, or nil when it is over the supply cap.
    public var maxFee: UInt64? {
        let (fee, overflow) = limit.multipliedReportingOverflow(by: price)
        return overflow || fee > Amount.maxSupply ? nil : fee
    }
}

/// A deploy: the module's bytes and the arguments of its `init` method.
public struct ContractDeploy: Hashable, Sendable {
    /// The largest module in bytes.
    public static let maxCodeLength = 128 * 1024
    /// The smallest: a WebAssembly module's header (magic and version) alone is 8 bytes, so
    /// no deploy is shorter than the smallest transfer (147 bytes against 145).
    public static let minCodeLength = 8
    public var code: [UInt8]
    public var input: [UInt8]
    public var gas: GasTerms

    public init(code: [UInt8], input: [UInt8] = [], gas: GasTerms) {
        self.code = code
        self.input = input
        self.gas = gas
    }

    /// The code hash: SHA-256 of the module's bytes.
    public var codeHash: Hash256 { Hash256.sha256(code) }
}

/// A call of a contract's method with encoded arguments.
public struct ContractInvocation: Hashable, Sendable {
    /// The longest method name.
    public static let maxMethodLength = 64
    /// The longest encoded arguments (of a call or of a deploy's `init`).
    public static let maxInputLength = 64 * 1024
    public var method: String
    public var input: [UInt8]
    public var gas: GasTerms

    public init(method: String, input: [UInt8] = [], gas: GasTerms) {
        self.method = method
        self.input = input
        self.gas = gas
    }

    /// True for a name of 1-64 characters from `a-z`, `0-9` and `_`.
    public static func isValidMethod(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        return !utf8.isEmpty && utf8.count <= maxMethodLength
            && utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5f }
    }
}

extension AddressPayload {
    /// The address of the contract deployed by `deployer` with the transaction of
    /// nonce `nonce`: the first 20 bytes of SHA-256("KUSARI/CONTRACT" || deployer || nonce u64).
    public static func contract(deployer: AddressPayload, nonce: UInt64) -> AddressPayload {
        var w = ByteWriter(capacity: 43)
        w.writeBytes(Array("KUSARI/CONTRACT".utf8))
        w.writeBytes(deployer.bytes)
        w.writeUInt64(nonce)
        return Hash256.sha256(w.bytes).withUnsafeBytes { AddressPayload(unsafeBytes: UnsafeRawBufferPointer(rebasing: $0[0..<20])) }
    }
}

// MARK: - Typed encoding

extension Transaction {
    /// The chain id that marks a typed transaction's encoding.
    static let typedMarker: UInt32 = 0

    /// Writes a typed transaction's fields after the marker and kind (everything but the signature).
    func encodeTypedBody(to w: inout ByteWriter) {
        w.writeUInt32(Self.typedMarker)
        w.writeUInt8(action.kind)
        w.writeUInt32(chainId)
        w.writeBytes(publicKey.bytes)
        w.writeUInt64(nonce)
        switch action {
        case .transfer:
            break
        case .exchange(let e):
            w.writeUInt64(fee)
            e.encodeBody(to: &w, recipient: to)
        case .staking(let s):
            w.writeUInt64(fee)
            s.encodeBody(to: &w)
        case .deploy(let d):
            w.writeUInt64(amount)
            w.writeUInt64(d.gas.limit)
            w.writeUInt64(d.gas.price)
            w.writeLengthPrefixed(d.code)
            w.writeLengthPrefixed(d.input)
        case .call(let c):
            w.writeBytes(to.bytes)
            w.writeUInt64(amount)
            w.writeUInt64(c.gas.limit)
            w.writeUInt64(c.gas.price)
            w.writeLengthPrefixed(Array(c.method.utf8))
            w.writeLengthPrefixed(c.input)
        }
    }

    /// Reads a typed transaction after its marker (the kind byte comes next).
    static func decodeTyped(from r: inout ByteReader) throws(CanonicalDecodingError) -> Transaction {
        let kind = try r.readUInt8(field: "kind")
        guard kind == TransactionKind.deploy || kind == TransactionKind.call || ExchangeAction.kinds.contains(kind)
                || StakingAction.kinds.contains(kind) else {
            throw .invalid(field: "kind", reason: "unknown transaction kind \(kind)")
        }
        let chainId = try r.readUInt32(field: "chainId")
        guard chainId != typedMarker else { throw .invalid(field: "chainId", reason: "a typed transaction's chain id may not be 0") }
        let publicKey = PublicKey(validated: try r.readBytes(PublicKey.byteCount, field: "publicKey"))
        let nonce = try r.readUInt64(field: "nonce")
        if StakingAction.kinds.contains(kind) {
            let fee = try r.readUInt64(field: "fee", maximum: Amount.maxSupply)
            let action = try StakingAction.decodeBody(kind: kind, from: &r)
            let signature = Signature(validated: try r.readBytes(Signature.byteCount, field: "signature"))
            return Transaction(chainId: chainId, publicKey: publicKey, nonce: nonce, to: .zero, amount: 0, fee: fee,
                               memo: [], action: .staking(action), signature: signature)
        }
        if ExchangeAction.kinds.contains(kind) {
            let fee = try r.readUInt64(field: "fee", maximum: Amount.maxSupply)
            let (action, recipient) = try ExchangeAction.decodeBody(kind: kind, from: &r)
            let signature = Signature(validated: try r.readBytes(Signature.byteCount, field: "signature"))
            return Transaction(chainId: chainId, publicKey: publicKey, nonce: nonce, to: recipient, amount: 0, fee: fee,
                               memo: [], action: .exchange(action), signature: signature)
        }
        var to = AddressPayload.zero
        if kind == TransactionKind.call {
            to = AddressPayload(bytes: try r.readBytes(AddressPayload.byteCount, field: "to")) ?? .zero
        }
        let amount = try r.readUInt64(field: "amount", maximum: Amount.maxSupply)
        let gas = GasTerms(limit: try r.readUInt64(field: "gasLimit", maximum: GasTerms.maxGasLimit),
                           price: try r.readUInt64(field: "gasPrice", maximum: Amount.maxSupply))
        guard let fee = gas.maxFee else {
            throw .invalid(field: "gasPrice", reason: "gasLimit x gasPrice exceeds the 21,000,000 KSR supply cap")
        }
        let action: TransactionAction
        if kind == TransactionKind.deploy {
            let code = try r.readLengthPrefixed(field: "code", maximum: ContractDeploy.maxCodeLength)
            guard code.count >= ContractDeploy.minCodeLength else {
                throw .invalid(field: "code", reason: "\(code.count) bytes; a module is at least \(ContractDeploy.minCodeLength) (its header)")
            }
            let input = try r.readLengthPrefixed(field: "input", maximum: ContractInvocation.maxInputLength)
            action = .deploy(ContractDeploy(code: code, input: input, gas: gas))
            to = .contract(deployer: AddressPayload(publicKey: publicKey), nonce: nonce)
        } else {
            let methodBytes = try r.readLengthPrefixed(field: "method", maximum: ContractInvocation.maxMethodLength)
            let method = String(decoding: methodBytes, as: UTF8.self)
            guard ContractInvocation.isValidMethod(method), Array(method.utf8) == methodBytes else {
                throw .invalid(field: "method", reason: "a method name is 1-64 characters from a-z, 0-9 and _")
            }
            let input = try r.readLengthPrefixed(field: "input", maximum: ContractInvocation.maxInputLength)
            action = .call(ContractInvocation(method: method, input: input, gas: gas))
        }
        let signature = Signature(validated: try r.readBytes(Signature.byteCount, field: "signature"))
        let tx = Transaction(chainId: chainId, publicKey: publicKey, nonce: nonce, to: to, amount: amount, fee: fee,
                             memo: [], action: action, signature: signature)
        let intrinsic = GasTerms.intrinsic(encodedSize: tx.encodedSize)
        guard gas.limit >= intrinsic else {
            throw .invalid(field: "gasLimit", reason: "\(gas.limit) is below the \(intrinsic) gas a transaction of \(tx.encodedSize) bytes pays")
        }
        return tx
    }

    /// Builds and signs a contract deploy (`to` becomes the new contract's address).
    public init(chainId: UInt32, key: KeyPair, nonce: UInt64, deploy: ContractDeploy, amount: UInt64 = 0) throws(TransactionError) {
        guard deploy.code.count <= ContractDeploy.maxCodeLength else {
            throw .field("code", "is \(deploy.code.count) bytes, at most \(ContractDeploy.maxCodeLength) allowed")
        }
        guard deploy.code.count >= ContractDeploy.minCodeLength else {
            throw .field("code", "is \(deploy.code.count) bytes; a module is at least \(ContractDeploy.minCodeLength) (its header)")
        }
        try self.init(chainId: chainId, key: key, nonce: nonce,
                      to: .contract(deployer: AddressPayload(publicKey: key.publicKey), nonce: nonce),
                      amount: amount, action: .deploy(deploy))
    }

    /// Builds and signs a call of `contract`.
    public init(chainId: UInt32, key: KeyPair, nonce: UInt64, contract: AddressPayload, call: ContractInvocation,
                amount: UInt64 = 0) throws(TransactionError) {
        guard ContractInvocation.isValidMethod(call.method) else {
            throw .field("method", "\"\(call.method)\" is not 1-64 characters from a-z, 0-9 and _")
        }
        try self.init(chainId: chainId, key: key, nonce: nonce, to: contract, amount: amount, action: .call(call))
    }

    /// Builds and signs an exchange transaction paying `fee`. `to` is who a create, mint or
    /// transfer credits (nil: the sender); other actions have no recipient. Refuses what the
    /// decoder would refuse.
    public init(chainId: UInt32, key: KeyPair, nonce: UInt64, exchange: ExchangeAction, fee: UInt64,
                to: AddressPayload? = nil) throws(TransactionError) {
        guard chainId != Self.typedMarker else { throw .field("chainId", "may not be 0") }
        guard fee <= Amount.maxSupply else { throw .field("fee", "exceeds the 21,000,000 KSR supply cap") }
        var recipient = AddressPayload.zero
        switch exchange {
        case .createAsset, .mintAsset, .transferAsset: recipient = to ?? AddressPayload(publicKey: key.publicKey)
        default: break
        }
        self.init(chainId: chainId, publicKey: key.publicKey, nonce: nonce, to: recipient, amount: 0, fee: fee, memo: [],
                  action: .exchange(exchange), signature: Signature(validated: [UInt8](repeating: 0, count: Signature.byteCount)))
        // The decoder's checks, so that a built transaction always decodes.
        var w = ByteWriter(capacity: exchange.bodySize)
        exchange.encodeBody(to: &w, recipient: recipient)
        var r = ByteReader(w.bytes)
        do { _ = try ExchangeAction.decodeBody(kind: exchange.kind, from: &r) } catch { throw .decoding(error) }
        do { self.signature = try key.sign(signingPayload) } catch { throw .field("signature", error.description) }
    }

    private init(chainId: UInt32, key: KeyPair, nonce: UInt64, to: AddressPayload, amount: UInt64,
                 action: TransactionAction) throws(TransactionError) {
        guard chainId != Self.typedMarker else { throw .field("chainId", "may not be 0") }
        guard amount <= Amount.maxSupply else { throw .field("amount", "exceeds the 21,000,000 KSR supply cap") }
        guard let gas = action.gas, gas.limit <= GasTerms.maxGasLimit else {
            throw .field("gasLimit", "at most \(GasTerms.maxGasLimit)")
        }
        guard let fee = gas.maxFee else { throw .field("gasPrice", "gasLimit x gasPrice exceeds the 21,000,000 KSR supply cap") }
        let input: [UInt8]
        switch action {
        case .deploy(let d): input = d.input
        case .call(let c): input = c.input
        case .transfer, .exchange, .staking: input = []
        }
        guard input.count <= ContractInvocation.maxInputLength else {
            throw .field("input", "is \(input.count) bytes, at most \(ContractInvocation.maxInputLength) allowed")
        }
        self.init(chainId: chainId, publicKey: key.publicKey, nonce: nonce, to: to, amount: amount, fee: fee, memo: [],
                  action: action, signature: Signature(validated: [UInt8](repeating: 0, count: Signature.byteCount)))
        let intrinsic = GasTerms.intrinsic(encodedSize: encodedSize)
        guard gas.limit >= intrinsic else {
            throw .field("gasLimit", "\(gas.limit) is below the \(intrinsic) gas a transaction of \(encodedSize) bytes pays")
        }
        do { self.signature = try key.sign(signingPayload) } catch { throw .field("signature", error.description) }
    }
}
