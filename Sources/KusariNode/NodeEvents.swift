import Foundation
import KusariCore

/// Something that happened on a node, for subscribers (the API's server-sent events).
public enum NodeEvent: Sendable, Equatable {
    case block(height: UInt64, id: Hash256, transactions: Int)
    case transaction(id: Hash256)
    case reorganization(disconnected: Int, connected: Int, height: UInt64, tip: Hash256)
    /// A valid block was stored on a side branch: the best chain did not change.
    case sideBlock(height: UInt64, id: Hash256)
    /// A best-chain block's batch auction cleared a market (`symbol`: `BASE-QUOTE`) at one
    /// price: published after the block's own event, once per market it cleared.
    case trade(pair: MarketPair, symbol: String, height: UInt64, price: UInt64, lots: UInt64)
    /// Sent periodically so that idle streams stay open.
    case heartbeat

    /// The event's name in the event stream.
    public var name: String {
        switch self {
        case .block: return "block"
        case .transaction: return "tx"
        case .reorganization: return "reorg"
        case .sideBlock: return "side"
        case .trade: return "trade"
        case .heartbeat: return "heartbeat"
        }
    }
}

/// Fans events out to any number of subscribers; a slow subscriber loses its
/// oldest events rather than holding the node up.
public final class NodeEvents: Sendable {
    /// A subscriber: its stream, and which events it wants (nil: all).
    private struct Subscriber {
        let continuation: AsyncStream<NodeEvent>.Continuation
        let include: (@Sendable (NodeEvent) -> Bool)?
    }
    private let state = NSLockedBox<[UUID: Subscriber]>([:])

    public init() {}

    /// A stream of the events from now on (those `include` accepts, when given:
    /// a subscriber that ignores transactions is not woken for each of them).
    public func subscribe(include: (@Sendable (NodeEvent) -> Bool)? = nil) -> AsyncStream<NodeEvent> {
        // Without a limit there is always room.
        subscribe(limit: Int.max, include: include) ?? AsyncStream { $0.finish() }
    }

    /// A stream of the events from now on, or nil when `limit` streams are already open.
    public func subscribe(limit: Int, include: (@Sendable (NodeEvent) -> Bool)? = nil) -> AsyncStream<NodeEvent>? {
        let id = UUID()
        let (stream, continuation) = AsyncStream<NodeEvent>.makeStream(bufferingPolicy: .bufferingNewest(1_000))
        let added = state.with { subscribers -> Bool in
            guard subscribers.count < limit else { return false }
            subscribers[id] = Subscriber(continuation: continuation, include: include)
            return true
        }
        guard added else { return nil }
        continuation.onTermination = { [weak self] _ in self?.state.with { $0[id] = nil } }
        return stream
    }

    /// Streams open now.
    public var subscriberCount: Int { state.with { $0.count } }

    /// Sends an event to every subscriber.
    public func publish(_ event: NodeEvent) {
        for s in state.with({ Array($0.values) }) where s.include?(event) ?? true { s.continuation.yield(event) }
    }

    /// Ends every stream (on shutdown).
    func finish() {
        for s in state.with({ Array($0.values) }) { s.continuation.finish() }
    }
}

/// A value behind a lock.
final class NSLockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func with<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
