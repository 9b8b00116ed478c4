import KusariCore
import KusariJSON

/// `headers.json`: block headers field by field with their encoding and id, and
/// refused header encodings with the node's message.
enum HeaderVectors {
    static func make() throws(ConformanceError) -> [(String, JSON)] {
        var rng = SplitMix64(seed: 0x6b75_7361_7269_0007)
        var headers: [(String, BlockHeader)] = [
            ("the genesis of docs/protocol.md 15.2", BlockHeader(
                height: 0, previousId: .zero, merkleRoot: MerkleTree.emptyRoot,
                stateRoot: try hash("cb50f5ce2eeaa5aca160f10ff092061524e961c3686c108ca807b574cff5c7c0"),
                timestamp: 1_764_000_000, bits: 0x207fffff, beneficiary: .zero, nonce: 0)),
            ("every field at its largest value", BlockHeader(
                height: .max, previousId: max32, merkleRoot: max32, stateRoot: max32, timestamp: .max, bits: .max,
                beneficiary: AddressPayload(bytes: [UInt8](repeating: 0xff, count: 20)) ?? .zero, nonce: .max)),
        ]
        for i in 0..<6 {
            headers.append(("pseudo-random fields \(i)", BlockHeader(
                height: rng.next() >> 20, previousId: hashFrom(&rng), merkleRoot: hashFrom(&rng),
                stateRoot: hashFrom(&rng), timestamp: rng.next() >> 30, bits: UInt32(truncatingIfNeeded: rng.next()),
                beneficiary: rng.payload(), nonce: rng.next())))
        }
        let valid: [JSON] = headers.map { json($0.0, $0.1) }
        let bytes = headers[0].1.encoded
        var invalid: [JSON] = []
        func bad(_ d: String, _ b: [UInt8]) throws(ConformanceError) {
            guard let e = decodingError(b, as: BlockHeader.self) else { throw .generation("header '\(d)' is valid") }
            invalid.append(.object([("description", .string(d)), ("hex", .hex(b)), ("field", .string(e.field)),
                                    ("error", .string(e.description))]))
        }
        try bad("version 0", [0, 0, 0, 0] + bytes.dropFirst(4))
        try bad("version 3", [0, 0, 0, 3] + bytes.dropFirst(4))
        try bad("version 2^32 - 1", [0xff, 0xff, 0xff, 0xff] + bytes.dropFirst(4))
        for (cut, inside) in [(0, "version"), (2, "version"), (4, "height"), (12, "previousId"), (44, "merkleRoot"),
                              (76, "stateRoot"), (108, "timestamp"), (116, "bits"), (120, "beneficiary"),
                              (140, "nonce"), (147, "nonce")] {
            try bad("truncated after \(cut) bytes, inside \(inside)", Array(bytes.prefix(cut)))
        }
        try bad("149 bytes: one trailing byte", bytes + [0])
        return [("valid", .array(valid)), ("invalid", .array(invalid))]
    }

    static let max32 = Hash256(bytes: [UInt8](repeating: 0xff, count: 32)) ?? .zero

    static func hash(_ s: String) throws(ConformanceError) -> Hash256 {
        do { return try Hash256(hex: s) } catch { throw .generation("hash \(s)") }
    }

    static func hashFrom(_ rng: inout SplitMix64) -> Hash256 { Hash256(bytes: rng.bytes(32)) ?? .zero }

    /// A header's fields, encoding and id.
    static func fields(_ h: BlockHeader) -> [(String, JSON)] {
        [
            ("version", .uint(UInt64(h.version))),
            ("height", .uint(h.height)),
            ("previousId", .string(h.previousId.hex)),
            ("merkleRoot", .string(h.merkleRoot.hex)),
            ("stateRoot", .string(h.stateRoot.hex)),
            ("timestamp", .uint(h.timestamp)),
            ("bits", .uint(UInt64(h.bits))),
            ("beneficiary", .string(h.beneficiary.hex)),
            ("nonce", .uint(h.nonce)),
        ]
    }

    static func json(_ description: String, _ h: BlockHeader) -> JSON {
        .object([("description", .string(description))] + fields(h) + [("hex", .hex(h.encoded)), ("id", .string(h.id.hex))])
    }
}

/// The canonical decoder's error for `bytes`, or nil when they decode.
func decodingError<T: CanonicalDecodable>(_ bytes: [UInt8], as type: T.Type) -> CanonicalDecodingError? {
    do { _ = try T(decoding: bytes); return nil } catch { return error }
}
