import Hummingbird
import KusariAPI
import KusariCore
import KusariNode
import KusariPeers
import Logging
import Synchronization

/// What every page handler needs: the node, its peers, the API's views and the renderer.
struct Site: Sendable {
    let renderer: Renderer
    let node: Node
    let network: Network
    let p2p: PeerNetwork?
    let views: Views

    /// Logs the unexpected errors of page handlers, at most one a minute (with a count of the rest).
    let errorLog: ErrorLog

    /// The page for an error: not found (a malformed id or query is something
    /// that cannot be found, so also 404), or the API's status for the rest.
    /// Errors that are neither the API's nor the node's are unexpected: logged.
    func failure(_ error: any Error) -> Response {
        let e: APIError
        switch error {
        case let a as APIError: e = a
        case let n as NodeError: e = APIError(n)
        default:
            errorLog.record(error)
            e = APIError(.internalServerError, "internal", "internal error")
        }
        let status: HTTPResponse.Status = e.status == .badRequest ? .notFound : e.status
        return renderer.errorPage(status: status, message: e.message)
    }

    /// The content type of an asset, by its extension.
    static func contentType(of name: String) -> String {
        if name.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if name.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if name.hasSuffix(".svg") { return "image/svg+xml" }
        return "text/plain; charset=utf-8"
    }

    /// A block by height or id, as the API's `/v1/blocks/{ref}` finds it.
    func blockInfo(_ ref: String) async throws -> BlockInfo {
        try await node.block(try Path.blockRef(ref))
    }

    /// A table row for a block.
    func blockRow(_ b: View.BlockSummary, now: UInt64) -> [String: Any] {
        var row: [String: Any] = [
            "id": b.id, "short": Format.short(b.id), "height": b.height, "time": Format.time(b.header.timestamp),
            "age": Format.age(b.header.timestamp, now: now), "txCount": b.txCount, "size": Format.bytes(b.size),
            "onBestChain": b.onBestChain]
        if let bft = b.header.bft, b.height > 0 { row["proposer"] = bft.proposer; row["proposerShort"] = Format.short(bft.proposer) }
        return row
    }

    /// A table row for a transaction. A deploy's or call's `to` is a contract: it links to the
    /// contract page (`toHref`), and the row carries its kind and method. An exchange transaction
    /// is marked as one; but for an asset transfer (to its recipient) it goes to the exchange.
    func txRow(_ t: View.Tx, height: UInt64?) -> [String: Any] {
        let isContract = t.kind == "deploy" || t.kind == "call"
        // An exchange transaction goes to the exchange (its `to` is a recipient only for an asset transfer).
        let isExchange = !isContract && t.kind != "transfer"
        let toExchange = isExchange && t.kind != "transfer-asset"
        var row: [String: Any] = ["id": t.id, "short": Format.short(t.id), "from": t.from, "to": toExchange ? "the exchange" : t.to,
                                  "amount": Format.ksr(t.amount), "fee": Format.ksr(t.fee), "nonce": t.nonce, "size": t.size,
                                  "kind": t.kind, "isContract": isContract, "isExchange": isExchange, "hasKindTag": isContract || isExchange,
                                  "toHref": toExchange ? "/markets" : (isContract ? "/contract/" : "/account/") + t.to,
                                  "rowMethod": t.contract?.method ?? "", "hasRowMethod": t.contract?.method != nil]
        if let height { row["height"] = height }
        if let memo = Format.memoText(hex: t.memo) { row["memo"] = memo }
        return row
    }
}

/// Logs unexpected errors without letting a burst of failing requests flood the
/// log: the first error, then at most one a minute with how many were not logged.
final class ErrorLog: Sendable {
    private let logger: Logger
    private let interval: UInt64
    private let state = Mutex<(lastLogged: UInt64?, suppressed: Int)>((nil, 0))

    /// `interval` in seconds between two logged errors.
    init(logger: Logger, interval: UInt64 = 60) {
        self.logger = logger
        self.interval = interval
    }

    /// Logs `error` (as an error), or counts it when one was logged less than `interval` ago.
    func record(_ error: any Error, now: UInt64 = Format.now()) {
        let suppressed: Int? = state.withLock { s in
            if let last = s.lastLogged, now < last &+ interval { s.suppressed += 1; return nil }
            let n = s.suppressed
            s = (now, 0)
            return n
        }
        guard let suppressed else { return }
        logger.error("explorer page failed", metadata: ["error": "\(error)", "not logged since the last": "\(suppressed)"])
    }
}
