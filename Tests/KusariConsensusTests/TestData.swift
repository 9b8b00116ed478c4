import Foundation

/// Locates and reads the Bitcoin data files: the package root is three levels up
/// from this file, the data at `<root>/Tests/Fixtures/bitcoin/`.
enum TestData {
    static let bitcoinDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // KusariConsensusTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Tests/Fixtures/bitcoin")

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "test data file not found: \(path)" }
    }

    static func bitcoin(_ name: String) throws -> String {
        let url = bitcoinDirectory.appendingPathComponent(name)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw Missing(path: url.path) }
        return text
    }

}
