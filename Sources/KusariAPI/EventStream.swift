import Hummingbird
import KusariNode
import NIOCore

/// `GET /v1/events`: server-sent events, one slot per stream counted per client
/// (`ConnectionTable`), the slot freed as soon as the client hangs up.
package enum EventStream {
    /// The streaming answer, or `503 unavailable` when the client or the node has
    /// every stream it may have open.
    static func response(node: Node, connections: ConnectionTable, context: APIContext) throws -> Response {
        let id = context.channelID
        do { try connections.openEventStream(id, client: ConnectionTable.client(of: context.remoteAddress)) } catch {
            switch error {
            case .tooManyInAll(let n):
                throw APIError(.serviceUnavailable, "unavailable", "too many event streams open (at most \(n)); try again later")
            case .tooManyFromClient(let n):
                throw APIError(.serviceUnavailable, "unavailable", "too many event streams open from this client (at most \(n)); close one first")
            }
        }
        let events = until(connections.hangUp(of: id), node.events.subscribe())
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init { writer in
            defer { connections.closeEventStream(id) }
            try await writer.write(ByteBuffer(string: ": connected\n\n"))
            for await event in events {
                try await writer.write(ByteBuffer(string: format(event)))
            }
            try await writer.finish(nil)
        })
    }

    /// `events` until `hangUp` completes (the connection closed), so that a stream
    /// ends when its client goes, not at the next write after.
    static func until(_ hangUp: EventLoopFuture<Void>?, _ events: AsyncStream<NodeEvent>) -> AsyncStream<NodeEvent> {
        guard let hangUp else { return events }
        let (out, continuation) = AsyncStream<NodeEvent>.makeStream(bufferingPolicy: .bufferingNewest(1_000))
        let forward = Task {
            for await event in events { continuation.yield(event) }
            continuation.finish()
        }
        continuation.onTermination = { _ in forward.cancel() }
        hangUp.whenComplete { _ in continuation.finish() }
        return out
    }

    /// One event as server-sent event lines.
    package static func format(_ e: NodeEvent) -> String {
        let data: String
        switch e {
        case .heartbeat: return ": keep-alive\n\n"
        case .block(let h, let id, let n): data = #"{"height":\#(h),"id":"\#(id.hex)","txCount":\#(n)}"#
        case .transaction(let id): data = #"{"id":"\#(id.hex)"}"#
        case .reorganization(let d, let c, let h, let tip):
            data = #"{"disconnected":\#(d),"connected":\#(c),"height":\#(h),"tip":"\#(tip.hex)"}"#
        case .sideBlock(let h, let id): data = #"{"height":\#(h),"id":"\#(id.hex)"}"#
        case .trade(let pair, let symbol, let h, let price, let lots):
            data = #"{"market":"\#(symbol)","pair":"\#(pair.base)-\#(pair.quote)","height":\#(h),"price":\#(price),"lots":\#(lots)}"#
        }
        return "event: \(e.name)\ndata: \(data)\n\n"
    }
}
