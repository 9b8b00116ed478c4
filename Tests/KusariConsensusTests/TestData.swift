import Foundation

/// Locates and reads the shared Bitcoin data files: the package root is three levels up
/// from this file, the data at `<root>/../shared/data/bitcoin/`.
enum TestData {
    static let bitcoinDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // KusariConsensusTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .deletingLastPathComponent()  // its parent
        .appendingPathComponent("shared/data/bitcoin")

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "test data file not found: \(path)" }
    }

    static func bitcoin(_ name: String) throws -> String {
        let url = bitcoinDirectory.appendingPathComponent(name)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw Missing(path: url.path) }
        return text
    }

    /// Deterministic pseudo-random numbers (SplitMix64) for property tests.
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
