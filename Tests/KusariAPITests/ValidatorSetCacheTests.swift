import KusariBFT
import KusariCore
import KusariNode
import Testing

/// The node's cache of validator sets gives exactly `BFTEngine.validatorSet(atHeight:)`,
/// whether it moves on from the genesis set, a checkpoint or the latest set asked for,
/// upwards or downwards.
@Suite struct ValidatorSetCacheTests {
    @Test(arguments: [[40, 30, 20, 10], [1, 1, 1], [1_000_000, 1, 7, 3, 99], [5]])
    func cachedSetsEqualTheEnginesAtEveryHeightAsked(powers: [UInt64]) throws {
        let keys = try powers.indices.map { try KeyPair(seed: [UInt8](repeating: UInt8(90 + $0), count: 32)) }
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: 0, allocations: [],
                                  consensus: .bft(validators: zip(keys, powers).map { GenesisValidator(publicKey: $0.publicKey, power: $1) }))
        let engine = try #require(try BFTEngine(genesis: genesis))
        let cache = BFTViewCache()
        for height: UInt64 in [1, 2, 3, 999, 1_000, 1_001, 2_500, 1_500, 4_001, 3_999, 4_000, 2] {
            let cached = cache.validatorSet(engine: engine, atHeight: height)
            let computed = engine.validatorSet(atHeight: height)
            #expect(cached.validators == computed.validators, "powers \(powers), height \(height)")
            #expect(cached.proposer == computed.proposer, "powers \(powers), height \(height)")
        }
    }
}
