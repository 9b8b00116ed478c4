import Hummingbird
import KusariAPI
import KusariConsensus
import KusariCore
import KusariNode

/// The teaching pages: the ideas of the well-known browser blockchain demo,
/// on this node's real blocks and transactions.
extension Site {
    /// How many blocks the blockchain and distributed pages lay side by side.
    static let blocksSideBySide = 5

    func learnIndex() -> Response { renderer.page("learn", title: "Learn", [:]) }

    /// `/learn/hash`: SHA-256 of a text, recomputed in the page on every keystroke.
    func learnHash(text: String?) -> Response {
        let text = text ?? "Kusari"
        return renderer.page("learn-hash", title: "Hash", scripts: ["learn.js"],
                             ["text": text, "digest": Hash256.sha256(Array(text.utf8)).hex])
    }

    /// `/learn/block?ref=`: a real header (default: the tip), editable, its id recomputed in the page.
    func learnBlock(_ ref: String?) async throws -> Response {
        let info: BlockInfo
        if let ref { info = try await blockInfo(ref) } else { info = try await node.block(.height(await node.status().height)) }
        var block = card(info)
        block["powLimit"] = PowParameters.kusari(network).powLimit.hexString
        return renderer.page("learn-block", title: "Block", scripts: ["blockmodel.js", "learn.js"], ["block": block])
    }

    /// `/learn/blockchain?from=`: recent blocks side by side; edit an amount and watch the links break.
    func learnBlockchain(from: String?) async throws -> Response {
        let blocks = try await sideBySide(from: from)
        return renderer.page("learn-blockchain", title: "Blockchain", scripts: ["blockmodel.js", "learn.js"],
                             ["blocks": blocks.map(card), "from": blocks.first?.block.header.height ?? 0,
                              "hasTransfers": blocks.contains { !$0.block.transactions.isEmpty }])
    }

    /// `/learn/distributed?from=`: the same blocks as each known node holds them.
    func learnDistributed(from: String?) async throws -> Response {
        let infos = try await sideBySide(from: from)
        let blocks = infos.map(card)
        let peers = (await p2p?.peerList() ?? []).map(views.peer)
        let height = await node.status().height
        var copies: [[String: Any]] = [["name": "This node", "real": true, "blocks": blocks]]
        for name in ["Copy B", "Copy C"] { copies.append(["name": name, "real": false, "blocks": blocks]) }
        return renderer.page("learn-distributed", title: "Distributed", scripts: ["blockmodel.js", "learn.js"], [
            "copies": copies, "height": height, "hasTransfers": infos.contains { !$0.block.transactions.isEmpty },
            "peers": peers.map { p -> [String: Any] in
                ["peer": p, "agrees": p.height.map { $0 >= height } ?? false]
            },
        ])
    }

    /// `/learn/tokens?block=&address=`: a block's transfers and reward, and where an address's coins were minted.
    func learnTokens(_ ref: String?, address text: String?) async throws -> Response {
        let info: BlockInfo
        if let ref { info = try await blockInfo(ref) } else if let latest = try await latestWithTransactions() { info = latest } else {
            info = try await node.block(.height(await node.status().height))
        }
        let fees = info.block.transactions.reduce(UInt64(0)) { $0 &+ $1.fee }
        let subsidy = node.config.genesis.rules.scheduledSubsidy(height: info.block.header.height)
        let start = try text.map { try Path.address($0, network: network) }
            ?? info.block.transactions.first?.to ?? info.block.header.beneficiary
        return renderer.page("learn-tokens", title: "Tokens and coinbase", [
            "block": views.block(info, full: false), "transfers": info.block.transactions.map { txRow(views.tx($0), height: nil) },
            "beneficiary": views.address(info.block.header.beneficiary), "subsidy": Format.ksr(subsidy),
            "fees": Format.ksr(fees), "reward": Format.ksr(subsidy &+ fees),
            "trace": try await trace(start), "traced": views.address(start),
        ])
    }

    /// `/learn/keys?tx=`: Ed25519 in the page, then a real transaction's signature (default: the latest).
    func learnKeys(tx: String?) async throws -> Response {
        var context: [String: Any] = [:]
        let found: Transaction?
        if let tx { found = try await node.transaction(try Path.hash(tx, field: "tx")).tx } else {
            found = try await latestWithTransactions()?.block.transactions.last
        }
        if let t = found {
            context["tx"] = ["id": t.id.hex, "raw": Hex.encode(t.encoded), "publicKey": t.publicKey.hex,
                             "signature": t.signature.hex, "from": views.address(t.from),
                             "payload": Hex.encode(t.signingPayload)]
        }
        return renderer.page("learn-keys", title: "Keys and signatures", scripts: ["learn.js"], context)
    }

    // MARK: - Helpers

    /// A block's header fields and transactions, as the page scripts rebuild them.
    func card(_ info: BlockInfo) -> [String: Any] {
        let h = info.block.header
        return ["id": info.id.hex, "height": h.height, "version": h.version, "previousId": h.previousId.hex,
                "merkleRoot": h.merkleRoot.hex, "stateRoot": h.stateRoot.hex, "timestamp": h.timestamp,
                "time": Format.time(h.timestamp), "bits": views.bitsHex(h.bits), "beneficiary": h.beneficiary.hex,
                "nonce": h.nonce, "target": Format.target(bits: h.bits) ?? "", "header": Hex.encode(h.encoded),
                "transactions": info.block.transactions.map { t -> [String: Any] in
                    ["id": t.id.hex, "raw": Hex.encode(t.encoded), "amount": t.amount, "fee": t.fee,
                     "from": Format.short(views.address(t.from)), "to": Format.short(views.address(t.to))]
                }]
    }

    /// How many recent blocks the learn pages look through for one with transactions,
    /// and how far (hops, and transactions per hop) the tokens page follows coins back.
    static let transferSearchDepth = 20, traceHops = 6, traceScan = 4

    /// The newest best-chain block with transactions among the last few (headers only, one block read).
    func latestWithTransactions() async throws -> BlockInfo? {
        try await node.latestWithTransactions(within: Self.transferSearchDepth)
    }

    /// Consecutive best-chain blocks from `from` (default: around the newest block with transactions, else the tip),
    /// read in one call so that they come from one view of the chain.
    func sideBySide(from: String?) async throws -> [BlockInfo] {
        let tip = await node.status().height
        let count = UInt64(Self.blocksSideBySide)
        let start: UInt64
        if let from {
            guard let h = UInt64(from), h <= tip else { throw APIError(.notFound, "not_found", "from: no block at height '\(from)'") }
            start = h
        } else if let b = try await latestWithTransactions() {
            start = min(b.block.header.height >= 1 ? b.block.header.height - 1 : 0, tip >= count - 1 ? tip - (count - 1) : 0)
        } else {
            start = tip >= count - 1 ? tip - (count - 1) : 0
        }
        return try await node.blocks(from: start, count: Self.blocksSideBySide)
    }

    /// Follows an address's coins back, one incoming transfer at a time, to an
    /// account that received none: there they were minted (genesis or rewards).
    /// Bounded: at most `traceHops` hops, each looking at the address's
    /// `traceScan` newest transactions.
    func trace(_ start: AddressPayload) async throws -> [[String: Any]] {
        var steps: [[String: Any]] = [], current = start, seen: Set<AddressPayload> = []
        while seen.insert(current).inserted {
            let address = views.address(current)
            guard steps.count < Self.traceHops else {
                steps.append(["address": address, "stopped": true])
                break
            }
            switch try await node.latestIncoming(to: current, scanning: Self.traceScan) {
            case .found(let incoming):
                steps.append(["address": address, "amount": Format.ksr(incoming.tx.amount), "from": views.address(incoming.tx.from),
                              "tx": incoming.id.hex, "height": incoming.height])
                current = incoming.tx.from
            case .none:
                var step: [String: Any] = ["address": address, "minted": true]
                if let allocation = node.config.genesis.allocations.first(where: { $0.address == address }) {
                    step["genesis"] = Format.ksr(allocation.amount)
                }
                steps.append(step)
                return steps
            case .notWithin:
                steps.append(["address": address, "stopped": true])
                return steps
            }
        }
        return steps
    }
}
