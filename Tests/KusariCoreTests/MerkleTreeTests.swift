import Testing
@testable import KusariCore

@Suite struct MerkleTreeTests {
    /// RFC 6962 section 2.1, written recursively as the RFC states it.
    func referenceRoot(_ items: ArraySlice<Hash256>) -> Hash256 {
        if items.isEmpty { return Hash256.sha256([]) }
        if items.count == 1 { return Hash256.sha256([0] + items[items.startIndex].bytes) }
        var k = 1
        while k * 2 < items.count { k *= 2 }
        let split = items.startIndex + k
        return Hash256.sha256([1] + referenceRoot(items[..<split]).bytes + referenceRoot(items[split...]).bytes)
    }

    func items(_ n: Int) -> [Hash256] { (0..<n).map { Hash256.sha256([UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)]) } }

    @Test func rootMatchesRFC6962Definition() {
        for n in 0...40 {
            let leaves = items(n)
            #expect(MerkleTree.root(leaves: leaves) == referenceRoot(leaves[...]), "size \(n)")
        }
    }

    @Test func everyProofVerifiesAndOnlyForItsItem() throws {
        for n in 1...33 {
            let leaves = items(n)
            let root = MerkleTree.root(leaves: leaves)
            for i in 0..<n {
                let proof = try #require(MerkleTree.proof(leaves: leaves, index: i))
                #expect(proof.verify(item: leaves[i], root: root), "size \(n) index \(i)")
                #expect(!proof.verify(item: leaves[(i + 1) % n], root: root) || n == 1)
                var wrongIndex = proof
                wrongIndex.index = UInt64((i + 1) % n)
                if n > 1 { #expect(!wrongIndex.verify(item: leaves[i], root: root)) }
                if !proof.path.isEmpty {
                    var tampered = proof
                    tampered.path[0] = Hash256.sha256([0xff])
                    #expect(!tampered.verify(item: leaves[i], root: root))
                    var short = proof
                    short.path.removeLast()
                    #expect(!short.verify(item: leaves[i], root: root))
                }
            }
        }
        #expect(MerkleTree.proof(leaves: items(3), index: 3) == nil)
    }

    @Test func duplicatedLastLeafGivesAnotherRoot() {
        // Bitcoin's tree gives [a, b, c] and [a, b, c, c] the same root (CVE-2012-2459); ours must not.
        let three = items(3)
        #expect(MerkleTree.root(leaves: three) != MerkleTree.root(leaves: three + [three[2]]))
    }

    @Test func leafCannotPoseAsNode() {
        // A two-leaf root is not the leaf hash of any 32-byte item built from its children.
        let two = items(2)
        let root = MerkleTree.root(leaves: two)
        #expect(root != MerkleTree.leafHash(Hash256.node(tag: 1, MerkleTree.leafHash(two[0]), MerkleTree.leafHash(two[1]))))
    }
}
