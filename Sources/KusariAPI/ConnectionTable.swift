import Foundation
import Logging
import NIOCore

/// The API's open HTTP connections, by client IP: enforces `ConnectionLimits`,
/// chooses which connection to close when a cap is reached, counts event-stream
/// slots, and tells an event stream when its client hung up.
///
/// One table serves every event loop of the server (its state is behind a lock);
/// `ConnectionHandler` reports each connection's opening, activity and closing.
public final class ConnectionTable: Sendable {
    /// The caps this table enforces.
    public let limits: ConnectionLimits
    private let logger: Logger
    private let state = Locked(State())

    /// What a connection is doing, as far as eviction is concerned.
    enum Activity: Sendable {
        /// No request in progress (or a request line still arriving): may be closed to make room.
        case idle
        /// A request whose head arrived and whose body has not: may be closed to make room.
        case reading
        /// A request read in full and being answered (event streams too): never closed to make room.
        case answering
    }

    /// Whether a new connection may stay, and which connection it displaces.
    enum Admission: Sendable {
        case admitted(evicting: (any Channel)?)
        case refused(reason: String)
    }

    /// Why an event stream cannot open.
    enum StreamRefusal: Error, Sendable, Equatable {
        case tooManyInAll(Int)
        case tooManyFromClient(Int)
    }

    private struct Entry {
        let client: String
        let channel: any Channel
        var activity: Activity = .idle
        var lastActive: UInt64
        let hangUp: EventLoopPromise<Void>
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var perClient: [String: Int] = [:]
        var streams: [ObjectIdentifier: String] = [:]
        var streamsPerClient: [String: Int] = [:]
        var tick: UInt64 = 0
        var evicted = 0
        var refused = 0
        var lastWarning: Date = .distantPast
    }

    /// A table enforcing `limits`; evictions and refusals are logged at debug, with
    /// one warning a minute at most that says how many there were.
    public init(limits: ConnectionLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    /// Connections open now.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Event streams open now.
    public var eventStreamCount: Int { state.withLock { $0.streams.count } }

    /// The client key of a connection: its IP address.
    static func client(of address: SocketAddress?) -> String { address?.ipAddress ?? "unknown" }

    /// Registers a new connection. Past the per-client cap the client's least recently
    /// active idle or reading connection is displaced, past the total cap anyone's; with
    /// no such connection the new one is refused.
    func open(_ channel: any Channel) -> Admission {
        let id = ObjectIdentifier(channel)
        let client = Self.client(of: channel.remoteAddress)
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let (admission, warning) = state.withLock { s -> (Admission, String?) in
            s.tick += 1
            var victim: ObjectIdentifier?
            if s.perClient[client, default: 0] >= limits.perClient {
                victim = Self.leastRecentlyActive(s.entries) { $0.client == client }
                if victim == nil {
                    s.refused += 1
                    return (.refused(reason: "client \(client) has \(limits.perClient) connections busy"), Self.warning(&s))
                }
            } else if s.entries.count >= limits.total {
                victim = Self.leastRecentlyActive(s.entries) { _ in true }
                if victim == nil {
                    s.refused += 1
                    return (.refused(reason: "all \(limits.total) connections busy"), Self.warning(&s))
                }
            }
            var evicting: (any Channel)?
            if let victim, let old = Self.remove(victim, from: &s) {
                evicting = old.channel
                s.evicted += 1
                old.hangUp.succeed()
            }
            s.entries[id] = Entry(client: client, channel: channel, lastActive: s.tick, hangUp: promise)
            s.perClient[client, default: 0] += 1
            return (.admitted(evicting: evicting), evicting == nil ? nil : Self.warning(&s))
        }
        if case .refused = admission { promise.succeed() }
        if let warning { logger.warning("HTTP connections at their cap", metadata: ["since last report": "\(warning)"]) }
        switch admission {
        case .admitted(let old?): logger.debug("HTTP connection closed to make room", metadata: ["client": "\(client)", "closed": "\(old.remoteAddress?.description ?? "?")"])
        case .refused(let reason): logger.debug("HTTP connection refused", metadata: ["client": "\(client)", "reason": "\(reason)"])
        case .admitted(nil): break
        }
        return admission
    }

    /// Forgets and returns the least recently active idle or reading connection, for
    /// the caller to close (the process is out of files: a new connection takes its
    /// place), or nil when every connection is busy answering.
    func displaceLeastRecentlyActive() -> (any Channel)? {
        let entry = state.withLock { s -> Entry? in
            guard let victim = Self.leastRecentlyActive(s.entries, where: { _ in true }) else { return nil }
            s.evicted += 1
            return Self.remove(victim, from: &s)
        }
        entry?.hangUp.succeed()
        if let entry { logger.debug("HTTP connection closed for want of files", metadata: ["client": "\(entry.client)"]) }
        return entry?.channel
    }

    /// Records what a connection is doing now (and that it was active).
    func record(_ channel: any Channel, _ activity: Activity) {
        state.withLock { s in
            let id = ObjectIdentifier(channel)
            guard s.entries[id] != nil else { return }
            s.tick += 1
            s.entries[id]?.activity = activity
            s.entries[id]?.lastActive = s.tick
        }
    }

    /// Forgets a closed connection and frees its event-stream slot.
    func close(_ channel: any Channel) {
        let entry = state.withLock { Self.remove(ObjectIdentifier(channel), from: &$0) }
        entry?.hangUp.succeed()
    }

    /// Takes an event-stream slot for the connection `id` of `client`, or says why not.
    func openEventStream(_ id: ObjectIdentifier, client: String) throws(StreamRefusal) {
        try state.withLock { s throws(StreamRefusal) in
            guard s.streams[id] == nil else { return }
            guard s.streams.count < limits.eventStreams else { throw .tooManyInAll(limits.eventStreams) }
            guard s.streamsPerClient[client, default: 0] < limits.eventStreamsPerClient else {
                throw .tooManyFromClient(limits.eventStreamsPerClient)
            }
            s.streams[id] = client
            s.streamsPerClient[client, default: 0] += 1
        }
    }

    /// Frees the event-stream slot of connection `id` (closing the connection does too).
    func closeEventStream(_ id: ObjectIdentifier) {
        state.withLock { Self.releaseStream(id, &$0) }
    }

    /// Whether connection `id` holds an event stream.
    func hasEventStream(_ id: ObjectIdentifier) -> Bool { state.withLock { $0.streams[id] != nil } }

    /// Completes when connection `id` closes (nil for a connection this table does not know).
    func hangUp(of id: ObjectIdentifier) -> EventLoopFuture<Void>? {
        state.withLock { $0.entries[id]?.hangUp.futureResult }
    }

    private static func remove(_ id: ObjectIdentifier, from s: inout State) -> Entry? {
        guard let entry = s.entries.removeValue(forKey: id) else { return nil }
        let left = s.perClient[entry.client, default: 1] - 1
        s.perClient[entry.client] = left > 0 ? left : nil
        releaseStream(id, &s)
        return entry
    }

    private static func releaseStream(_ id: ObjectIdentifier, _ s: inout State) {
        guard let client = s.streams.removeValue(forKey: id) else { return }
        let left = s.streamsPerClient[client, default: 1] - 1
        s.streamsPerClient[client] = left > 0 ? left : nil
    }

    private static func leastRecentlyActive(_ entries: [ObjectIdentifier: Entry], where include: (Entry) -> Bool) -> ObjectIdentifier? {
        var best: (ObjectIdentifier, UInt64)?
        for (id, e) in entries where e.activity != .answering && include(e) {
            if let b = best, b.1 <= e.lastActive { continue }
            best = (id, e.lastActive)
        }
        return best?.0
    }

    /// A summary for the once-a-minute warning, or nil within a minute of the last one.
    private static func warning(_ s: inout State) -> String? {
        let now = Date()
        guard now.timeIntervalSince(s.lastWarning) >= 60 else { return nil }
        s.lastWarning = now
        defer { s.evicted = 0; s.refused = 0 }
        return "\(s.evicted) closed to make room, \(s.refused) refused"
    }
}
