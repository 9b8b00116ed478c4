import Foundation
import Testing
@testable import KusariCore

/// docs/protocol.md section 15.4's contract example (computed in Python by
/// docs/contract-example.py) and the rules of 6.5, 10.5 and 11.6 must be exactly what
/// the code does: every value is read from the document and rebuilt here.
@Suite struct ContractProtocolExampleTests {
    let document: String

    init() throws {
        document = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
    }

    /// `name value` pairs of the ```text block after `marker` (anything after the value is commentary).
    func fields(after marker: String) throws -> [String: String] {
        let start = try #require(document.range(of: marker), "\(marker) not found in docs/protocol.md")
        let rest = document[start.upperBound...]
        let open = try #require(rest.range(of: "```text\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        var result: [String: String] = [:]
        for line in rest[open.upperBound..<close.lowerBound].split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    func text(_ f: [String: String], _ name: String) throws -> String {
        try #require(f[name], "no \(name) in the example")
    }

    func bytes(_ f: [String: String], _ name: String) throws -> [UInt8] { try Hex.decode(try text(f, name)) }

    func number(_ f: [String: String], _ name: String) throws -> UInt64 { try #require(UInt64(try text(f, name))) }

    func hash(_ f: [String: String], _ name: String) throws -> Hash256 {
        try #require(Hash256(bytes: try bytes(f, name)), "\(name) is not 32 bytes")
    }

    // MARK: - 15.4: transactions

    @Test func deployAndCallAreWhatTheCodeProduces() throws {
        let f = try fields(after: "<!-- worked-example:contract-transactions -->")
        let key = try KeyPair(seed: try bytes(f, "seed"))
        #expect(key.publicKey.hex == (try text(f, "publicKey")))
        let sender = AddressPayload(publicKey: key.publicKey)
        #expect(sender.hex == (try text(f, "senderPayload")))
        let chainId = try #require(UInt32(try text(f, "chainId")))

        // The contract address of a deploy at nonce 0.
        let deployNonce = try number(f, "deployNonce")
        var preimage = ByteWriter()
        preimage.writeBytes(Array("KUSARI/CONTRACT".utf8))
        preimage.writeBytes(sender.bytes)
        preimage.writeUInt64(deployNonce)
        #expect(Hex.encode(preimage.bytes) == (try text(f, "contractPreimage")))
        let contract = AddressPayload.contract(deployer: sender, nonce: deployNonce)
        #expect(contract.hex == (try text(f, "contract")))

        // The deploy.
        let deploy = try Transaction(chainId: chainId, key: key, nonce: deployNonce,
                                     deploy: ContractDeploy(code: try bytes(f, "deployCode"), input: [],
                                                            gas: GasTerms(limit: try number(f, "deployGasLimit"),
                                                                          price: try number(f, "deployGasPrice"))),
                                     amount: try number(f, "deployAmount"))
        #expect(Hash256.sha256(deploy.signingPayload).hex == (try text(f, "deploySigningPayloadHash")))
        #expect(deploy.signature.hex == (try text(f, "deploySignature")))
        #expect(Hex.encode(deploy.encoded) == (try text(f, "deployTransaction")))
        #expect(deploy.id.hex == (try text(f, "deployId")))
        #expect(deploy.to == contract)
        #expect(deploy.fee == 500_000 && deploy.encoded.count == 147 && deploy.encodedSize == 147)
        let decodedDeploy = try Transaction(decoding: try bytes(f, "deployTransaction"))
        #expect(decodedDeploy == deploy && decodedDeploy.hasValidSignature && decodedDeploy.to == contract)

        // The call.
        let call = try Transaction(chainId: chainId, key: key, nonce: try number(f, "callNonce"), contract: contract,
                                   call: ContractInvocation(method: try text(f, "callMethod"), input: try bytes(f, "callInput"),
                                                            gas: GasTerms(limit: try number(f, "callGasLimit"),
                                                                          price: try number(f, "callGasPrice"))),
                                   amount: try number(f, "callAmount"))
        #expect(Hex.encode(call.signingPayload) == (try text(f, "callSigningPayload")))
        #expect(Hash256.sha256(call.signingPayload).hex == (try text(f, "callSigningPayloadHash")))
        #expect(call.signature.hex == (try text(f, "callSignature")))
        #expect(Hex.encode(call.encoded) == (try text(f, "callTransaction")))
        #expect(call.id.hex == (try text(f, "callId")))
        #expect(call.fee == 1_000_000 && call.encoded.count == 197 && call.signingPayload.count == 145)
        let decodedCall = try Transaction(decoding: try bytes(f, "callTransaction"))
        #expect(decodedCall == call && decodedCall.hasValidSignature)
        // The call's signing payload is the tag and every byte but the signature.
        #expect(call.signingPayload == Transaction.signingTag + call.encoded.dropLast(64))
        // The arguments are 18.3's example.
        let args = try fields(after: "<!-- worked-example:contract-arguments -->")
        #expect(try text(f, "callInput") == (try text(args, "arguments")))
    }

    // MARK: - 15.4: storage tree and account

    @Test func storageTreeAndProofsAreWhatTheCodeProduces() throws {
        let f = try fields(after: "<!-- worked-example:contract-storage -->")
        let owner = StorageEntry(key: try bytes(f, "ownerKey"), value: try bytes(f, "ownerValue"))
        let cap = StorageEntry(key: try bytes(f, "capKey"), value: try bytes(f, "capValue"))
        #expect(owner.key == Array("owner".utf8) && cap.key == Array("cap".utf8))
        #expect(Hash256.sha256(owner.key).hex == (try text(f, "ownerKeyHash")))
        #expect(Hash256.sha256(cap.key).hex == (try text(f, "capKeyHash")))
        #expect(StorageLeaf.leafHash(key: .sha256(owner.key), value: StorageLeaf(value: owner.value)).hex == (try text(f, "ownerLeaf")))
        #expect(StorageLeaf.leafHash(key: .sha256(cap.key), value: StorageLeaf(value: cap.value)).hex == (try text(f, "capLeaf")))
        // The nodes, as the document derives them.
        let node = { (l: Hash256, r: Hash256) in Hash256.node(tag: 0x01, l, r) }
        let node4 = node(try hash(f, "capLeaf"), try hash(f, "ownerLeaf"))
        #expect(node4.hex == (try text(f, "node4")))
        #expect(node(node4, .zero).hex == (try text(f, "node3")))
        #expect(node(try hash(f, "node3"), .zero).hex == (try text(f, "node2")))
        #expect(node(.zero, try hash(f, "node2")).hex == (try text(f, "node1")))
        #expect(node(try hash(f, "node1"), .zero).hex == (try text(f, "storageRoot")))

        // The tree, in either order of insertion.
        let tree = StorageTree(entries: [owner, cap])
        #expect(tree.root.hex == (try text(f, "storageRoot")))
        #expect(StorageTree(entries: [cap, owner]).root == tree.root)
        #expect(StorageTree().updating([(cap.key, cap.value)]).updating([(owner.key, owner.value)]).root == tree.root)

        // The proof of `cap`: five siblings, its own value.
        let capProof = tree.proof(for: cap.key)
        #expect(capProof.siblings.map(\.hex) == (try (0..<5).map { try text(f, "capSibling\($0)") }))
        #expect(capProof.terminal == .value(cap.value) && capProof.verify(root: tree.root))
        #expect(StorageProof(key: cap.key, siblings: capProof.siblings, terminal: .value([0x01])).verify(root: tree.root) == false)

        // The proof of the absent `supply`: one sibling, an empty subtree.
        let supply = try bytes(f, "supplyKey")
        #expect(supply == Array("supply".utf8))
        #expect(Hash256.sha256(supply).hex == (try text(f, "supplyKeyHash")))
        let supplyProof = tree.proof(for: supply)
        #expect(supplyProof.siblings.map(\.hex) == [try text(f, "supplySibling0")])
        #expect(supplyProof.terminal == .empty && supplyProof.value == nil && supplyProof.verify(root: tree.root))
    }

    @Test func contractAccountLeafIsWhatTheCodeProduces() throws {
        let f = try fields(after: "<!-- worked-example:contract-account -->")
        let storage = try fields(after: "<!-- worked-example:contract-storage -->")
        let tx = try fields(after: "<!-- worked-example:contract-transactions -->")
        let key = try #require(AddressPayload(bytes: try bytes(f, "key")))
        #expect(key.hex == (try text(tx, "contract")))
        #expect(Hash256.sha256(try bytes(tx, "deployCode")).hex == (try text(f, "codeHash")))
        #expect(try text(f, "storageRoot") == (try text(storage, "storageRoot")))
        let account = Account(balance: try number(f, "balance"), nonce: try number(f, "nonce"),
                              codeHash: try hash(f, "codeHash"), storageRoot: try hash(f, "storageRoot"))
        var preimage = ByteWriter()
        preimage.writeUInt8(0x02)
        preimage.writeBytes(key.bytes)
        preimage.writeUInt64(account.balance)
        preimage.writeUInt64(account.nonce)
        preimage.writeHash(try hash(f, "codeHash"))
        preimage.writeHash(account.storageRoot)
        #expect(Hex.encode(preimage.bytes) == (try text(f, "preimage")))
        #expect(preimage.bytes.count == 101)
        #expect(Account.leafHash(key: key, value: account).hex == (try text(f, "leaf")))
        // A lone account is the root (10.3), and a proof of it verifies with the 0x02 leaf (10.4).
        let state = StateTree(accounts: [(key, account)])
        #expect(state.root.hex == (try text(f, "leaf")))
        #expect(state.proof(for: key).verify(root: state.root))
        // An account with code is never empty (10.5).
        #expect(!Account(codeHash: account.codeHash).isEmpty)
        #expect(StateTree(accounts: [(key, Account(codeHash: account.codeHash))]).count == 1)
    }

    @Test func callReceiptIsWhatTheCodeEncodes() throws {
        let f = try fields(after: "<!-- worked-example:contract-block -->")
        let tx = try fields(after: "<!-- worked-example:contract-transactions -->")
        let receipt = ContractReceipt(transaction: try hash(tx, "callId"),
                                      contract: try #require(AddressPayload(bytes: try bytes(tx, "contract"))),
                                      gasUsed: try number(f, "callGasUsed"), failure: "no contract at this address",
                                      events: [], output: [])
        #expect(Hex.encode(receipt.encoded) == (try text(f, "callReceipt")))
        #expect(try ContractReceipt(decoding: try bytes(f, "callReceipt")) == receipt)
    }

    // MARK: - 6.5: decoder rules, messages and sizes

    /// The call of 15.4 with `body` (everything from the chain id to the input) replaced.
    func typed(kind: UInt8, _ body: (inout ByteWriter) -> Void) -> [UInt8] {
        var w = ByteWriter()
        w.writeUInt32(0)
        w.writeUInt8(kind)
        body(&w)
        w.writeBytes([UInt8](repeating: 0, count: 64))
        return w.bytes
    }

    func callBody(chainId: UInt32 = 3, gasLimit: UInt64 = 100_000, gasPrice: UInt64 = 10,
                  method: [UInt8] = Array("transfer".utf8), input: [UInt8] = []) -> (inout ByteWriter) -> Void {
        { w in
            w.writeUInt32(chainId)
            w.writeBytes([UInt8](repeating: 0x11, count: 32))
            w.writeUInt64(1)
            w.writeBytes([UInt8](repeating: 0x22, count: 20))
            w.writeUInt64(1_000)
            w.writeUInt64(gasLimit)
            w.writeUInt64(gasPrice)
            w.writeLengthPrefixed(method)
            w.writeLengthPrefixed(input)
        }
    }

    func deployBody(codeLength: UInt64, inputLength: UInt64 = 0) -> (inout ByteWriter) -> Void {
        { w in
            w.writeUInt32(3)
            w.writeBytes([UInt8](repeating: 0x11, count: 32))
            w.writeUInt64(0)
            w.writeUInt64(0)
            w.writeUInt64(5_000_000)
            w.writeUInt64(1)
            w.writeVarUInt(codeLength)
            w.writeBytes([UInt8](repeating: 0, count: Int(min(codeLength, 1 << 18))))
            w.writeVarUInt(inputLength)
            w.writeBytes([UInt8](repeating: 0, count: Int(min(inputLength, 1 << 18))))
        }
    }

    /// The error decoding `bytes` gives; its message must appear in the document as written there.
    func error(_ bytes: [UInt8]) -> CanonicalDecodingError? {
        do { _ = try Transaction(decoding: bytes); return nil } catch { return error }
    }

    @Test func decoderRulesAreTheDocumented() {
        // Well formed, the bodies decode.
        #expect(error(typed(kind: 2, callBody())) == nil)
        #expect(error(typed(kind: 1, deployBody(codeLength: 8))) == nil)

        let kind = error(typed(kind: 3, callBody()))
        #expect(kind == .invalid(field: "kind", reason: "unknown transaction kind 3"))
        #expect(document.contains("`kind: unknown transaction kind K`"))
        #expect(error(typed(kind: 0, callBody()))?.field == "kind")

        let chain = error(typed(kind: 2, callBody(chainId: 0)))
        #expect(chain?.field == "chainId" && document.contains("`\(chain?.description ?? "-")`"))

        #expect(error(typed(kind: 2, callBody(gasLimit: 100_000_001)))
                == .outOfRange(field: "gasLimit", value: 100_000_001, maximum: 100_000_000))
        #expect(error(typed(kind: 2, callBody(gasPrice: Amount.maxSupply + 1)))
                == .outOfRange(field: "gasPrice", value: Amount.maxSupply + 1, maximum: Amount.maxSupply))
        let product = error(typed(kind: 2, callBody(gasLimit: 100_000_000, gasPrice: 21_000_001)))
        #expect(product?.field == "gasPrice" && document.contains("`\(product?.description ?? "-")`"))
        // At the cap exactly, it decodes.
        #expect(error(typed(kind: 2, callBody(gasLimit: 100_000_000, gasPrice: 21_000_000))) == nil)

        let upper = error(typed(kind: 2, callBody(method: Array("Transfer".utf8))))
        #expect(upper?.field == "method" && document.contains("`\(upper?.description ?? "-")`"))
        #expect(error(typed(kind: 2, callBody(method: [])))?.field == "method")
        #expect(error(typed(kind: 2, callBody(method: [UInt8](repeating: 0x61, count: 65))))
                == .oversize(field: "method", length: 65, maximum: 64))
        #expect(error(typed(kind: 2, callBody(method: [UInt8](repeating: 0x61, count: 64)))) == nil)
        #expect(error(typed(kind: 2, callBody(input: [UInt8](repeating: 0, count: 65_537))))
                == .oversize(field: "input", length: 65_537, maximum: 65_536))

        #expect(error(typed(kind: 1, deployBody(codeLength: 131_073))) == .oversize(field: "code", length: 131_073, maximum: 131_072))
        #expect(error(typed(kind: 1, deployBody(codeLength: 131_072))) == nil)
        #expect(error(typed(kind: 1, deployBody(codeLength: 8, inputLength: 65_537)))
                == .oversize(field: "input", length: 65_537, maximum: 65_536))
        #expect(error(typed(kind: 1, deployBody(codeLength: 7)))?.field == "code")
        #expect(error(typed(kind: 2, callBody()) + [0]) == .trailingBytes(count: 1))
    }

    @Test func sizesAndCapsAreTheDocumented() throws {
        let key = try KeyPair(seed: [UInt8](repeating: 7, count: 32))
        let gas = GasTerms(limit: 5_000_000, price: 1)
        let smallestDeploy = try Transaction(chainId: 3, key: key, nonce: 0, deploy: ContractDeploy(code: [UInt8](repeating: 0, count: 8), gas: gas))
        let largestDeploy = try Transaction(chainId: 3, key: key, nonce: 0,
                                            deploy: ContractDeploy(code: [UInt8](repeating: 1, count: 131_072),
                                                                   input: [UInt8](repeating: 2, count: 65_536), gas: gas))
        let smallestCall = try Transaction(chainId: 3, key: key, nonce: 0, contract: .zero,
                                           call: ContractInvocation(method: "a", gas: gas))
        let largestCall = try Transaction(chainId: 3, key: key, nonce: 0, contract: .zero,
                                          call: ContractInvocation(method: String(repeating: "a", count: 64),
                                                                   input: [UInt8](repeating: 2, count: 65_536), gas: gas))
        #expect(smallestDeploy.encoded.count == 147 && document.contains("| 147 (8-byte code, no input) |"))
        #expect(largestDeploy.encoded.count == 196_751 && Transaction.maxEncodedSize == 196_751)
        #expect(largestDeploy.encodedSize == largestDeploy.encoded.count)
        #expect(document.contains("**196,751** = 137 + 3 + 131,072 + 3 + 65,536 (`Transaction.maxEncodedSize`"))
        #expect(smallestCall.encoded.count == 160 && document.contains("| 160 (a 1-byte method, no input) |"))
        #expect(largestCall.encoded.count == 65_761 && document.contains("| 65,761 = 157 + 1 + 64 + 3 + 65,536 |"))
        #expect(Transaction.maxTransferEncodedSize == 402 && Transaction.minEncodedSize == 145)
        #expect(try Transaction(decoding: largestDeploy.encoded).hasValidSignature)

        #expect(GasTerms.maxGasLimit == 100_000_000 && document.contains("≤ 100,000,000 (`GasTerms.maxGasLimit`)"))
        #expect(ContractDeploy.maxCodeLength == 131_072 && ContractInvocation.maxInputLength == 65_536)
        #expect(BlockApplication.maxBlockGas == 200_000_000 && document.contains("at most **200,000,000** (`BlockApplication.maxBlockGas`"))
        #expect(BlockError.tooMuchGas(index: 2, limit: 100_000_000, remaining: 99_999_999).description
                == "transactions[2].gasLimit: 100000000 is more than the 99999999 gas left in the block (200000000 less the gas used before it)")
        #expect(document.contains("`transactions[i].gasLimit: LIMIT is more than the REMAINING gas left in the block (200000000 less the gas used before it)`"))
        #expect(document.contains("`transactions[i].kind: contract transactions are not run by this ledger`"))

        // The builders refuse what the decoder refuses.
        #expect(throws: TransactionError.self) {
            try Transaction(chainId: 0, key: key, nonce: 0, deploy: ContractDeploy(code: [UInt8](repeating: 0, count: 8), gas: gas))
        }
        #expect(throws: TransactionError.self) {
            try Transaction(chainId: 3, key: key, nonce: 0, contract: .zero,
                            call: ContractInvocation(method: "Bad", gas: gas))
        }
        #expect(throws: TransactionError.self) {
            try Transaction(chainId: 3, key: key, nonce: 0, contract: .zero,
                            call: ContractInvocation(method: "a", gas: GasTerms(limit: 100_000_001, price: 1)))
        }
    }

    // MARK: - Bounds the document states

    @Test func deploysShorterThanAModuleHeaderAreRefusedSoNoTransactionIsBelow145Bytes() throws {
        let key = try KeyPair(seed: [UInt8](repeating: 7, count: 32))
        #expect(throws: TransactionError.self) {
            try Transaction(chainId: 3, key: key, nonce: 0, deploy: ContractDeploy(code: [0, 97, 115, 109, 1, 0, 0], gas: GasTerms(limit: 50_000, price: 0)))
        }
        let smallest = try Transaction(chainId: 3, key: key, nonce: 0,
                                       deploy: ContractDeploy(code: [0, 97, 115, 109, 1, 0, 0, 0], gas: GasTerms(limit: 50_000, price: 0)))
        #expect(smallest.encoded.count == 147 && smallest.encoded.count >= Transaction.minEncodedSize)
        // The same bytes with a 7-byte code: the decoder names the field.
        var bytes = smallest.encoded
        bytes[73] = 7
        bytes.remove(at: 81)
        #expect(throws: CanonicalDecodingError.invalid(field: "code", reason: "7 bytes; a module is at least 8 (its header)")) {
            try Transaction(decoding: bytes)
        }
        let header = BlockHeader(height: 1, previousId: .zero, merkleRoot: MerkleTree.root(leaves: [smallest.id]), stateRoot: .zero,
                                 timestamp: 0, bits: 0x207fffff, beneficiary: .zero, nonce: 0)
        let block = Block(header: header, transactions: [smallest])
        #expect(try Block(decoding: block.encoded).transactions == [smallest])
        #expect(throws: TransactionError.self) { try Transaction(chainId: 0, key: key, nonce: 0, to: .zero, amount: 1, fee: 1) }
    }

    @Test func receiptsHoldWhatATransactionCanProduce() throws {
        let events = [ReceiptEvent](repeating: ReceiptEvent(contract: .zero, topic: [1], data: []), count: 65 * 64)
        let many = ContractReceipt(transaction: .zero, contract: .zero, gasUsed: 0, failure: nil, events: events, output: [])
        #expect(try ContractReceipt(decoding: many.encoded) == many)
        let long = ContractReceipt(transaction: .zero, contract: .zero, gasUsed: 0,
                                   failure: "reverted: " + String(repeating: "x", count: 64 * 1024), events: [], output: [])
        #expect(try ContractReceipt(decoding: long.encoded) == long)
        let tooLong = ContractReceipt(transaction: .zero, contract: .zero, gasUsed: 0,
                                      failure: String(repeating: "y", count: 200_000), events: [], output: [])
        #expect(try ContractReceipt(decoding: tooLong.encoded).failure?.utf8.count == 131_072)
    }
}
