/// Why a block hash does not prove the work its header claims.
public enum ProofOfWorkError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The header's compact bits are not a valid target.
    case invalidBits(CompactTargetError)
    /// The target is easier than the network allows.
    case targetAboveLimit(bits: UInt32, powLimit: UInt256)
    /// The hash, read as a number, is greater than the target.
    case hashAboveTarget(hash: UInt256, target: UInt256)
    /// The hash is not 32 bytes long.
    case wrongHashLength(Int)

    /// A sentence a user can act on.
    public var description: String {
        switch self {
        case .invalidBits(let error):
            return error.description
        case .targetAboveLimit(let bits, let powLimit):
            return "target \(HexDigits.bits(bits)) is easier than the network's limit \(HexDigits.bits(CompactTarget.encode(powLimit)))"
        case .hashAboveTarget(let hash, let target):
            return "hash \(hash.hexString) is above the target \(target.hexString)"
        case .wrongHashLength(let count):
            return "a block hash is 32 bytes, got \(count)"
        }
    }
}

/// The proof-of-work check: a block's hash, read as a 256-bit number, must not exceed the
/// target its header's compact bits encode.
///
/// Two byte orders exist and the functions are named for them:
/// - Bitcoin reads the raw SHA-256d output as a **little-endian** number (its `uint256`),
///   which is why Bitcoin hashes are displayed byte-reversed with leading zeros;
/// - Kusari reads its block ids as **big-endian** numbers, so a block id's hex is also
///   its numeric value.
public enum ProofOfWork {
    /// Whether a 32-byte hash read as a big-endian number is `<= target` (Kusari's
    /// convention). A hash of any other length never meets a target.
    public static func meetsTarget(bigEndianHash hash: some Collection<UInt8>, target: UInt256) -> Bool {
        guard let number = UInt256(bigEndianBytes: hash) else { return false }
        return number <= target
    }

    /// Whether a 32-byte hash read as a little-endian number is `<= target` (Bitcoin's
    /// convention for raw SHA-256d output). A hash of any other length never meets a target.
    public static func meetsTarget(littleEndianHash hash: some Collection<UInt8>, target: UInt256) -> Bool {
        guard let number = UInt256(littleEndianBytes: hash) else { return false }
        return number <= target
    }

    /// Decodes `bits` and checks the result against `powLimit`, as the first half of
    /// Bitcoin Core's `CheckProofOfWork` does.
    public static func target(bits: UInt32, powLimit: UInt256) throws(ProofOfWorkError) -> UInt256 {
        let target: UInt256
        do {
            target = try CompactTarget.decode(bits)
        } catch {
            throw .invalidBits(error)
        }
        if target > powLimit { throw .targetAboveLimit(bits: bits, powLimit: powLimit) }
        return target
    }

    /// Bitcoin Core's `CheckProofOfWork` for a hash read big-endian (Kusari block ids).
    /// Returns the target that was met.
    @discardableResult
    public static func check(bigEndianHash hash: some Collection<UInt8>, bits: UInt32, powLimit: UInt256) throws(ProofOfWorkError) -> UInt256 {
        guard let number = UInt256(bigEndianBytes: hash) else { throw .wrongHashLength(hash.count) }
        return try check(number: number, bits: bits, powLimit: powLimit)
    }

    /// Bitcoin Core's `CheckProofOfWork` for a hash read little-endian (raw SHA-256d output
    /// of a Bitcoin header). Returns the target that was met.
    @discardableResult
    public static func check(littleEndianHash hash: some Collection<UInt8>, bits: UInt32, powLimit: UInt256) throws(ProofOfWorkError) -> UInt256 {
        guard let number = UInt256(littleEndianBytes: hash) else { throw .wrongHashLength(hash.count) }
        return try check(number: number, bits: bits, powLimit: powLimit)
    }

    private static func check(number: UInt256, bits: UInt32, powLimit: UInt256) throws(ProofOfWorkError) -> UInt256 {
        let target = try target(bits: bits, powLimit: powLimit)
        if number > target { throw .hashAboveTarget(hash: number, target: target) }
        return target
    }
}
