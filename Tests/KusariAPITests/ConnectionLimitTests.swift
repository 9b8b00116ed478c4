import Foundation
import KusariAPI
import Testing

/// Issue 15, finding 3 (HTTP side): connection caps per client and in total, idle and
/// unfinished connections closed first to make room, busy ones never, and event-stream
/// slots counted per client and freed when the client hangs up.
@Suite(.serialized) struct ConnectionLimitTests {
    @Test func aClientAtItsCapDisplacesItsOwnIdleConnection() async throws {
        let limits = ConnectionLimits(total: 50, perClient: 4, eventStreams: 8, eventStreamsPerClient: 2)
        try await TestServer.with(limits: limits) { server in
            let idle = try await offPool { try (0..<4).map { _ in try RawHTTP(port: server.port, source: 2) } }
            try await server.waitFor("four connections") { server.connections.count == 4 }
            let status = try await offPool { try RawHTTP(port: server.port, source: 2).request("GET", "/v1/status") }
            #expect(status.status == 200)
            // One idle connection of that client was closed; the table never passed the cap.
            #expect(try await offPool { RawHTTP.closedByServer(among: idle, within: 3) } == 1)
            #expect(server.connections.count <= 4)
        }
    }

    @Test func aFullServerClosesIdleAndUnfinishedConnectionsForANewClient() async throws {
        let limits = ConnectionLimits(total: 6, perClient: 4, eventStreams: 2, eventStreamsPerClient: 1)
        try await TestServer.with(limits: limits) { server in
            // Client .2: four idle connections; client .3: two that never finish their request.
            let idle = try await offPool { try (0..<4).map { _ in try RawHTTP(port: server.port, source: 2, timeout: 5) } }
            try await server.waitFor("the idle connections") { server.connections.count == 4 }
            let unfinished = try await offPool {
                try (0..<2).map { _ in
                    let c = try RawHTTP(port: server.port, source: 3, timeout: 5)
                    try c.send("POST /v1/txs HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
                    return c
                }
            }
            try await server.waitFor("six connections") { server.connections.count == 6 }
            // Five new clients, kept connected: the four idle connections go first (least
            // recently active), then one of the unfinished ones (the less recently active).
            var newcomers: [RawHTTP] = []
            for source: UInt8 in [4, 5, 6, 7, 8] {
                let (client, status) = try await offPool {
                    let c = try RawHTTP(port: server.port, source: source)
                    return (c, try c.request("GET", "/v1/status"))
                }
                #expect(status.status == 200, "client 127.0.0.\(source)")
                newcomers.append(client)
            }
            #expect(try await offPool { RawHTTP.closedByServer(among: idle, within: 3) } == 4)
            #expect(try await offPool { RawHTTP.closedByServer(among: unfinished, within: 3) } == 1)
            #expect(server.connections.count == 6)
            _ = (newcomers, unfinished)
        }
    }

    @Test func busyConnectionsAreNeverClosedANewOneIsRefusedInstead() async throws {
        let limits = ConnectionLimits(total: 2, perClient: 2, eventStreams: 2, eventStreamsPerClient: 2)
        try await TestServer.with(limits: limits) { server in
            let streams = try await offPool { try (0..<2).map { _ in try Self.openStream(server.port, source: 2) } }
            // Both slots answer event streams: the newcomer is closed, the streams live on.
            let refused = try await offPool {
                let c = try RawHTTP(port: server.port, source: 3, timeout: 5)
                try? c.send("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
                return c.isClosedByServer()
            }
            #expect(refused)
            #expect(server.connections.count == 2)
            #expect(server.connections.eventStreamCount == 2)
            _ = streams
        }
    }

    @Test func eventStreamSlotsAreCountedPerClientAndFreedOnHangUp() async throws {
        let limits = ConnectionLimits(total: 50, perClient: 20, eventStreams: 8, eventStreamsPerClient: 2)
        try await TestServer.with(limits: limits) { server in
            var mine = try await offPool { try (0..<2).map { _ in try Self.openStream(server.port, source: 2) } }
            // A third from the same client is refused; another client still gets one.
            let third = try await offPool { try RawHTTP(port: server.port, source: 2).request("GET", "/v1/events") }
            #expect(third.status == 503)
            #expect(third.errorCode == "unavailable")
            let other = try await offPool { try Self.openStream(server.port, source: 3) }
            #expect(server.connections.eventStreamCount == 3)
            // The client hangs up one stream: its slot is free at once, with no event sent meanwhile.
            mine.removeFirst()
            try await server.waitFor("the slot to be freed", seconds: 5) { server.connections.eventStreamCount == 2 }
            let again = try await offPool { try Self.openStream(server.port, source: 2) }
            #expect(server.connections.eventStreamCount == 3)
            _ = (other, again, mine)
        }
    }

    /// Opens `/v1/events` and reads up to its first line (`: connected`).
    static func openStream(_ port: Int, source: UInt8) throws -> RawHTTP {
        let c = try RawHTTP(port: port, source: source, timeout: 5)
        try c.send("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n")
        var seen = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: seen, as: UTF8.self).contains(": connected") {
            let n = recv(c.fd, &buffer, buffer.count, 0)
            guard n > 0 else { throw TestFailure("event stream from 127.0.0.\(source) ended: \(String(decoding: seen, as: UTF8.self))") }
            seen += buffer[..<n]
        }
        return c
    }
}
