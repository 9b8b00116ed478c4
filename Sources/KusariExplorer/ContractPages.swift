import Hummingbird
import KusariAPI
import KusariContracts
import KusariCore
import KusariNode

/// The contract page, and what the transaction and account pages show of contracts.
extension Site {
    /// Storage entries listed per contract page, and calls per page of its history.
    static let storagePage = 50, callsPage = 20

    /// `/contract/{address}?prefix=&after=&before=`: mirrors `/v1/contracts/{address}`, its
    /// storage listing (`/v1/contracts/{address}/storage`, `prefix` and `after` in hex) and the
    /// address's history (`/v1/accounts/{address}/txs`, `before` as `height:position`): the
    /// deploy and the calls, each with its receipt. A plain account is a 404 page.
    func contract(_ text: String, form: Form) async throws -> Response {
        let address = try Path.address(text, network: network)
        let maxKey = ContractLimits.standard.maxKeyLength
        let prefixText = form["prefix"] ?? ""
        let prefix = try Path.hexBytes(prefixText, field: "prefix", maximum: maxKey)
        let after = try form["after"].map { try Path.hexBytes($0, field: "after", maximum: maxKey) }
        let (height, position) = try Query.historyCursor(form["before"])
        let info: ContractInfo
        do { info = try await node.contract(address) } catch {
            guard case .notFound = error else { throw error }
            // A plain account, or where a deploy failed: say so, and link the account page.
            let text = views.address(address)
            return renderer.errorPage(status: .notFound, message: "no contract at \(text): no code is stored there "
                                      + "(it is a plain account, or a deploy to it failed)", seeAlso: ("/account/" + text, "its account page"))
        }
        let view = views.contract(info)
        let entries = try await node.storage(address, prefix: prefix, after: after, limit: Self.storagePage)
        let history = try await node.history(address, before: height, position: position, limit: Self.callsPage)
        var context: [String: Any] = [
            "contract": view, "balance": Format.ksr(view.balance), "codeSize": "\(view.codeSize) bytes",
            "methods": view.methods.map { ["methodName": $0] }, "hasMethods": !view.methods.isEmpty,
            "storage": entries.map { e in
                ["key": ContractFormat.key(e.key, network: network), "value": ContractFormat.blob(e.value, network: network),
                 "keyHex": Hex.encode(e.key)] as [String: Any]
            },
            "prefix": Hex.encode(prefix), "filtered": !prefix.isEmpty, "paged": after != nil,
            "calls": history.map(callRow),
        ]
        if entries.count == Self.storagePage, let last = entries.last {
            context["storageNext"] = "/contract/\(view.address)?prefix=\(Hex.encode(prefix))&after=\(Hex.encode(last.key))"
        }
        if history.count == Self.callsPage, let last = history.last, let h = last.height {
            context["callsNext"] = "/contract/\(view.address)?before=\(h):\(last.position ?? 0)"
        }
        return renderer.page("contract", title: "Contract \(view.address)", context)
    }

    /// A row of a contract's history: a deploy, a call or a plain transfer to it, with
    /// what its receipt says (success or failure, gas, fee paid, events).
    func callRow(_ i: TransactionInfo) -> [String: Any] {
        var row = txRow(views.tx(i.tx), height: i.height)
        row.merge(contractDetails(i.tx, receipt: i.receipt, pending: i.status == .pending)) { _, new in new }
        return row
    }

    /// What the pages show of a transaction's contract side, every key always present
    /// (false or empty when it does not apply): its action (method, gas terms, input,
    /// deployed code) and its receipt (outcome, gas used, fee paid and refunded, events, output).
    func contractDetails(_ tx: Transaction, receipt: ContractReceipt?, pending: Bool) -> [String: Any] {
        var out: [String: Any] = ["isDeploy": false, "isCall": false, "hasReceipt": false, "awaitingReceipt": false,
                                  "gasLimit": 0, "gasPrice": 0, "callMethod": "", "hasCallMethod": false,
                                  "input": ContractFormat.blob([], network: network), "deployedCode": false,
                                  "contractAddress": "", "receiptMissing": false, "receipt": false, "deployFailed": false]
        let gas: GasTerms
        switch tx.action {
        case .transfer, .exchange, .staking:
            return out
        case .deploy(let d):
            gas = d.gas
            out["isDeploy"] = true
            out["input"] = ContractFormat.blob(d.input, network: network)
            out["deployedCode"] = ["codeHash": d.codeHash.hex, "codeBytes": d.code.count] as [String: Any]
        case .call(let c):
            gas = c.gas
            out["isCall"] = true
            out["callMethod"] = c.method
            out["hasCallMethod"] = true
            out["input"] = ContractFormat.blob(c.input, network: network)
        }
        out["gasLimit"] = gas.limit
        out["gasPrice"] = gas.price
        out["contractAddress"] = views.address(tx.to)
        guard let receipt else {
            out["awaitingReceipt"] = true
            out["receiptMissing"] = !pending
            return out
        }
        let paid = ContractFormat.feePaid(gasUsed: receipt.gasUsed, price: gas.price)
        out["hasReceipt"] = true
        out["deployFailed"] = out["isDeploy"] as? Bool == true && !receipt.succeeded
        out["receipt"] = [
            "succeeded": receipt.succeeded, "failed": !receipt.succeeded, "failure": receipt.failure ?? "",
            "gasUsed": receipt.gasUsed, "gasShare": Format.percent(receipt.gasUsed, of: gas.limit),
            "feePaid": Format.ksr(paid), "refund": Format.ksr(tx.fee >= paid ? tx.fee - paid : 0),
            "events": receipt.events.map { e in
                ["topic": String(decoding: e.topic, as: UTF8.self), "emitter": views.address(e.contract),
                 "fromOther": e.contract != receipt.contract, "data": ContractFormat.blob(e.data, network: network)] as [String: Any]
            },
            "hasEvents": !receipt.events.isEmpty, "eventCount": receipt.events.count,
            "output": ContractFormat.blob(receipt.output, network: network),
        ] as [String: Any]
        return out
    }
}
