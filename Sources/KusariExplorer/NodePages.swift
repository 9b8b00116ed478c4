import Hummingbird
import KusariAPI
import KusariCore
import KusariNode

/// The pages about the node's mempool, its block tree and its peers, and search.
extension Site {
    /// Projected blocks shown at most, and transactions listed per projected block.
    static let projectedBlocks = 8, listedPerBlock = 50

    /// `/mempool`: mirrors `/v1/mempool`, as the blocks a miner would make next, best fee rate first.
    func mempool() async -> Response {
        let status = await node.status()
        let room = node.config.maxBlockBytes - BlockHeader.encodedSize - 8
        let blocks = await node.projectedBlocks(Self.projectedBlocks).map { $0.map(views.poolEntry) }
        let projectedCount = blocks.reduce(0) { $0 + $1.count }
        let projected: [[String: Any]] = blocks.enumerated().map { n, txs in
            let size = txs.reduce(0) { $0 + $1.size }, fees = txs.reduce(UInt64(0)) { $0 &+ $1.fee }
            // Fee rates compared exactly: fee_a / size_a < fee_b / size_b (amounts and sizes are small enough not to overflow).
            let lower = { (a: View.PoolEntry, b: View.PoolEntry) in a.fee * UInt64(b.size) < b.fee * UInt64(a.size) }
            let rate = { (e: View.PoolEntry?) in e.map { Format.feeRate(fee: $0.fee, size: $0.size) } ?? "0" }
            return ["number": n + 1, "count": txs.count, "size": Format.bytes(size), "fees": Format.ksr(fees),
                    "best": rate(txs.max(by: lower)), "worst": rate(txs.min(by: lower)),
                    "fill": min(100, size * 100 / max(1, room)), "more": max(0, txs.count - Self.listedPerBlock), "hasMore": txs.count > Self.listedPerBlock,
                    "transactions": txs.prefix(Self.listedPerBlock).map { e in
                        ["id": e.id, "short": Format.short(e.id), "from": e.from, "to": e.to, "amount": Format.ksr(e.amount),
                         "fee": Format.ksr(e.fee), "rate": Format.feeRate(fee: e.fee, size: e.size), "size": e.size] as [String: Any]
                    }]
        }
        return renderer.page("mempool", title: "Mempool", scripts: ["live.js"], [
            "count": status.mempoolCount, "bytes": Format.bytes(status.mempoolBytes), "projected": projected,
            "rest": max(0, status.mempoolCount - projectedCount), "hasRest": status.mempoolCount > projectedCount, "minFee": status.minFeePerByte,
        ])
    }

    /// `/chain?depth=`: mirrors `/v1/chain/tree` (default 30 heights), one row per height, side branches beside the best chain.
    func chain(depth text: String?) async throws -> Response {
        let depth = try Query.treeDepth(text, fallback: 30)
        let tree = views.tree(await node.tree(depth: depth))
        var rows: [[String: Any]] = []
        let byHeight = Dictionary(grouping: tree.blocks, by: \.height)
        for height in byHeight.keys.sorted(by: >) {
            let here = byHeight[height] ?? []
            let cell = { (b: View.TreeBlock) -> [String: Any] in
                ["id": b.id, "short": Format.short(b.id), "previous": Format.short(b.previousId), "status": b.status,
                 "time": Format.time(b.timestamp), "onBestChain": b.onBestChain]
            }
            rows.append(["height": height, "best": here.filter(\.onBestChain).map(cell), "side": here.filter { !$0.onBestChain }.map(cell)])
        }
        let sideCount = tree.blocks.filter { !$0.onBestChain }.count
        return renderer.page("chain", title: "Chain", scripts: ["live.js"], [
            "tree": tree, "rows": rows, "sideCount": sideCount, "hasSide": sideCount > 0, "depth": depth,
        ])
    }

    /// `/network`: mirrors `/v1/peers` and `/v1/bans`.
    func networkPage() async -> Response {
        let peers = (await p2p?.peerList() ?? []).map(views.peer)
        let bans = (await p2p?.banList() ?? []).map(views.ban)
        let status = await node.status()
        return renderer.page("network", title: "Network", scripts: ["live.js"], [
            "peers": peers.map { p -> [String: Any] in
                var row: [String: Any] = ["peer": p, "in": Format.bytes(p.bytesIn), "out": Format.bytes(p.bytesOut)]
                if let h = p.height, h < status.height { row["behind"] = status.height - h }
                return row
            },
            "bans": bans.map { ["ban": $0, "until": Format.time($0.until)] as [String: Any] },
            "height": status.height, "peerCount": peers.count, "listening": p2p != nil,
        ])
    }

    /// `/search?q=`: a height, a block id, a transaction id or an address (a contract's to its
    /// contract page), else a 404 page.
    func search(_ query: String) async throws -> Response {
        let q = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !q.isEmpty else { return renderer.errorPage(status: .notFound, message: "type a block height or id, a transaction id or an address") }
        if q.count < 20, let h = UInt64(q) {
            if await node.blockId(atHeight: h) != nil { return Renderer.redirect("/block/\(h)") }
        } else if let hash = try? Hash256(hex: q) {
            if await node.knowsBlock(hash) { return Renderer.redirect("/block/\(hash.hex)") }
            if await node.knowsTransaction(hash) { return Renderer.redirect("/tx/\(hash.hex)") }
        } else if let address = try? Address(parsing: q, network: network) {
            // An address with code goes to its contract page (which links its account page).
            let isContract = (try? await node.account(address.payload, atHeight: nil))?.account.isContract ?? false
            return Renderer.redirect((isContract ? "/contract/" : "/account/") + address.string)
        }
        return renderer.errorPage(status: .notFound, message: "nothing on this chain matches '\(q)'")
    }
}
