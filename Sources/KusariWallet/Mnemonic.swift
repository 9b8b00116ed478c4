import Crypto
import CryptoExtras
import Foundation

/// A BIP-39 mnemonic phrase: 12 to 24 words that encode 128 to 256 bits of entropy
/// and a checksum, and from which the 64-byte wallet seed is derived.
///
/// The value holds secrets; its `description` names only the word count and
/// language, so that logging a `Mnemonic` cannot leak it.
public struct Mnemonic: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The word counts BIP-39 allows.
    public static let allowedWordCounts = [12, 15, 18, 21, 24]
    /// The entropy lengths in bytes BIP-39 allows (one per word count).
    public static let allowedEntropyByteCounts = [16, 20, 24, 28, 32]
    /// PBKDF2-HMAC-SHA512 iterations for the seed.
    static let seedRounds = 2048
    /// The seed length in bytes.
    public static let seedByteCount = 64

    /// The language of the words.
    public let language: MnemonicLanguage
    /// The entropy the words encode (16 to 32 bytes).
    public let entropy: [UInt8]
    /// The words as the standard list spells them.
    public let words: [String]

    /// A new phrase of `wordCount` words from the system's secure random generator.
    /// - Throws: `MnemonicError.wrongWordCount` unless `wordCount` is 12, 15, 18, 21 or 24.
    public init(wordCount: Int = 24, language: MnemonicLanguage = .english) throws(MnemonicError) {
        guard Self.allowedWordCounts.contains(wordCount) else { throw .wrongWordCount(wordCount) }
        var generator = SystemRandomNumberGenerator()
        try self.init(entropy: SecureRandom.bytes(wordCount / 3 * 4, using: &generator), language: language)
    }

    /// The phrase for `entropy` (16, 20, 24, 28 or 32 bytes).
    public init(entropy: [UInt8], language: MnemonicLanguage = .english) throws(MnemonicError) {
        guard Self.allowedEntropyByteCounts.contains(entropy.count) else {
            throw .wrongEntropyLength(entropy.count)
        }
        let list = language.wordList
        let bits = BitString(bytes: entropy + [Self.checksumByte(of: entropy)])
        let wordCount = entropy.count * 8 * 33 / 32 / 11
        self.language = language
        self.entropy = entropy
        self.words = (0..<wordCount).map { list.words[bits.value(at: $0 * 11, width: 11)] }
    }

    /// Reads and checks a phrase.
    ///
    /// Words may be separated by any whitespace (spaces, tabs, newlines, the
    /// ideographic space U+3000); each word is NFKD-normalised before it is looked
    /// up, so composed and decomposed forms are both accepted.
    /// - Parameter language: the phrase's language; nil to choose the first
    ///   language whose list holds any of the words (the lists share no word).
    /// - Throws: `MnemonicError` naming the word count, the first unknown word and
    ///   its 1-based position, or a checksum that does not match.
    public init(phrase: String, language: MnemonicLanguage? = nil) throws(MnemonicError) {
        let given = phrase.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let language = language ?? MnemonicLanguage.allCases.first(where: { candidate in
            given.contains { candidate.wordList.index(of: $0) != nil }
        }) ?? .english
        let list = language.wordList
        var indices: [Int] = []
        indices.reserveCapacity(given.count)
        for (i, word) in given.enumerated() {
            guard let index = list.index(of: word) else {
                throw .unknownWord(word: word, position: i + 1, language: language)
            }
            indices.append(index)
        }
        guard Self.allowedWordCounts.contains(given.count) else { throw .wrongWordCount(given.count) }

        var bits = BitString(bitCount: indices.count * 11)
        for (i, index) in indices.enumerated() { bits.set(index, at: i * 11, width: 11) }
        let entropyBits = indices.count * 11 * 32 / 33
        let checksumBits = indices.count * 11 - entropyBits
        let entropy = Array(bits.bytes.prefix(entropyBits / 8))
        let expected = Int(Self.checksumByte(of: entropy)) >> (8 - checksumBits)
        guard bits.value(at: entropyBits, width: checksumBits) == expected else { throw .checksumMismatch }
        try self.init(entropy: entropy, language: language)
    }

    /// The words joined as BIP-39 says: by a space, or for Japanese by U+3000.
    public var phrase: String { words.joined(separator: language.separator) }

    /// The number of words.
    public var wordCount: Int { words.count }

    /// The 64-byte BIP-39 seed: PBKDF2-HMAC-SHA512 with 2048 rounds over the NFKD
    /// form of `phrase`, salted with "mnemonic" followed by the NFKD form of
    /// `passphrase` (empty when the wallet has none).
    public func seed(passphrase: String = "") throws(MnemonicError) -> [UInt8] {
        let password = Array(phrase.nfkd.utf8)
        let salt = Array(("mnemonic" + passphrase.nfkd).utf8)
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: password, salt: salt, using: .sha512,
                outputByteCount: Self.seedByteCount, unsafeUncheckedRounds: Self.seedRounds)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .seedDerivationFailed(String(describing: error))
        }
    }

    /// Names the word count and language only: the words are secret.
    public var description: String { "Mnemonic(\(words.count) \(language.rawValue) words)" }
    /// Same as `description`: the words are secret.
    public var debugDescription: String { description }

    /// The first byte of SHA-256(entropy); its top `entropy.count / 4` bits are the checksum.
    private static func checksumByte(of entropy: [UInt8]) -> UInt8 {
        SHA256.hash(data: entropy).withUnsafeBytes { $0.first ?? 0 }
    }
}
