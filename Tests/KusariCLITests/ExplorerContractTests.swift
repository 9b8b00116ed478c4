import Foundation
import KusariCore
import Testing
import WAT

/// The explorer's contract pages on a real mining `kusari node`: a hand-written module whose
/// storage key, stored value, event topic and event data are HTML, deployed and called (once
/// successfully, once trapping). Every page answers under the explorer's policy with the
/// contract's values escaped; unknown contracts and bad cursors get 404 pages.
extension ExplorerTests {
    /// `poke` stores `<i>value</i>` (a string in the argument encoding) under the key `<b>key</b>`,
    /// emits it as the data of the event `<script>x</script>` and returns u64 42; `fail` traps.
    static let pokeModule = #"""
        (module
          (import "kusari" "storage_write" (func $w (param i32 i32 i32 i32)))
          (import "kusari" "emit_event" (func $e (param i32 i32 i32 i32)))
          (import "kusari" "return_data" (func $r (param i32 i32)))
          (memory (export "memory") 1 16)
          (data (i32.const 0) "<b>key</b>")
          (data (i32.const 16) "\05\00\00\00\0c<i>value</i>")
          (data (i32.const 64) "<script>x</script>")
          (data (i32.const 96) "\01\00\00\00\00\00\00\00\2a")
          (func (export "poke")
            (call $w (i32.const 0) (i32.const 10) (i32.const 16) (i32.const 17))
            (call $e (i32.const 64) (i32.const 18) (i32.const 16) (i32.const 17))
            (call $r (i32.const 96) (i32.const 9)))
          (func (export "fail") unreachable))
        """#

    /// Posts `tx`, waits until it is confirmed, and returns its `/v1/txs` answer.
    func confirm(_ tx: Transaction, at node: NodeProcess) async throws -> [String: Any] {
        let reply = try await node.postTx(Hex.encode(tx.encoded))
        #expect(reply.status == 202, "\(reply.json)")
        var info: [String: Any] = [:]
        try await node.waitFor("transaction \(tx.id.hex) confirmed", seconds: 60) {
            info = try await node.get("/v1/txs/\(tx.id.hex)").json
            return info["status"] as? String == "confirmed"
        }
        return info
    }

    @Test func contractPagesShowCodeStorageAndCallsEscaped() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try NodeProcess(datadir: dir.appendingPathComponent("contracts").path,
                                   arguments: ["--mine", "--miner-address", miner.address(on: .devnet).string,
                                               "--miner-interval", "0.3", "--miner-threads", "1"])
        defer { node.stop() }
        let code = try wat2wasm(Self.pokeModule)
        let gas = GasTerms(limit: 10_000_000, price: 2)   // covers loading the code (18.5)
        let deploy = try Transaction(chainId: 3, key: faucet, nonce: 0, deploy: ContractDeploy(code: code, gas: gas))
        let deployed = try await confirm(deploy, at: node)
        #expect((deployed["receipt"] as? [String: Any])?["succeeded"] as? Bool == true, "\(deployed)")
        // The call's argument is the string `<u>in</u>` in the argument encoding (tag 05, u32 length).
        let argument: [UInt8] = [0x05, 0, 0, 0, 9] + Array("<u>in</u>".utf8)
        let poke = try Transaction(chainId: 3, key: faucet, nonce: 1, contract: deploy.to,
                                   call: ContractInvocation(method: "poke", input: argument, gas: gas))
        let fail = try Transaction(chainId: 3, key: faucet, nonce: 2, contract: deploy.to,
                                   call: ContractInvocation(method: "fail", gas: gas))
        let poked = try await confirm(poke, at: node)
        let receipt = try #require(poked["receipt"] as? [String: Any])
        #expect(receipt["succeeded"] as? Bool == true, "\(receipt)")
        let gasUsed = try #require(receipt["gasUsed"] as? Int)
        let failed = try await confirm(fail, at: node)
        #expect((failed["receipt"] as? [String: Any])?["succeeded"] as? Bool == false)
        let contract = Address(payload: deploy.to, network: .devnet).string
        let height = poked["height"] as? Int ?? -1

        let pages = ["/contract/\(contract)", "/contract/\(contract)?prefix=3c", "/contract/\(contract)?prefix=",
                     "/contract/\(contract)?after=3c", "/contract/\(contract)?before=\(height + 1)",
                     "/tx/\(deploy.id.hex)", "/tx/\(poke.id.hex)", "/tx/\(fail.id.hex)", "/block/\(height)",
                     "/account/\(contract)", "/account/\(faucet.address(on: .devnet).string)", "/"]
        for path in pages {
            let p = try await page(node, path)
            expectHTML(p, path)
            // The contract's HTML is shown as text wherever it appears, never as markup.
            #expect(!p.body.contains("<b>key") && !p.body.contains("<i>value") && !p.body.contains("<script>x")
                    && !p.body.contains("<u>in"), "\(path): contract bytes not escaped")
        }

        // The contract page: code hash, methods, the stored entry decoded, both calls and the deploy.
        let contractPage = try await page(node, "/contract/\(contract)").body
        #expect(contractPage.contains(Hash256.sha256(code).hex) && contractPage.contains(">poke<") && contractPage.contains(">fail<"))
        #expect(contractPage.contains("&lt;b&gt;key&lt;/b&gt;") && contractPage.contains("&quot;&lt;i&gt;value&lt;/i&gt;&quot;"))
        #expect(contractPage.contains(Hex.encode(Array("<b>key</b>".utf8))))
        #expect(contractPage.contains("&lt;script&gt;x&lt;/script&gt;") && contractPage.contains(">\(gasUsed)<"))
        #expect(contractPage.components(separatedBy: "<tr class=\"call\">").count - 1 == 3, "deploy and two calls")
        #expect(contractPage.contains("tag bad") && contractPage.contains("tag ok"))
        #expect(contractPage.contains("&quot;&lt;u&gt;in&lt;/u&gt;&quot;"), "the call's argument, decoded")

        // The call's page: kind, method, gas terms, the argument decoded, and its receipt.
        let txPage = try await page(node, "/tx/\(poke.id.hex)").body
        #expect(txPage.contains("id=\"receipt\"") && txPage.contains("href=\"/contract/\(contract)\""))
        #expect(txPage.contains("<td class=\"mono\" id=\"tx-method\">poke</td>") && txPage.contains(">10000000<"))
        #expect(txPage.contains("\(gasUsed) of 10000000") && txPage.contains(Amount.format(UInt64(gasUsed) * 2) + " KSR (gas used"))
        #expect(txPage.contains("<span class=\"cv-type\">u64</span> <span class=\"cv-text\">42</span>"), "the output, decoded")
        let failPage = try await page(node, "/tx/\(fail.id.hex)").body
        #expect(failPage.contains("tag bad") && failPage.contains("No events"))
        #expect(try await page(node, "/tx/\(deploy.id.hex)").body.contains(Hash256.sha256(code).hex))
        let blockPage = try await page(node, "/block/\(height)").body
        #expect(blockPage.contains("contract-tx") && blockPage.contains("href=\"/contract/\(contract)\""))
        // The call is alone in its block (each transaction was confirmed before the next was sent): the block's
        // fees are what it paid, gas used x gas price, not the fee it reserved.
        #expect(blockPage.contains("\(gasUsed) gas</span>"))
        #expect(blockPage.contains("id=\"block-fees\">" + Amount.format(UInt64(gasUsed) * 2) + " KSR</td>"), "block fees")
        #expect(try await page(node, "/account/\(contract)").body.contains("id=\"contract-link\""))
        #expect(try await page(node, "/search?q=\(contract)").finalPath == "/contract/\(contract)")

        // A deploy whose init traps creates no contract: its page says so, and the contract page of its address
        // is a 404 page that links the account page. A call still in the mempool has no receipt yet.
        let trapping = try wat2wasm(#"(module (func (export "init") unreachable) (memory (export "memory") 1 16))"#)
        let badDeploy = try Transaction(chainId: 3, key: faucet, nonce: 3, deploy: ContractDeploy(code: trapping, gas: gas))
        #expect((try await confirm(badDeploy, at: node)["receipt"] as? [String: Any])?["succeeded"] as? Bool == false)
        let badPage = try await page(node, "/tx/\(badDeploy.id.hex)")
        expectHTML(badPage, "/tx/\(badDeploy.id.hex)")
        #expect(badPage.body.contains("id=\"deploy-failed\"") && badPage.body.contains("tag bad"))
        let noContract = Address(payload: badDeploy.to, network: .devnet).string
        let missing = try await page(node, "/contract/\(noContract)")
        expectHTML(missing, "/contract/\(noContract)", status: 404)
        #expect(missing.body.contains("id=\"see-also\" href=\"/account/\(noContract)\""))
        let queued = try Transaction(chainId: 3, key: faucet, nonce: 9, contract: deploy.to,
                                     call: ContractInvocation(method: "poke", gas: gas))
        #expect(try await node.postTx(Hex.encode(queued.encoded)).status == 202)
        let pendingPage = try await page(node, "/tx/\(queued.id.hex)")
        expectHTML(pendingPage, "/tx/\(queued.id.hex)")
        #expect(pendingPage.body.contains("id=\"no-receipt\">No receipt yet"))

        // A plain account, a malformed address and malformed cursors are 404 pages.
        for path in ["/contract/\(bob.address(on: .devnet).string)", "/contract/garbage", "/contract/\(contract)?after=zz",
                     "/contract/\(contract)?prefix=abc", "/contract/\(contract)?before=x",
                     "/contract/\(contract)?prefix=\(String(repeating: "00", count: 129))"] {
            let p = try await page(node, path)
            expectHTML(p, path, status: 404)
        }
    }
}
