/// A 20-byte account or contract address (the payload of a bech32m address; the node shows
/// it as `ksr1...`). Equal bytes, equal address.
public struct Address: Equatable, Comparable, Sendable, ContractCodable {
    /// The 20 bytes.
    public let bytes: [UInt8]

    /// The all-zero address.
    public static let zero = Address(uncheckedBytes: [UInt8](repeating: 0, count: 20))

    /// An address from exactly 20 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        self.bytes = bytes
    }

    init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }

    /// An address whose 20 bytes a host function writes into a buffer.
    static func reading(_ body: (UnsafeMutableRawPointer?) -> Void) -> Address {
        let bytes = [UInt8](unsafeUninitializedCapacity: 20) { buffer, initialized in
            buffer.initialize(repeating: 0)
            body(UnsafeMutableRawPointer(buffer.baseAddress))
            initialized = 20
        }
        return Address(uncheckedBytes: bytes)
    }

    func withBytes<R>(_ body: (UnsafeRawPointer?) -> R) -> R {
        bytes.withUnsafeBytes { body($0.baseAddress) }
    }

    public static func < (a: Address, b: Address) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    public func encode(to writer: inout ArgumentWriter) { writer.writeAddress(self) }
    public static func decode(from reader: inout ArgumentReader) throws(Revert) -> Address { try reader.readAddress() }
}
