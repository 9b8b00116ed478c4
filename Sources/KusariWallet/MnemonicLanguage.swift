/// A language of BIP-39 phrases, named as in the keystore's `language` field.
public enum MnemonicLanguage: String, CaseIterable, Sendable, Codable {
    /// The BIP-39 English list; words joined by a space.
    case english
    /// The BIP-39 Japanese list; words joined by U+3000.
    case japanese

    /// What joins the words of a phrase on output: a space, or for Japanese the
    /// ideographic space U+3000 (as BIP-39 requires).
    public var separator: String {
        switch self {
        case .english: return " "
        case .japanese: return "\u{3000}"
        }
    }

    /// This language's word list.
    public var wordList: WordList { WordList.of(self) }

    /// Parses `english` or `japanese`.
    public init(name: String) throws(MnemonicError) {
        guard let language = MnemonicLanguage(rawValue: name) else { throw .unknownLanguage(name) }
        self = language
    }
}
