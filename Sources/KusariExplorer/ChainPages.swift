import Hummingbird
import KusariAPI
import KusariConsensus
import KusariCore
import KusariNode

/// The pages that read the chain: the dashboard, a block, a transaction, an account.
extension Site {
    /// `/`: mirrors `/v1/status` and `/v1/blocks`.
    func dashboard() async throws -> Response {
        let status = views.status(await node.status())
        // Ten blocks for the table and the latest transactions; twenty headers (no block read) for the interval.
        let recent = try await node.blocks(before: nil, limit: 10)
        let headers = await node.recentHeaders(20)
        let now = Format.now()
        var latestTxs: [[String: Any]] = []
        for info in recent where latestTxs.count < 10 {
            for t in info.block.transactions.reversed() where latestTxs.count < 10 {
                latestTxs.append(txRow(views.tx(t), height: info.block.header.height))
            }
        }
        var context: [String: Any] = [
            "status": status, "blocks": recent.map { blockRow(views.block($0, full: false), now: now) },
            "transactions": latestTxs, "mempoolBytes": Format.bytes(status.mempool.bytes),
            "tipShort": Format.short(status.tip), "hasTransactions": !latestTxs.isEmpty,
            "isBFT": status.consensus == "bft",
        ]
        context.merge(await consensusCards(tip: status.height)) { a, _ in a }
        // The mean interval and the hash rate it implies, over the recent blocks (the genesis time is arbitrary).
        let mined = headers.filter { $0.height > 0 }
        if mined.count >= 2, let first = mined.last, let last = mined.first {
            let span = last.timestamp > first.timestamp ? last.timestamp - first.timestamp : 0
            let intervals = UInt64(mined.count - 1)
            context["interval"] = "\(span / intervals).\(span * 10 / intervals % 10) s"
            context["intervalCount"] = intervals
            if span > 0, status.consensus == "pow", let work = try? ChainWork.work(bits: last.bits) {
                context["hashRate"] = Format.rate(Format.approximate(work) * Double(intervals) / Double(span), unit: "H/s")
            }
        }
        return renderer.page("dashboard", title: "Kusari explorer", scripts: ["live.js"], context)
    }

    /// `/block/{id or height}`: mirrors `/v1/blocks/{ref}?txs=full`; contract transactions are
    /// marked with their kind, method and gas used, and count the fee they paid, not the one they reserved;
    /// the exchange's auctions at the end of the block are listed, each linking its audit.
    func block(_ ref: String) async throws -> Response {
        let info = try await blockInfo(ref)
        let view = views.block(info, full: true)
        let h = info.block.header.height
        // A deploy or call pays gas used x gas price of the fee it reserved (the rest is refunded): its
        // receipt, stored when the block joined the best chain, says how much. One read per contract transaction.
        var fees: UInt64 = 0, feesAtMost = false
        var rows: [[String: Any]] = []
        for (t, v) in zip(info.block.transactions, view.fullTransactions ?? []) {
            var row = txRow(v, height: nil)
            row["hasGasUsed"] = false
            var paid = t.fee
            if let gas = t.action.gas {
                if info.onBestChain, let receipt = await node.receipt(t.id) {
                    paid = ContractFormat.feePaid(gasUsed: receipt.gasUsed, price: gas.price)
                    row["gasUsed"] = receipt.gasUsed
                    row["hasGasUsed"] = true
                    row["fee"] = Format.ksr(paid)
                } else {
                    feesAtMost = true
                }
            }
            fees &+= paid
            rows.append(row)
        }
        let subsidy = node.config.genesis.rules.scheduledSubsidy(height: h)
        var context: [String: Any] = [
            "block": view, "header": view.header, "size": Format.bytes(view.size), "time": Format.time(view.header.timestamp),
            "fees": Format.ksr(fees), "subsidy": Format.ksr(subsidy), "reward": Format.ksr(subsidy &+ fees),
            "feesAtMost": feesAtMost, "transactions": rows, "isGenesis": h == 0,
        ]
        if info.onBestChain, let next = await node.blockId(atHeight: h + 1) { context["nextId"] = next.hex }
        context.merge(try await blockConsensus(info, view: view)) { _, b in b }
        context.merge(await blockAuctions(height: h, onBestChain: info.onBestChain)) { a, _ in a }
        return renderer.page("block", title: "Block \(h)", context)
    }

    /// `/tx/{id}`: mirrors `/v1/txs/{id}`, and draws the Merkle proof against the block header;
    /// a deploy or call also shows its gas, input and receipt.
    func transaction(_ id: String) async throws -> Response {
        let info = try await node.transaction(try Path.hash(id, field: "id"))
        let view = views.txInfo(info)
        var context: [String: Any] = ["info": view, "tx": txRow(view.tx, height: view.height), "pending": info.status == .pending,
                                      "isBFT": views.consensus == "bft"]
        context.merge(contractDetails(info.tx, receipt: info.receipt, pending: info.status == .pending)) { a, _ in a }
        context.merge(await exchangeDetails(info.tx, receipt: info.receipt, pending: info.status == .pending)) { a, _ in a }
        if let memo = Format.memoText(hex: view.tx.memo) { context["memoText"] = memo }
        if !view.tx.memo.isEmpty { context["memoHex"] = view.tx.memo }
        if let blockId = info.blockId, let block = try? await node.block(.id(blockId)) {
            context["block"] = views.block(block, full: false)
            context["onSideBranch"] = !block.onBestChain
        }
        if let proof = view.proof {
            context["proof"] = proof
            context["steps"] = proof.path.enumerated().map { ["level": $0.offset, "hash": $0.element] }
        }
        return renderer.page("tx", title: "Transaction \(Format.short(view.id))", scripts: ["proofs.js"], context)
    }

    /// `/account/{address}`: mirrors `/v1/accounts/{address}` and `/v1/accounts/{address}/txs`;
    /// a contract's account links its contract page.
    func account(_ text: String, before: String?) async throws -> Response {
        let address = try Path.address(text, network: network)
        // The proof and the header whose state root it was made against, from one view of the chain.
        let (account, header) = try await node.accountWithHeader(address)
        let info = views.account(account)
        let (height, position) = try Query.historyCursor(before)
        let limit = 20
        let history = try await node.history(address, before: height, position: position, limit: limit)
        let rows: [[String: Any]] = history.map { i in
            var row = txRow(views.tx(i.tx), height: i.height)
            row["incoming"] = i.tx.to == address
            return row
        }
        var context: [String: Any] = ["account": info, "balance": Format.ksr(info.balance), "history": rows,
                                      "siblings": info.proof.siblings.enumerated().map { ["depth": $0.offset, "hash": $0.element] }]
        context["headerStateRoot"] = header.stateRoot.hex
        context["isContract"] = account.account.isContract
        context.merge(await accountExchange(address)) { a, _ in a }
        if history.count == limit, let last = history.last, let h = last.height { context["next"] = "\(h):\(last.position ?? 0)" }
        return renderer.page("account", title: "Account \(info.address)", scripts: ["proofs.js"], context)
    }
}
