import Foundation
import Testing
@testable import KusariWallet

@Suite struct WordListTests {
    /// The embedded copies must equal the standard lists in Tests/Fixtures, byte
    /// for byte (regenerate with scripts/embed-wordlists).
    @Test(arguments: [MnemonicLanguage.english, .japanese])
    func embeddedListEqualsTheSharedFile(language: MnemonicLanguage) throws {
        let url = TestPaths.fixtures.appendingPathComponent("bip39/\(language.rawValue).txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        let expected = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.isEmpty }
        let embedded = language.wordList.words
        #expect(embedded.count == WordList.count)
        #expect(expected.count == WordList.count)
        #expect(embedded.map { Array($0.utf8) } == expected.map { Array($0.utf8) })
        #expect(embedded.joined(separator: "\n") + "\n" == text)
    }

    @Test func lookupIsByNFKD() throws {
        let list = WordList.japanese
        for (i, word) in list.words.enumerated() {
            #expect(list.index(of: word) == i)
            #expect(list.index(of: word.precomposedStringWithCanonicalMapping) == i)
        }
        #expect(WordList.english.index(of: "zoo") == 2047)
        #expect(WordList.english.index(of: "abandon") == 0)
        #expect(WordList.english.index(of: "zooo") == nil)
    }
}
