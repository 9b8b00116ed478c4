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

/// A deterministic generator for repeatable random tests.
typealias TestRandom = SplitMix64

/// Keys from fixed seeds, so failures reproduce.
func testKey(_ n: UInt8) -> KeyPair {
    // A 32-byte seed is always accepted.
    (try? KeyPair(seed: [UInt8](repeating: n, count: 32))) ?? KeyPair()
}
