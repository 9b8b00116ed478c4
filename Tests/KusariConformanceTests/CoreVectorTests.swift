import Foundation
import Testing
import KusariConformance
import KusariCore

/// Each committed vector, read back from its JSON, checked again through the
/// node's real decoders and rules (not through the generator).
@Suite struct CoreVectorTests {
    @Test func transactions() throws {
        let file = try VectorFormats.decode(VectorFormats.Transactions.self, "transactions.json")
        #expect(file.valid.count >= 10 && file.invalid.count >= 30)
        for v in file.valid {
            let tx = try Transaction(decoding: try bytes(v.hex))
            #expect(tx.hasValidSignature, "\(v.description)")
            #expect(tx.chainId == v.chainId && tx.nonce == v.nonce && tx.amount == v.amount && tx.fee == v.fee)
            #expect(tx.publicKey.hex == v.publicKey && tx.to.hex == v.to && Hex.encode(tx.memo) == v.memo)
            #expect(tx.from.hex == v.from && tx.id.hex == v.id && tx.signature.hex == v.signature && v.size == tx.encoded.count)
            #expect(Hex.encode(tx.signingPayload) == v.signingPayload)
            let key = try KeyPair(seed: try bytes(v.seed))
            let resigned = try Transaction(chainId: v.chainId, key: key, nonce: v.nonce, to: tx.to, amount: v.amount,
                                           fee: v.fee, memo: tx.memo)
            #expect(Hex.encode(resigned.encoded) == v.hex, "\(v.description): signing is deterministic")
        }
        for v in file.invalid {
            let error = try #require(TransactionCheck.error(try bytes(v.hex)), "\(v.description) was accepted")
            #expect(error.field == v.field && error.description == v.error, "\(v.description): got \(error)")
        }
    }

    @Test func addresses() throws {
        let file = try VectorFormats.decode(VectorFormats.Addresses.self, "addresses.json")
        for v in file.encode {
            let p = try payload(v.payload)
            if let pk = v.publicKey, let key = PublicKey(bytes: try bytes(pk)) { #expect(AddressPayload(publicKey: key) == p) }
            #expect(Address(payload: p, network: .main).string == v.ksr)
            #expect(Address(payload: p, network: .devnet).string == v.ksrt)
        }
        for v in file.parse {
            do {
                let a = try v.network.map { try Address(parsing: v.input, network: try Network(name: $0)) } ?? Address(parsing: v.input)
                #expect(v.error == nil && a.prefix == v.prefix && a.payload.hex == v.payload, "\(v.description)")
            } catch {
                #expect("\(error)" == v.error, "\(v.description)")
            }
        }
    }

    @Test func headers() throws {
        let file = try VectorFormats.decode(VectorFormats.Headers.self, "headers.json")
        for v in file.valid {
            let h = try BlockHeader(decoding: try bytes(v.hex))
            let built = BlockHeader(version: v.version, height: v.height, previousId: try hash(v.previousId),
                                    merkleRoot: try hash(v.merkleRoot), stateRoot: try hash(v.stateRoot), timestamp: v.timestamp,
                                    bits: v.bits, beneficiary: try payload(v.beneficiary), nonce: v.nonce)
            #expect(h == built && h.id.hex == v.id && Hex.encode(built.encoded) == v.hex, "\(v.description)")
        }
        for v in file.invalid {
            let b = try bytes(v.hex)
            do throws(CanonicalDecodingError) {
                _ = try BlockHeader(decoding: b)
                Issue.record("\(v.description) was accepted")
            } catch {
                #expect(error.field == v.field && error.description == v.error, "\(v.description)")
            }
        }
    }

    @Test func blocks() throws {
        let file = try VectorFormats.decode(VectorFormats.Blocks.self, "blocks.json")
        for v in file.valid {
            let b = try Block(decoding: try bytes(v.hex))
            #expect(b.id.hex == v.id && Hex.encode(b.header.encoded) == v.header && b.transactions.count == v.transactionCount)
            #expect(b.transactions.map(\.id.hex) == v.transactionIds && b.computedMerkleRoot.hex == v.merkleRoot)
            #expect(Hex.encode(b.encoded) == v.hex)
        }
        for v in file.invalid {
            let b = try bytes(v.hex)
            do throws(CanonicalDecodingError) {
                _ = try Block(decoding: b)
                Issue.record("\(v.description) was accepted")
            } catch {
                #expect(error.field == v.field && error.description == v.error, "\(v.description)")
            }
        }
    }

    @Test func merkleTrees() throws {
        let file = try VectorFormats.decode(VectorFormats.Merkle.self, "merkle.json")
        for tree in file.trees {
            let leaves = try tree.leaves.map(hash)
            let root = MerkleTree.root(leaves: leaves)
            #expect(root.hex == tree.root)
            for p in tree.proofs {
                let proof = MerkleProof(index: p.index, treeSize: p.treeSize, path: try p.path.map(hash))
                #expect(MerkleTree.proof(leaves: leaves, index: Int(p.index)) == proof)
                #expect(proof.verify(item: leaves[Int(p.index)], root: root))
            }
        }
        for v in file.verify {
            let proof = MerkleProof(index: v.index, treeSize: v.treeSize, path: try v.path.map(hash))
            #expect(proof.verify(item: try hash(v.item), root: try hash(v.root)) == v.valid, "\(v.description)")
        }
    }
}
