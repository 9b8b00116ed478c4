/// The state of one account: its balance in base units and the nonce its next
/// transaction must carry. An account with zero balance and zero nonce is the
/// same as no account: it is absent from the state tree.
public struct Account: Hashable, Sendable, Codable {
    public var balance: UInt64
    public var nonce: UInt64

    public init(balance: UInt64 = 0, nonce: UInt64 = 0) {
        self.balance = balance
        self.nonce = nonce
    }

    /// The account of an address never seen.
    public static let empty = Account()

    public var isEmpty: Bool { balance == 0 && nonce == 0 }
}
