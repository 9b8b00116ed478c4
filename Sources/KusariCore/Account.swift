/// The state of one account: its balance in base units, the nonce its next
/// transaction must carry and, for a contract, its code hash and the root of its
/// storage. An account with zero balance, zero nonce and no code is the same as
/// no account: it is absent from the state tree.
public struct Account: Hashable, Sendable {
    public var balance: UInt64
    public var nonce: UInt64
    /// The hash of the contract's code; nil for an account that is not a contract.
    public var codeHash: Hash256?
    /// The root of the contract's storage tree (``StorageTree``); zero when it is empty
    /// or the account is not a contract.
    public var storageRoot: Hash256

    public init(balance: UInt64 = 0, nonce: UInt64 = 0, codeHash: Hash256? = nil, storageRoot: Hash256 = .zero) {
        self.balance = balance
        self.nonce = nonce
        self.codeHash = codeHash
        self.storageRoot = storageRoot
    }

    /// The account of an address never seen.
    public static let empty = Account()

    public var isEmpty: Bool { balance == 0 && nonce == 0 && codeHash == nil }

    /// True for a contract's account.
    public var isContract: Bool { codeHash != nil }
}

extension Account: CompactTreeValue {
    /// The leaf of docs/protocol.md 10.2: SHA-256(0x00 || key || balance || nonce) for an
    /// account without code, SHA-256(0x02 || key || balance || nonce || codeHash ||
    /// storageRoot) for a contract.
    public static func leafHash(key: AddressPayload, value account: Account) -> Hash256 {
        guard let code = account.codeHash else {
            return withUnsafeTemporaryAllocation(byteCount: 37, alignment: 8) { buffer in
                buffer[0] = 0x00
                buffer.storeBytes(of: key, toByteOffset: 1, as: AddressPayload.self)
                buffer.storeBytes(of: account.balance.bigEndian, toByteOffset: 21, as: UInt64.self)
                buffer.storeBytes(of: account.nonce.bigEndian, toByteOffset: 29, as: UInt64.self)
                return Hash256.sha256(UnsafeRawBufferPointer(buffer))
            }
        }
        return withUnsafeTemporaryAllocation(byteCount: 101, alignment: 8) { buffer in
            buffer[0] = 0x02
            buffer.storeBytes(of: key, toByteOffset: 1, as: AddressPayload.self)
            buffer.storeBytes(of: account.balance.bigEndian, toByteOffset: 21, as: UInt64.self)
            buffer.storeBytes(of: account.nonce.bigEndian, toByteOffset: 29, as: UInt64.self)
            buffer.storeBytes(of: code, toByteOffset: 37, as: Hash256.self)
            buffer.storeBytes(of: account.storageRoot, toByteOffset: 69, as: Hash256.self)
            return Hash256.sha256(UnsafeRawBufferPointer(buffer))
        }
    }
}

extension AddressPayload: CompactTreeKey {
    public static var bitCount: Int { 160 }
}

extension Hash256: CompactTreeKey {
    public static var bitCount: Int { 256 }

    /// Bit `index` (0...255), counting from the most significant bit of the first byte.
    @inlinable
    public func bit(_ index: Int) -> Bool {
        let word: UInt64
        switch index >> 6 {
        case 0: word = w0
        case 1: word = w1
        case 2: word = w2
        default: word = w3
        }
        return (UInt64(bigEndian: word) >> UInt64(63 - (index & 63))) & 1 == 1
    }
}
