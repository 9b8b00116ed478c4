import Foundation
import KusariCore
import Testing
@testable import KusariWallet

@Suite struct MnemonicVectorTests {
    @Test(arguments: [MnemonicLanguage.english, .japanese])
    func everyVectorMatches(language: MnemonicLanguage) throws {
        let (passphrase, vectors) = try bip39Vectors(language.rawValue)
        #expect(passphrase == "TREZOR")
        #expect(vectors.count == 24)
        for v in vectors {
            // entropy -> phrase, byte for byte (Japanese joined by U+3000)
            let made = try Mnemonic(entropy: v.entropy, language: language)
            #expect(Array(made.phrase.unicodeScalars) == Array(v.phrase.unicodeScalars), "\(Hex.encode(v.entropy))")
            // phrase -> entropy
            let parsed = try Mnemonic(phrase: v.phrase, language: language)
            #expect(parsed.entropy == v.entropy, "\(v.phrase)")
            #expect(parsed == made)
            // phrase -> seed
            #expect(try parsed.seed(passphrase: passphrase) == v.seed, "\(v.phrase)")
            // the language is found without being told
            #expect(try Mnemonic(phrase: v.phrase).language == language)
        }
    }

    @Test func japanesePhraseWithOrdinarySpacesValidates() throws {
        let (passphrase, vectors) = try bip39Vectors("japanese")
        for v in vectors {
            let spaced = v.phrase.replacingOccurrences(of: "\u{3000}", with: " ")
            #expect(spaced != v.phrase)
            let parsed = try Mnemonic(phrase: spaced, language: .japanese)
            #expect(parsed.entropy == v.entropy)
            #expect(try parsed.seed(passphrase: passphrase) == v.seed)
            // output is joined by U+3000 again
            #expect(parsed.phrase.unicodeScalars.contains("\u{3000}"))
        }
    }

    @Test func composedJapaneseWordsAreFoundInNFKD() throws {
        let (_, vectors) = try bip39Vectors("japanese")
        var composedDiffered = false
        for v in vectors {
            let composed = v.phrase.precomposedStringWithCanonicalMapping
            composedDiffered = composedDiffered || Array(composed.unicodeScalars) != Array(v.phrase.unicodeScalars)
            #expect(try Mnemonic(phrase: composed, language: .japanese).entropy == v.entropy)
        }
        #expect(composedDiffered, "the vectors should hold words that compose")
    }

    @Test func anyWhitespaceSeparatesWords() throws {
        let phrase = "  legal winner\tthank year\nwave sausage\u{3000}worth useful legal  winner thank yellow \n"
        let parsed = try Mnemonic(phrase: phrase)
        #expect(parsed.entropy == [UInt8](repeating: 0x7f, count: 16))
        #expect(parsed.phrase == "legal winner thank year wave sausage worth useful legal winner thank yellow")
    }

    @Test func randomPhrasesOfEveryLengthRoundTrip() throws {
        for (count, bytes) in zip(Mnemonic.allowedWordCounts, Mnemonic.allowedEntropyByteCounts) {
            for language in MnemonicLanguage.allCases {
                let m = try Mnemonic(wordCount: count, language: language)
                #expect(m.words.count == count)
                #expect(m.entropy.count == bytes)
                #expect(try Mnemonic(phrase: m.phrase, language: language) == m)
            }
        }
        #expect(try Mnemonic().wordCount == 24)
        #expect(try Mnemonic(wordCount: 12).entropy != Mnemonic(wordCount: 12).entropy)
    }

    @Test func descriptionDoesNotRevealTheWords() throws {
        let m = try Mnemonic(entropy: [UInt8](repeating: 0x7f, count: 16))
        #expect(m.description == "Mnemonic(12 english words)")
        #expect(!String(reflecting: m).contains("legal"))
        #expect(!"\(m)".contains("legal"))
    }
}
