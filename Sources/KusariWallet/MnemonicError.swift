import Foundation

/// Why a BIP-39 phrase could not be made, read or turned into a seed.
public enum MnemonicError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The phrase has this many words; BIP-39 allows 12, 15, 18, 21 or 24.
    case wrongWordCount(Int)
    /// The word at this 1-based position is not in the language's list.
    case unknownWord(word: String, position: Int, language: MnemonicLanguage)
    /// Every word is known but the checksum held by the last word does not match.
    case checksumMismatch
    /// Entropy must be 16, 20, 24, 28 or 32 bytes.
    case wrongEntropyLength(Int)
    /// No such language (expected `english` or `japanese`).
    case unknownLanguage(String)
    /// PBKDF2 failed inside swift-crypto (not expected with valid input).
    case seedDerivationFailed(String)

    /// The message for people, naming what is at fault.
    public var description: String {
        switch self {
        case .wrongWordCount(let n):
            return "mnemonic: the phrase has \(n) word\(n == 1 ? "" : "s"); a BIP-39 phrase has 12, 15, 18, 21 or 24 words"
        case .unknownWord(let word, let position, let language):
            return "mnemonic: word \(position) (\"\(word)\") is not in the \(language.rawValue) BIP-39 word list"
        case .checksumMismatch:
            return "mnemonic: the checksum does not match; a word is mistyped, missing or out of order"
        case .wrongEntropyLength(let n):
            return "entropy: must be 16, 20, 24, 28 or 32 bytes, got \(n)"
        case .unknownLanguage(let name):
            return "language: unknown mnemonic language \"\(name)\" (expected english or japanese)"
        case .seedDerivationFailed(let reason):
            return "seed: PBKDF2 failed: \(reason)"
        }
    }

    /// The same message, for `localizedDescription`.
    public var errorDescription: String? { description }
}
