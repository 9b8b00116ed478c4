/// The error a contract method throws to revert: the call ends, everything it did is undone
/// (storage, transfers, events, messages) and the caller sees `message`. Only the gas used
/// is charged.
public struct Revert: Error, Equatable, Sendable {
    /// The UTF-8 message the caller sees.
    public let message: [UInt8]

    /// A revert with a literal message.
    public init(_ message: StaticString) {
        self.message = Array(UnsafeBufferPointer(start: message.utf8Start, count: message.utf8CodeUnitCount))
    }

    /// A revert with message bytes (UTF-8).
    public init(bytes: [UInt8]) { self.message = bytes }

    /// Arguments that do not decode, or are left over.
    public static let invalidArguments = Revert("invalid arguments")
    /// A transfer larger than the contract's balance.
    public static let insufficientFunds = Revert("insufficient contract balance")
}

/// Reverts with `message` unless `condition` holds.
@inline(__always)
public func require(_ condition: Bool, _ message: StaticString) throws(Revert) {
    if !condition { throw Revert(message) }
}
