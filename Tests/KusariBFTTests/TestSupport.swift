import Foundation
import Testing
import KusariCore
@testable import KusariBFT

/// CometBFT's tests name validators with short byte strings ("foo", "v1", ...) used as
/// addresses, and its algorithm breaks ties on the address. Our addresses come from keys,
/// so `Roster` gives each name a fixed key such that the names' byte order is the
/// addresses' order: every comparison CometBFT's test makes on names, we make on
/// addresses with the same outcome.
struct Roster {
    let keys: [String: KeyPair]
    let names: [AddressPayload: String]

    /// Keys for `names` (distinct), from fixed seeds, assigned in address order.
    init(_ names: [String]) throws {
        let keysByAddress = try (0..<names.count).map { i throws(KeyError) -> KeyPair in
            var seed = [UInt8](repeating: 0x4b, count: 28)
            let n = UInt32(i + 1)
            seed += [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
            return try KeyPair(seed: seed)
        }.sorted { AddressPayload(publicKey: $0.publicKey) < AddressPayload(publicKey: $1.publicKey) }
        let ordered = names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var keys: [String: KeyPair] = [:]
        var byAddress: [AddressPayload: String] = [:]
        for (name, key) in zip(ordered, keysByAddress) {
            keys[name] = key
            byAddress[AddressPayload(publicKey: key.publicKey)] = name
        }
        self.keys = keys
        self.names = byAddress
    }

    /// `v1` ... `vN` (or from `first`), CometBFT's `testValSet` names.
    static func numbered(_ count: Int, from first: Int = 1) throws -> Roster {
        try Roster((first..<(first + count)).map { "v\($0)" })
    }

    func key(_ name: String) throws -> KeyPair { try #require(keys[name], "no key for \(name)") }
    func publicKey(_ name: String) throws -> PublicKey { try key(name).publicKey }
    func address(_ name: String) throws -> AddressPayload { AddressPayload(publicKey: try publicKey(name)) }
    func name(_ validator: Validator) -> String { names[validator.address] ?? "?" }

    /// CometBFT's `newValidator(name, power)` as a change.
    func update(_ name: String, _ power: UInt64) throws -> ValidatorUpdate {
        ValidatorUpdate(publicKey: try publicKey(name), votingPower: power)
    }

    func updates(_ list: [(String, UInt64)]) throws -> [ValidatorUpdate] {
        try list.map { try update($0.0, $0.1) }
    }

    /// CometBFT's `createNewValidatorSet`.
    func set(_ list: [(String, UInt64)]) throws -> ValidatorSet {
        try ValidatorSet(try updates(list))
    }

    /// CometBFT's `toTestValList`: the set's (name, power) in its order.
    func list(_ set: ValidatorSet) -> [Pair] {
        set.validators.map { Pair(name: name($0), power: $0.votingPower) }
    }

    /// A validator with chosen power and priority, for the sets CometBFT's tests build by
    /// hand (struct literals with zero power or set priorities).
    func raw(_ name: String, power: UInt64 = 0, priority: Int64) throws -> Validator {
        Validator(publicKey: try publicKey(name), votingPower: power, proposerPriority: priority)
    }
}

/// A (name, power) pair that compares in `#expect`.
struct Pair: Equatable, CustomStringConvertible {
    let name: String
    let power: UInt64
    var description: String { "\(name):\(power)" }
}

func pairs(_ list: [(String, UInt64)]) -> [Pair] { list.map { Pair(name: $0.0, power: $0.1) } }

/// CometBFT's `verifyValidatorSet`: the total is the sum of the powers, the priorities are
/// centred (their sum is in (-n, n)) and scaled (max - min <= 2 * total).
func expectWellFormed(_ set: ValidatorSet, sourceLocation: SourceLocation = #_sourceLocation) {
    let total = set.validators.reduce(UInt64(0)) { $0 + $1.votingPower }
    #expect(total == set.totalPower, sourceLocation: sourceLocation)
    let n = Int64(set.count)
    let sum = set.validators.reduce(Int64(0)) { PriorityArithmetic.addClip($0, $1.proposerPriority) }
    #expect(sum < n && sum > -n, "priorities sum to \(sum)", sourceLocation: sourceLocation)
    let spread = PriorityArithmetic.maxMinDifference(set.validators.map(\.proposerPriority))
    #expect(spread <= ValidatorSet.priorityWindowSizeFactor * Int64(set.totalPower),
            "priority spread \(spread)", sourceLocation: sourceLocation)
}

/// The root of the package (for docs/protocol.md).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
