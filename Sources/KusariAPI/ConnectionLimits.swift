/// How many HTTP connections the API holds: in all, from one client IP, and how
/// many of them may be event streams (`/v1/events`), in all and per client.
///
/// When a new connection would pass a cap, the API closes the least recently
/// active connection that is idle or still sending its request (of that client
/// for the per-client cap); when every connection is busy answering, it refuses
/// the new one. The total stays below the open-file limit, so `accept` never
/// fails for want of a file.
public struct ConnectionLimits: Sendable, Equatable {
    /// Connections at once, from all clients.
    public var total: Int
    /// Connections at once from one client IP address.
    public var perClient: Int
    /// Event streams open at once, from all clients.
    public var eventStreams: Int
    /// Event streams open at once from one client IP address.
    public var eventStreamsPerClient: Int

    /// Limits as given (each at least 1).
    public init(total: Int, perClient: Int, eventStreams: Int, eventStreamsPerClient: Int) {
        self.total = max(1, total)
        self.perClient = max(1, min(perClient, self.total))
        self.eventStreams = max(1, eventStreams)
        self.eventStreamsPerClient = max(1, min(eventStreamsPerClient, self.eventStreams))
    }

    /// The defaults: 1,000 connections, 128 per client, 256 event streams, 16 per client.
    public static let defaults = ConnectionLimits(total: 1_000, perClient: 128, eventStreams: 256, eventStreamsPerClient: 16)

    /// Files kept for everything but API connections when the limits are fitted to
    /// the open-file limit: the database and its journal, the log, the listening
    /// sockets, the mempool file, with room to spare (peer connections come on top).
    public static let reservedFiles = 64

    /// These limits, lowered where needed so that the API's connections, `otherFiles`
    /// more (peers) and `reservedFiles` fit in `fileLimit` open files. Event streams
    /// are kept to at most a quarter of the connections, so that they can never take
    /// every slot.
    public func fitted(toFileLimit fileLimit: Int, otherFiles: Int) -> ConnectionLimits {
        let room = fileLimit == Int.max ? total : fileLimit - Self.reservedFiles - max(0, otherFiles)
        let total = max(8, min(self.total, room))
        let streams = max(1, min(eventStreams, total / 4))
        return ConnectionLimits(total: total, perClient: min(perClient, total), eventStreams: streams,
                                eventStreamsPerClient: min(eventStreamsPerClient, streams))
    }
}
