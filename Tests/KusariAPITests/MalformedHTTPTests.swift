import Foundation
import Testing

/// Issue 15, finding 5: malformed HTTP gets `400` with the API's JSON error body
/// (never a 500 or an empty body), and neither it nor a client hanging up mid-body
/// writes a line at notice or above to the log.
@Suite(.serialized) struct MalformedHTTPTests {
    static let cases: [(name: String, bytes: [UInt8])] = [
        ("a bad chunk size", Array("POST /v1/txs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".utf8)),
        ("a chunk size of 2^64", Array("POST /v1/txs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n{}\r\n".utf8)),
        ("raw UTF-8 in the path", Array("GET /v1/blocks/".utf8) + [0xC3, 0xA9, 0xE2, 0x82, 0xAC] + Array(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("a 100 KB path", Array("GET /\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("a 100 KB method", Array("\(String(repeating: "G", count: 100_000)) /v1/status HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("a 100 KB header", Array("GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 100_000))\r\n\r\n".utf8)),
        ("10,000 headers", Array(("GET /v1/status HTTP/1.1\r\nHost: x\r\n"
                                  + (0..<10_000).map { "X-H\($0): v\r\n" }.joined() + "\r\n").utf8)),
        ("a lower-case method", Array("get /v1/status HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
    ]

    @Test(arguments: 0..<cases.count)
    func malformedRequestGets400WithTheJSONErrorBody(_ index: Int) async throws {
        let (name, bytes) = Self.cases[index]
        try await TestServer.with { server in
            let answer = try await offPool {
                let client = try RawHTTP(port: server.port)
                // The server may answer and close before it has read everything: a failed send is fine.
                try? client.send(bytes)
                return (try client.answer(), client.isClosedByServer())
            }
            #expect(answer.0.status == 400, "\(name): \(answer.0.status) \(String(decoding: answer.0.body, as: UTF8.self))")
            #expect(answer.0.headers["content-type"] == "application/json", "\(name)")
            #expect(answer.0.errorCode == "bad_request", "\(name): \(String(decoding: answer.0.body, as: UTF8.self))")
            #expect((answer.0.json["error"] as? [String: Any])?["message"] as? String != nil, "\(name)")
            #expect(answer.1, "\(name): the connection should be closed after a malformed request")
            // The node still serves a well-formed request afterwards.
            let status = try await offPool { try RawHTTP(port: server.port).request("GET", "/v1/status") }
            #expect(status.status == 200)
            #expect(server.log.loud.isEmpty, "\(name) logged: \(server.log.loud)")
        }
    }

    @Test func clientsHangingUpMidBodyDoNotFillTheLog() async throws {
        try await TestServer.with { server in
            for _ in 0..<20 {
                try await offPool {
                    let client = try RawHTTP(port: server.port)
                    try client.send("POST /v1/txs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"tx\": \"00")
                }
            }
            // Every one of them is gone from the table once the server has seen the hang-ups.
            try await server.waitFor("the hung-up connections to close") { server.connections.count == 0 }
            let status = try await offPool { try RawHTTP(port: server.port).request("GET", "/v1/status") }
            #expect(status.status == 200)
            #expect(server.log.loud.isEmpty, "hang-ups logged: \(server.log.loud)")
        }
    }
}
