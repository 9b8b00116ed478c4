import Foundation
import Testing
@testable import KusariCore

@Suite struct GenesisTests {
    let alice = testKey(1).address(on: .devnet).string
    let bob = testKey(2).address(on: .devnet).string

    func json(_ body: String) -> Data { Data(body.utf8) }

    @Test func sameFileSameIdWhateverTheOrder() throws {
        let g1 = try Genesis(json: json(#"{"network":"devnet","chainId":3,"timestamp":1764000000,"bits":"0x207fffff","alloc":[{"address":"\#(alice)","amount":5},{"address":"\#(bob)","amount":7}]}"#))
        let g2 = try Genesis(json: json(#"{"alloc":[{"amount":7,"address":"\#(bob)"},{"address":"\#(alice)","amount":5}],"bits":"0x207fffff","timestamp":1764000000,"chainId":3,"network":"devnet"}"#))
        #expect(try g1.block().id == g2.block().id)
        let block = try g1.block()
        #expect(block.header.height == 0)
        #expect(block.header.previousId == .zero)
        #expect(block.header.merkleRoot == MerkleTree.emptyRoot)
        #expect(try g1.state().account(Address(parsing: alice).payload).balance == 5)
        #expect(g1.rules.genesisAllocated == 12)
        // Round trip through our own writer.
        #expect(try Genesis(json: g1.jsonData()) == g1)
    }

    @Test func errorsNameTheField() {
        func fails(_ body: String, _ field: String) {
            do {
                _ = try Genesis(json: json(body))
                Issue.record("accepted: \(body)")
            } catch {
                guard case .field(let f, _) = error else { return }
                #expect(f == field, "\(body): \(error)")
            }
        }
        let head = #""network":"devnet","chainId":3,"timestamp":1,"bits":"0x207fffff""#
        fails("{\(head),\"alloc\":[{\"address\":\"\(alice)\",\"amount\":0}]}", "alloc[0].amount")
        fails("{\(head),\"alloc\":[{\"address\":\"\(alice)\",\"amount\":1},{\"address\":\"\(alice)\",\"amount\":1}]}", "alloc[1].address")
        fails("{\(head),\"alloc\":[{\"address\":\"\(testKey(1).address(on: .main).string)\",\"amount\":1}]}", "alloc[0].address")
        fails("{\(head),\"alloc\":[{\"address\":\"\(alice)\",\"amount\":2100000000000000},{\"address\":\"\(bob)\",\"amount\":1}]}", "alloc[1].amount")
        fails(#"{"network":"moon","chainId":3,"timestamp":1,"bits":"0x207fffff","alloc":[]}"#, "network")
        fails(#"{"network":"devnet","chainId":3,"timestamp":1,"bits":"207fffff","alloc":[]}"#, "bits")
        fails(#"{"network":"devnet","chainId":3,"timestamp":1,"alloc":[]}"#, "bits")
        fails(#"{"network":"devnet","chainId":"three","timestamp":1,"bits":"0x207fffff","alloc":[]}"#, "chainId")
        fails(#"{"network":"devnet","chainId":3,"timestamp":1,"bits":"0x207fffff","alloc":[{"address":"x","amount":-1}]}"#, "alloc[0].amount")
        fails("not json", "genesis")
    }
}
