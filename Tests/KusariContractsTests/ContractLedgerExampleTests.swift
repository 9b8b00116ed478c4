import Foundation
import KusariContracts
import KusariCore
import Testing

/// docs/protocol.md section 15.4's block (computed in Python by docs/contract-example.py):
/// applying its deploy and call with `ContractEngine` gives the documented gas, fees,
/// balances, state root and receipt.
@Suite struct ContractLedgerExampleTests {
    let document: String

    init() throws {
        document = try String(contentsOf: packageRoot.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
    }

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

    @Test func theExampleBlockAppliesAsDocumented() throws {
        let t = try fields(after: "<!-- worked-example:contract-transactions -->")
        let b = try fields(after: "<!-- worked-example:contract-block -->")
        let value = { (f: [String: String], name: String) throws -> String in try #require(f[name], "no \(name)") }
        let number = { (f: [String: String], name: String) throws -> UInt64 in try #require(UInt64(try value(f, name))) }

        let key = try KeyPair(seed: try Hex.decode(try value(t, "seed")))
        let sender = AddressPayload(publicKey: key.publicKey)
        let deploy = try Transaction(decoding: try Hex.decode(try value(t, "deployTransaction")))
        let call = try Transaction(decoding: try Hex.decode(try value(t, "callTransaction")))
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: 0x207fffff,
                                  allocations: [.init(address: key.address(on: .devnet).string, amount: 1_000_000_000)])
        let beneficiary = try #require(AddressPayload(bytes: [UInt8](repeating: 0xBE, count: 20)))
        let applied = try BlockApplication.execute([deploy, call], on: try genesis.state(), height: 1, time: 1_764_000_060,
                                                   beneficiary: beneficiary, rules: genesis.rules, contracts: ContractEngine())

        #expect(applied.receipts.count == 2)
        let deployReceipt = try #require(applied.receipts.first)
        #expect(deployReceipt.gasUsed == (try number(b, "deployGasUsed")))
        #expect(deployReceipt.failure?.hasPrefix("code: ") == true)
        #expect(deployReceipt.contract.hex == (try value(t, "contract")))
        #expect(applied.fees == (try number(b, "deployCharged")) + 10 * (try number(b, "callGasUsed")))
        let callReceipt = try #require(applied.receipts.last)
        #expect(callReceipt.gasUsed == (try number(b, "callGasUsed")))
        #expect(Hex.encode(callReceipt.encoded) == (try value(b, "callReceipt")))

        #expect(applied.state.account(sender) == Account(balance: try number(b, "senderBalance"), nonce: 2))
        #expect(applied.state.account(beneficiary).balance == (try number(b, "beneficiaryBalance")))
        #expect(Account.leafHash(key: sender, value: applied.state.account(sender)).hex == (try value(b, "senderLeaf")))
        #expect(Account.leafHash(key: beneficiary, value: applied.state.account(beneficiary)).hex == (try value(b, "beneficiaryLeaf")))
        #expect(applied.state.account(deploy.to).isEmpty)
        #expect(applied.state.root.hex == (try value(b, "stateRoot")))
        #expect(applied.newCode.isEmpty && applied.storageUndo.isEmpty)
        // No contract was touched, so the undo record has no contract extension (11.4).
        #expect(applied.undoRecord.encoded.count == 1 + 36 * applied.undo.count)

        // The storing cost of 18.7 is the documented one.
        #expect(ContractEngine().deployCost(codeLength: 8) == 2_160)
        #expect(document.contains("**2,000 + 20 × c**"))
    }
}
