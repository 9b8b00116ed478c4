import Foundation
import Testing
@testable import KusariWallet

@Suite struct MnemonicErrorTests {
    let valid = "legal winner thank year wave sausage worth useful legal winner thank yellow"

    @Test func unknownWordIsNamedWithItsPosition() {
        let phrase = valid.replacingOccurrences(of: "wave", with: "wavy")
        #expect(throws: MnemonicError.unknownWord(word: "wavy", position: 5, language: .english)) {
            try Mnemonic(phrase: phrase)
        }
        let error = MnemonicError.unknownWord(word: "wavy", position: 5, language: .english)
        #expect(error.description.contains("word 5"))
        #expect(error.description.contains("\"wavy\""))
        #expect(error.errorDescription == error.description)
    }

    @Test func unknownJapaneseWordIsNamed() throws {
        let (_, vectors) = try bip39Vectors("japanese")
        var words = vectors[1].phrase.components(separatedBy: "\u{3000}")
        words[2] = "ぽけもん"
        #expect(throws: MnemonicError.unknownWord(word: "ぽけもん", position: 3, language: .japanese)) {
            try Mnemonic(phrase: words.joined(separator: "\u{3000}"))
        }
    }

    @Test func badChecksumIsRefused() {
        #expect(throws: MnemonicError.checksumMismatch) {
            try Mnemonic(phrase: Array(repeating: "abandon", count: 12).joined(separator: " "))
        }
        // two words swapped
        #expect(throws: MnemonicError.checksumMismatch) {
            try Mnemonic(phrase: "winner legal thank year wave sausage worth useful legal winner thank yellow")
        }
        #expect(MnemonicError.checksumMismatch.description.contains("checksum"))
    }

    @Test func wrongWordCountIsNamed() {
        let eleven = valid.split(separator: " ").dropLast().joined(separator: " ")
        #expect(throws: MnemonicError.wrongWordCount(11)) { try Mnemonic(phrase: eleven) }
        #expect(throws: MnemonicError.wrongWordCount(13)) { try Mnemonic(phrase: valid + " zoo") }
        #expect(throws: MnemonicError.wrongWordCount(0)) { try Mnemonic(phrase: " \n ") }
        #expect(MnemonicError.wrongWordCount(11).description.contains("11 words"))
        #expect(throws: MnemonicError.wrongWordCount(13)) { try Mnemonic(wordCount: 13) }
    }

    @Test func wrongEntropyLengthIsRefused() {
        for n in [0, 4, 15, 17, 33, 36] {
            #expect(throws: MnemonicError.wrongEntropyLength(n)) { try Mnemonic(entropy: [UInt8](repeating: 1, count: n)) }
        }
    }

    @Test func languageNamesParse() throws {
        #expect(try MnemonicLanguage(name: "japanese") == .japanese)
        #expect(throws: MnemonicError.unknownLanguage("klingon")) { try MnemonicLanguage(name: "klingon") }
    }
}
