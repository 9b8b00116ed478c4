/// The scrypt cost parameters of a keystore's key derivation.
///
/// Reading a keystore checks them against sane bounds before running scrypt, so
/// that a hostile file cannot make the wallet allocate more than about 1 GiB
/// (scrypt needs 128 · n · r bytes) or spin for minutes.
public struct ScryptParameters: Sendable, Hashable, CustomStringConvertible {
    /// CPU/memory cost: a power of two.
    public let n: Int
    /// Block size.
    public let r: Int
    /// Parallelism.
    public let p: Int

    /// What new keystores use: n = 2^17, r = 8, p = 1 (128 MiB).
    public static let standard = ScryptParameters(unchecked: 1 << 17, r: 8, p: 1)

    /// The smallest n accepted (2^10, for fast tests).
    public static let minimumN = 1 << 10
    /// The largest n accepted (2^20, 1 GiB with r = 8).
    public static let maximumN = 1 << 20
    /// The accepted block sizes.
    public static let allowedR = 1...8
    /// The accepted parallelism.
    public static let allowedP = 1...4

    /// Checked parameters. Values below `standard` are for tests: they make the
    /// password easier to guess.
    /// - Throws: `KeystoreError.parameterOutOfRange` naming `kdf.n`, `kdf.r` or `kdf.p`.
    public init(n: Int, r: Int, p: Int) throws(KeystoreError) {
        guard n >= Self.minimumN, n <= Self.maximumN, n & (n - 1) == 0 else {
            throw .parameterOutOfRange(field: "kdf.n", value: n, allowed: "a power of two from 2^10 to 2^20")
        }
        guard Self.allowedR.contains(r) else {
            throw .parameterOutOfRange(field: "kdf.r", value: r, allowed: "1 to 8")
        }
        guard Self.allowedP.contains(p) else {
            throw .parameterOutOfRange(field: "kdf.p", value: p, allowed: "1 to 4")
        }
        // scrypt itself requires n < 2^(16 r); only r = 1 can break it within the bounds above.
        guard r > 1 || n < 1 << 16 else {
            throw .parameterOutOfRange(field: "kdf.n", value: n, allowed: "below 2^16 when kdf.r is 1")
        }
        self.init(unchecked: n, r: r, p: p)
    }

    private init(unchecked n: Int, r: Int, p: Int) {
        self.n = n
        self.r = r
        self.p = p
    }

    /// The text form.
    public var description: String { "scrypt(n: \(n), r: \(r), p: \(p))" }
}
