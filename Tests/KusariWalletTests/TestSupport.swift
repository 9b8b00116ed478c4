import Foundation
import KusariCore

/// Paths the tests read from.
enum TestPaths {
    /// The package root (three levels above this file).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Tests/Fixtures: the published vectors the tests read, carried in the repository.
    static let fixtures: URL = packageRoot.appendingPathComponent("Tests/Fixtures")
}

/// One BIP-39 test vector: entropy, phrase and seed (passphrase "TREZOR").
struct BIP39Vector {
    let entropy: [UInt8]
    let phrase: String
    let seed: [UInt8]
}

/// Why a reference file could not be read.
struct TestDataError: Error, CustomStringConvertible {
    let description: String
}

/// The vectors of Tests/Fixtures/bip39/vectors-<language>.json: `{"passphrase",
/// "<language>": [[entropy hex, phrase, seed hex, xprv], ...]}`.
func bip39Vectors(_ language: String) throws -> (passphrase: String, vectors: [BIP39Vector]) {
    let url = TestPaths.fixtures.appendingPathComponent("bip39/vectors-\(language).json")
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    guard let top = object as? [String: Any], let passphrase = top["passphrase"] as? String,
          let entries = top[language] as? [[String]] else {
        throw TestDataError(description: "\(url.path): not the expected layout")
    }
    let vectors = try entries.map { entry in
        guard entry.count >= 3 else { throw TestDataError(description: "\(url.path): short entry \(entry)") }
        return BIP39Vector(entropy: try Hex.decode(entry[0]), phrase: entry[1], seed: try Hex.decode(entry[2]))
    }
    return (passphrase, vectors)
}

/// A directory of its own under the system's temporary directory.
func newTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-wallet-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
