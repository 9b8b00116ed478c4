import Hummingbird
import KusariAPI
import KusariCore
import KusariNode
import KusariPeers
import Logging

/// The block explorer: server-rendered pages over the node's own data, each
/// mirroring a `/v1` route, plus the assets (style sheet, scripts) they use.
/// Every template and asset is compiled into the binary (`EmbeddedFiles`), so
/// a copied `kusari` executable serves them as well.
public enum Explorer {
    /// Mounts the explorer's pages at `/`, `/block/…`, `/tx/…`, `/account/…`, `/contract/…`,
    /// `/mempool`, `/chain`, `/network`, `/validators`, `/evidence`, `/consensus`,
    /// `/consensus/{height}` (BFT chains), `/markets`, `/assets`, `/market/{BASE-QUOTE}`,
    /// `/auction/{height}/{BASE-QUOTE}` (the exchange),
    /// `/search`, `/learn/…` and its assets at
    /// `/assets/…` on the API's router. Unknown GET paths outside `/v1` get an
    /// HTML 404 page; unknown `/v1` paths keep the API's JSON 404.
    public static func mount(on router: Router<APIContext>, node: Node, network: Network, p2p: PeerNetwork?) throws {
        let site = Site(renderer: try Renderer(bft: node.bftEngine != nil), node: node, network: network, p2p: p2p, views: Views(node: node, network: network),
                        errorLog: ErrorLog(logger: Logger(label: "kusari.explorer")))
        let pages: [(String, @Sendable (Request, APIContext) async throws -> Response)] = [
            ("/", { _, _ in try await site.dashboard() }),
            ("/block/:ref", { _, c in try await site.block(c.parameters.get("ref") ?? "") }),
            ("/tx/:id", { _, c in try await site.transaction(c.parameters.get("id") ?? "") }),
            ("/account/:address", { r, c in try await site.account(c.parameters.get("address") ?? "",
                                                                   before: Form(r)["before"]) }),
            ("/contract/:address", { r, c in try await site.contract(c.parameters.get("address") ?? "", form: Form(r)) }),
            ("/mempool", { _, _ in await site.mempool() }),
            ("/chain", { r, _ in try await site.chain(depth: Form(r)["depth"]) }),
            ("/network", { _, _ in await site.networkPage() }),
            ("/validators", { r, _ in try await site.validators(height: Form(r)["height"]) }),
            ("/evidence", { _, _ in try await site.evidence() }),
            ("/consensus", { _, _ in try await site.consensusHeights() }),
            ("/consensus/:height", { _, c in try await site.consensusHeight(c.parameters.get("height") ?? "") }),
            ("/markets", { _, _ in try await site.markets() }),
            ("/assets", { _, _ in try await site.assets() }),
            ("/market/:pair", { r, c in try await site.market(c.parameters.get("pair") ?? "", form: Form(r)) }),
            ("/auction/:height/:pair", { _, c in try await site.auction(height: c.parameters.get("height") ?? "",
                                                                       pair: c.parameters.get("pair") ?? "") }),
            ("/search", { r, _ in try await site.search(Form(r)["q"] ?? "") }),
            ("/learn", { _, _ in site.learnIndex() }),
            ("/learn/hash", { r, _ in site.learnHash(text: Form(r).raw("text")) }),
            ("/learn/block", { r, _ in try await site.learnBlock(Form(r)["ref"]) }),
            ("/learn/blockchain", { r, _ in try await site.learnBlockchain(from: Form(r)["from"]) }),
            ("/learn/distributed", { r, _ in try await site.learnDistributed(from: Form(r)["from"]) }),
            ("/learn/tokens", { r, _ in try await site.learnTokens(Form(r)["block"],
                                                                   address: Form(r)["address"]) }),
            ("/learn/keys", { r, _ in try await site.learnKeys(tx: Form(r)["tx"]) }),
        ]
        for (path, handler) in pages {
            router.get(RouterPath(path)) { request, context in
                do { return try await handler(request, context) } catch { return site.failure(error) }
            }
        }
        router.get("/assets/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let asset = EmbeddedFiles.assets[name] else {
                return site.renderer.errorPage(status: .notFound, message: "no asset named '\(name)'")
            }
            return Renderer.response(asset, contentType: Site.contentType(of: name))
        }
        router.add(middleware: NotFoundPage(renderer: site.renderer))
    }
}

/// Unknown GET paths outside `/v1` answer with the explorer's HTML 404 page; the
/// API's own paths keep its JSON errors.
struct NotFoundPage: RouterMiddleware {
    typealias Context = APIContext
    let renderer: Renderer

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as HTTPError where e.status == .notFound {
            let path = request.uri.path
            guard request.method == .get || request.method == .head, path != "/v1", !path.hasPrefix("/v1/") else { throw e }
            return renderer.errorPage(status: .notFound, message: "there is no page at \(path)")
        }
    }
}
