import KusariCore
import KusariJSON

/// `merkle.json`: transaction Merkle roots for many tree sizes, the inclusion
/// proof of leaves, and proof checks that must fail (or, as pinned, pass).
enum MerkleVectors {
    /// Leaf `i` of every tree: SHA-256 of `i` as a u32 (any 32 bytes would do).
    static func leaf(_ i: Int) -> Hash256 {
        var w = ByteWriter()
        w.writeUInt32(UInt32(i))
        return Hash256.sha256(w.bytes)
    }

    static func make() -> [(String, JSON)] {
        var trees: [JSON] = []
        for size in Array(0...17) + [31, 32, 33, 100] {
            let leaves = (0..<size).map(leaf)
            let indexes = size <= 17 ? Array(0..<size) : [0, 1, size / 2, size - 2, size - 1]
            let proofs: [JSON] = indexes.compactMap { i in
                MerkleTree.proof(leaves: leaves, index: i).map(proofJSON)
            }
            trees.append(.object([
                ("leaves", .array(leaves.map { .string($0.hex) })),
                ("root", .string(MerkleTree.root(leaves: leaves).hex)),
                ("proofs", .array(proofs)),
            ]))
        }
        return [("trees", .array(trees)), ("verify", .array(verifyCases()))]
    }

    static func proofJSON(_ p: MerkleProof) -> JSON {
        .object([("index", .uint(p.index)), ("treeSize", .uint(p.treeSize)), ("path", .array(p.path.map { .string($0.hex) }))])
    }

    /// Altered proofs checked by `MerkleProof.verify`, with its answer.
    static func verifyCases() -> [JSON] {
        var out: [JSON] = []
        func add(_ d: String, _ item: Hash256, _ root: Hash256, _ p: MerkleProof) {
            out.append(.object([
                ("description", .string(d)), ("item", .string(item.hex)), ("root", .string(root.hex)),
                ("index", .uint(p.index)), ("treeSize", .uint(p.treeSize)), ("path", .array(p.path.map { .string($0.hex) })),
                ("valid", .bool(p.verify(item: item, root: root))),
            ]))
        }
        let leaves = (0..<7).map(leaf)
        let root = MerkleTree.root(leaves: leaves)
        guard let p5 = MerkleTree.proof(leaves: leaves, index: 5), let p6 = MerkleTree.proof(leaves: leaves, index: 6),
              let p0 = MerkleTree.proof(leaves: leaves, index: 0) else { return out }
        add("leaf 5 of 7, the honest proof", leaves[5], root, p5)
        add("wrong item", leaves[4], root, p5)
        add("index equal to treeSize", leaves[5], root, MerkleProof(index: 7, treeSize: 7, path: p5.path))
        add("index 6 claimed for leaf 5's proof", leaves[5], root, MerkleProof(index: 6, treeSize: 7, path: p5.path))
        add("one extra hash at the end of the path", leaves[5], root, MerkleProof(index: 5, treeSize: 7, path: p5.path + [root]))
        add("last hash of the path missing", leaves[5], root, MerkleProof(index: 5, treeSize: 7, path: Array(p5.path.dropLast())))
        var flipped = p5.path
        flipped[0] = Hash256.sha256(flipped[0].bytes)
        add("first sibling replaced", leaves[5], root, MerkleProof(index: 5, treeSize: 7, path: flipped))
        add("empty path for a tree of 7", leaves[5], root, MerkleProof(index: 5, treeSize: 7, path: []))
        add("leaf 6 of 7 (a lone last node moves up)", leaves[6], root, p6)
        add("leaf 0 of 7", leaves[0], root, p0)
        add("treeSize 0", leaves[0], MerkleTree.emptyRoot, MerkleProof(index: 0, treeSize: 0, path: []))
        let one = [leaf(0)]
        add("single leaf: the root is the leaf hash, empty path", one[0], MerkleTree.root(leaves: one),
            MerkleProof(index: 0, treeSize: 1, path: []))
        add("single leaf with a path", one[0], MerkleTree.root(leaves: one), MerkleProof(index: 0, treeSize: 1, path: [one[0]]))
        // A proof for one size checked under other sizes: pinned, whatever the answer.
        for size in 5...8 {
            let l = (0..<size).map(leaf)
            let r = MerkleTree.root(leaves: l)
            for i in [size - 1, size - 2] {
                guard let p = MerkleTree.proof(leaves: l, index: i) else { continue }
                for other in [size - 1, size + 1] where other > i {
                    add("proof of leaf \(i) of \(size) checked with treeSize \(other)", l[i], r,
                        MerkleProof(index: UInt64(i), treeSize: UInt64(other), path: p.path))
                }
            }
        }
        return out
    }
}
