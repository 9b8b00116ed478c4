import Foundation
import KusariCore

/// Paths the tests read from.
enum TestPaths {
    /// The package root (three levels above this file).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// ../shared/data beside the package root.
    static let sharedData: URL = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
}

/// A deterministic generator for repeatable random tests.
typealias TestRandom = SplitMix64

/// Keys from fixed seeds, so failures reproduce.
func testKey(_ n: UInt8) -> KeyPair {
    // A 32-byte seed is always accepted.
    (try? KeyPair(seed: [UInt8](repeating: n, count: 32))) ?? KeyPair()
}
