import Foundation
import Hummingbird
import KusariCore
import KusariMempool
import KusariNode
import KusariPeers
import Logging
import NIOCore

/// The node's HTTP API: JSON for wallets and explorers, server-sent events,
/// and its own OpenAPI document.
public enum API {
    /// The router with every route. `connections` counts the event streams per client
    /// (the same table the server's `http1(connections:)` keeps); `mount` adds further
    /// routes (the explorer's) before the table of methods per path is taken, which
    /// answers a known path asked with another method with `405` and `Allow`.
    public static func router(node: Node, network: Network, p2p: PeerNetwork?, postsPerMinute: Int, readsPerMinute: Int = 6_000,
                              limitLoopback: Bool, connections: ConnectionTable,
                              mount: (Router<APIContext>) throws -> Void = { _ in }) rethrows -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        let methods = RouteMethods()
        router.add(middleware: ErrorMiddleware(methods: methods))
        router.add(middleware: ReadRateLimit(limiter: RateLimiter(perMinute: readsPerMinute, limitLoopback: limitLoopback)))
        let views = Views(node: node, network: network)
        let limiter = RateLimiter(perMinute: postsPerMinute, limitLoopback: limitLoopback)

        router.get("/openapi.yaml") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }

        router.get("/v1/status") { _, _ -> Response in
            JSONBody.response(views.status(await node.status()))
        }

        router.get("/v1/blocks") { request, _ -> Response in
            let before = try Query.uint(request, "before")
            let limit = try Query.limit(request)
            let infos = try await node.blocks(before: before, limit: limit)
            let next = infos.count == limit ? infos.last.map(\.block.header.height) : nil
            return JSONBody.response(View.BlockList(blocks: infos.map { views.block($0, full: false) }, next: next.flatMap { $0 > 0 ? $0 : nil }))
        }

        router.get("/v1/blocks/:ref") { request, context -> Response in
            let ref = try Path.blockRef(context.parameters.get("ref") ?? "")
            let full = try Query.fullTransactions(request)
            var named = views
            if full { named = await views.withExchangeNames(node) }
            return JSONBody.response(named.block(try await node.block(ref), full: full))
        }

        router.get("/v1/txs/:id") { _, context -> Response in
            let id = try Path.hash(context.parameters.get("id") ?? "", field: "id")
            let info = try await node.transaction(id)
            var named = views
            if info.tx.exchangeAction != nil { named = await views.withExchangeNames(node) }
            return JSONBody.response(named.txInfo(info))
        }

        router.post("/v1/txs") { request, context -> Response in
            // A client that has used its minute is refused before its body is read.
            guard !limiter.exhausted(context.remoteAddress) else {
                throw APIError(.tooManyRequests, "rate_limited", "too many requests; at most \(postsPerMinute) a minute")
            }
            let body = try await Body.collect(request, limit: max(context.maxUploadSize, BatchSubmit.maxBodyBytes))
            let object: [String: Any]
            do { object = try Body.object(body) } catch {
                // Only a batch may be larger than a single submission's limit.
                if body.readableBytes > context.maxUploadSize {
                    throw APIError(.contentTooLarge, "too_large", "body: larger than \(context.maxUploadSize) bytes")
                }
                throw error
            }
            if object["txs"] != nil {
                // A batch: each transaction counts against the client's limit.
                let hexes = try BatchSubmit.hexList(object)
                guard hexes.count <= postsPerMinute else {
                    throw APIError(.contentTooLarge, "too_large",
                                   "txs: \(hexes.count) transactions, more than this node takes from one client in a minute (\(postsPerMinute))")
                }
                guard limiter.allow(context.remoteAddress, cost: hexes.count) else {
                    throw APIError(.tooManyRequests, "rate_limited", "too many requests; at most \(postsPerMinute) transactions a minute")
                }
                // A backlogged pool refuses the whole batch at once, before any signature is
                // checked, with one short answer (an overloaded node spends little on saying no).
                if let b = node.backlogged.withLock({ $0 }) {
                    var e = APIError(NodeError.backlogged(pending: b.pending, seconds: b.seconds))
                    e.retryAfter = Int(node.targetSpacing)
                    throw e
                }
                let answer = await BatchSubmit.submit(hexes, node: node)
                var response = JSONBody.response(answer)
                // A full mempool says when to try again, as for a single transaction.
                if answer.results.contains(where: { $0.error?.code == MempoolError.mempoolFull.code }) {
                    response.headers[.retryAfter] = String(max(1, node.targetSpacing))
                }
                return response
            }
            guard body.readableBytes <= context.maxUploadSize else {
                throw APIError(.contentTooLarge, "too_large", "body: larger than \(context.maxUploadSize) bytes")
            }
            guard limiter.allow(context.remoteAddress) else {
                throw APIError(.tooManyRequests, "rate_limited", "too many requests; at most \(postsPerMinute) a minute")
            }
            let hex = try Body.txHex(object)
            let bytes: [UInt8]
            do { bytes = try Hex.decode(hex, field: "tx") } catch { throw APIError(.badRequest, "bad_request", "\(error)") }
            guard bytes.count <= Transaction.maxEncodedSize else {
                throw APIError(.contentTooLarge, "too_large", "tx: \(bytes.count) bytes, a transaction is at most \(Transaction.maxEncodedSize)")
            }
            do {
                // Refused early and clearly, before the signature is checked, while the pool holds
                // more than blocks take in a while; the pool frees room as blocks are mined.
                if let b = node.backlogged.withLock({ $0 }) { throw NodeError.backlogged(pending: b.pending, seconds: b.seconds) }
                let tx = try Node.prepare(transaction: bytes)
                // 202 only once the journal holds it on disk.
                let id = try await node.admitDurably(verified: tx, fromClient: true)
                return JSONBody.response(View.Submitted(id: id.hex), status: .accepted)
            } catch let e as NodeError where e.code == MempoolError.mempoolFull.code {
                var answer = APIError(e)
                answer.retryAfter = Int(node.targetSpacing)
                throw answer
            }
        }

        router.get("/v1/accounts/:address") { request, context -> Response in
            let address = try Path.address(context.parameters.get("address") ?? "", network: network)
            let height = try Query.uint(request, "height")
            return JSONBody.response(views.account(try await node.account(address, atHeight: height)))
        }

        router.get("/v1/accounts/:address/txs") { request, context -> Response in
            let text = context.parameters.get("address") ?? ""
            let address = try Path.address(text, network: network)
            let (before, position) = try Query.historyCursor(request.uri.queryParameters.get("before"))
            let limit = try Query.limit(request)
            let infos = try await node.history(address, before: before, position: position, limit: limit)
            let next = infos.count == limit ? infos.last.flatMap { i in i.height.map { "\($0):\(i.position ?? 0)" } } : nil
            var named = views
            if infos.contains(where: { $0.tx.exchangeAction != nil }) { named = await views.withExchangeNames(node) }
            return JSONBody.response(View.History(address: views.address(address), transactions: infos.map(named.txInfo), next: next))
        }

        router.get("/v1/mempool") { request, _ -> Response in
            let limit = try Query.limit(request, maximum: 10_000, fallback: 1_000)
            let s = await node.status()
            let entries = await node.pending(limit: limit)
            return JSONBody.response(View.Mempool(count: s.mempoolCount, bytes: s.mempoolBytes, transactions: entries.map(views.poolEntry)))
        }

        router.get("/v1/peers") { _, _ -> Response in
            let list = await p2p?.peerList() ?? []
            return JSONBody.response(View.Peers(peers: list.map(views.peer)))
        }

        router.get("/v1/bans") { _, _ -> Response in
            let list = await p2p?.banList() ?? []
            return JSONBody.response(View.Bans(bans: list.map(views.ban)))
        }

        router.get("/v1/chain/tree") { request, _ -> Response in
            let depth = try Query.treeDepth(request.uri.queryParameters.get("depth"), fallback: 20)
            return JSONBody.response(views.tree(await node.tree(depth: depth)))
        }

        router.get("/v1/events") { _, context -> Response in
            try EventStream.response(node: node, connections: connections, context: context)
        }
        addBFTRoutes(to: router, node: node, views: views)
        addRoundRoutes(to: router, node: node, views: views)
        addContractRoutes(to: router, node: node, network: network, views: views)
        addExchangeRoutes(to: router, node: node, network: network, views: views)
        try mount(router)
        methods.record(router)
        return router
    }
}

/// The per-client limit on reads: GET requests (account proofs and history pages cost the node
/// work) and contract queries (they run contract code).
struct ReadRateLimit: RouterMiddleware {
    typealias Context = APIContext
    let limiter: RateLimiter
    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let isRead = request.method == .get || (request.method == .post && request.uri.path.hasSuffix("/query"))
        if isRead, !limiter.allow(context.remoteAddress) {
            throw APIError(.tooManyRequests, "rate_limited",
                           "too many requests; at most \(limiter.perMinute) reads (GET requests and contract queries) a minute")
        }
        return try await next(request, context)
    }
}
