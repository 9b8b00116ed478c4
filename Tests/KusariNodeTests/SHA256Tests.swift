import CKusariSHA
import Testing
import KusariConsensus
import KusariCore
@testable import KusariNode

/// The miner's own SHA-256 must agree with swift-crypto bit for bit.
@Suite struct SHA256Tests {
    @Test func compressionAgreesWithSwiftCrypto() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var bytes = (0..<148).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes[0] = 0
            var mid = [UInt32](repeating: 0, count: 8)
            bytes.withUnsafeBufferPointer { kusari_sha256_midstate($0.baseAddress, &mid) }
            var out = [UInt8](repeating: 0, count: 32)
            let tail = Array(bytes[128...])
            kusari_sha256d_header_tail(mid, tail, &out)
            #expect(out == Hash256.sha256d(bytes).bytes)
        }
    }

    @Test func portableAndExtensionsAgree() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let block = (0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var a: [UInt32] = (0..<8).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
            var b = a
            kusari_sha256_compress(&a, block)
            kusari_sha256_compress_portable(&b, block)
            #expect(a == b)
        }
    }

    @Test func searchFindsAValidNonce() {
        let header = BlockHeader(height: 1, previousId: .zero, merkleRoot: MerkleTree.emptyRoot, stateRoot: .zero,
                                 timestamp: 1_764_000_000, bits: 0x1f00ffff, beneficiary: .zero, nonce: 0)
        let target = (try? CompactTarget.decode(0x1f00ffff)) ?? .zero
        let result = NonceSearch.run(header, target: target, threads: 2) { false }
        guard let sealed = result.header else { Issue.record("no nonce found"); return }
        #expect(ProofOfWork.meetsTarget(bigEndianHash: sealed.id.bytes, target: target))
        #expect(result.tried >= 1)
    }
}
