import KusariCore
import KusariJSON

extension JSON {
    /// Lowercase hex of `bytes`, as every byte string in the suite is written.
    static func hex(_ bytes: [UInt8]) -> JSON { .string(Hex.encode(bytes)) }

    /// An array of hex strings.
    static func hexList(_ items: [[UInt8]]) -> JSON { .array(items.map(hex)) }
}
