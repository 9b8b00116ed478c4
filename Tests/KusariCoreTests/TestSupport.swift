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
struct TestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &self) } }
    mutating func payload() -> AddressPayload { AddressPayload(bytes: bytes(20)) ?? .zero }
}

/// Keys from fixed seeds, so failures reproduce.
func testKey(_ n: UInt8) -> KeyPair {
    // A 32-byte seed is always accepted.
    (try? KeyPair(seed: [UInt8](repeating: n, count: 32))) ?? KeyPair()
}
