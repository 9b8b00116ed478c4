import Foundation
import Testing
@testable import KusariCore

/// docs/protocol.md's worked examples must be exactly what the code produces.
@Suite struct ProtocolDocumentTests {
    let document: String

    init() throws {
        document = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
    }

    /// `name value` lines of the ```text block after `marker` (or after a heading).
    func block(after marker: String) throws -> [(String, String)] {
        let start = try #require(document.range(of: marker), "\(marker) not found in docs/protocol.md")
        let rest = document[start.upperBound...]
        let open = try #require(rest.range(of: "```text\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        return rest[open.upperBound..<close.lowerBound].split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2 else { return nil }
            if parts[0] == "block" && parts[1] == "id" && parts.count >= 3 { return ("block id", String(parts[2])) }
            return (String(parts[0]), String(parts[1]))
        }
    }

    func value(_ fields: [(String, String)], _ name: String) throws -> String {
        try #require(fields.first { $0.0 == name }?.1, "no \(name) in the example")
    }

    @Test func transactionExampleIsWhatTheCodeProduces() throws {
        let f = try block(after: "<!-- worked-example:transaction -->")
        let key = try KeyPair(seed: try Hex.decode(try value(f, "seed")))
        #expect(key.publicKey.hex == (try value(f, "publicKey")))
        let sender = AddressPayload(publicKey: key.publicKey)
        #expect(sender.hex == (try value(f, "senderPayload")))
        #expect(Address(payload: sender, network: .devnet).string == (try value(f, "senderAddress")))
        let recipient = try Address(parsing: try value(f, "recipientAddress"), network: .devnet)
        #expect(recipient.payload.hex == (try value(f, "recipientPayload")))
        let tx = try Transaction(chainId: try #require(UInt32(try value(f, "chainId"))), key: key,
                                 nonce: try #require(UInt64(try value(f, "nonce"))), to: recipient.payload,
                                 amount: try #require(UInt64(try value(f, "amount"))),
                                 fee: try #require(UInt64(try value(f, "fee"))), memo: try Hex.decode(try value(f, "memo")))
        #expect(Hex.encode(tx.signingPayload) == (try value(f, "signingPayload")))
        #expect(tx.signature.hex == (try value(f, "signature")))
        #expect(Hex.encode(tx.encoded) == (try value(f, "transaction")))
        #expect(tx.id.hex == (try value(f, "id")))
        #expect(try Transaction(decoding: try Hex.decode(try value(f, "transaction"))).hasValidSignature)
    }

    @Test func genesisAndBlockOneExamplesAreWhatTheCodeProduces() throws {
        let t = try block(after: "<!-- worked-example:transaction -->")
        let key = try KeyPair(seed: try Hex.decode(try value(t, "seed")))
        let sender = key.address(on: .devnet)
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: 0x207fffff,
                                  allocations: [.init(address: sender.string, amount: 1_000_000_000)])
        let genesisBlock = try genesis.block()
        let g = try block(after: "### 15.2 A genesis")
        #expect(genesisBlock.header.stateRoot.hex == (try value(g, "stateRoot")))
        #expect(genesisBlock.id.hex == (try value(g, "id")))

        let tx = try Transaction(decoding: try Hex.decode(try value(t, "transaction")))
        let recipient = tx.to
        let applied = try BlockApplication.execute([tx], on: try genesis.state(), height: 1, time: 1_764_000_060, beneficiary: recipient,
                                                   rules: genesis.rules)
        let header = BlockHeader(height: 1, previousId: genesisBlock.id, merkleRoot: MerkleTree.root(leaves: [tx.id]),
                                 stateRoot: applied.state.root, timestamp: 1_764_000_060, bits: 0x207fffff,
                                 beneficiary: recipient, nonce: 0)
        let b = try block(after: "### 15.3 Block 1")
        #expect(header.merkleRoot.hex == (try value(b, "merkleRoot")))
        #expect(header.stateRoot.hex == (try value(b, "stateRoot")))
        #expect(header.id.hex == (try value(b, "block id")))
        #expect(Block(header: header, transactions: [tx]).encoded.count == 300)
        _ = try BlockApplication.apply(Block(header: header, transactions: [tx]), to: try genesis.state(), rules: genesis.rules)
    }
}
