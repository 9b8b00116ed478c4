/// What a keystore encrypts: the BIP-39 entropy (from which the phrase can be
/// shown again) and the 64-byte seed (which also covers the BIP-39 passphrase,
/// so the passphrase is never stored).
///
/// Layout: format byte 1, entropy length E (16 to 32), E bytes of entropy, 64 bytes
/// of seed. The phrase itself is never written, not even encrypted.
struct KeystorePayload: Sendable {
    /// The payload layout version.
    static let format: UInt8 = 1
    /// The shortest payload (16 bytes of entropy).
    static let minByteCount = 2 + 16 + Mnemonic.seedByteCount
    /// The longest payload (32 bytes of entropy).
    static let maxByteCount = 2 + 32 + Mnemonic.seedByteCount

    /// BIP-39 entropy.
    let entropy: [UInt8]
    /// BIP-39 seed.
    let seed: [UInt8]

    /// The bytes to encrypt.
    var bytes: [UInt8] { [Self.format, UInt8(entropy.count)] + entropy + seed }

    init(entropy: [UInt8], seed: [UInt8]) {
        self.entropy = entropy
        self.seed = seed
    }

    /// Reads decrypted bytes. Only a faulty writer could produce a bad payload,
    /// since the bytes are authenticated.
    init(bytes: [UInt8]) throws(KeystoreError) {
        guard bytes.count >= 2, bytes[0] == Self.format else {
            throw .corrupted(field: "ciphertext", reason: "unknown payload format")
        }
        let entropyCount = Int(bytes[1])
        guard Mnemonic.allowedEntropyByteCounts.contains(entropyCount),
              bytes.count == 2 + entropyCount + Mnemonic.seedByteCount else {
            throw .corrupted(field: "ciphertext", reason: "payload has the wrong length")
        }
        entropy = Array(bytes[2..<(2 + entropyCount)])
        seed = Array(bytes[(2 + entropyCount)...])
    }
}
