import Foundation
import Testing

/// Issue 15, finding 6: the server follows docs/openapi.yaml exactly where the
/// schemathesis run found them apart (scripts/schemathesis checks the rest live).
@Suite(.serialized) struct ContractTests {
    @Test func unsupportedMethodsOnKnownPathsGet405WithAllow() async throws {
        try await TestServer.with { server in
            for (method, path, allow) in [("POST", "/v1/status", "GET"), ("TRACE", "/v1/peers", "GET"), ("DELETE", "/v1/txs", "POST"),
                                          ("PUT", "/v1/blocks/12", "GET"), ("PATCH", "/openapi.yaml", "GET")] {
                let a = try await offPool { try RawHTTP(port: server.port).request(method, path) }
                #expect(a.status == 405, "\(method) \(path)")
                #expect(a.headers["allow"] == allow, "\(method) \(path): \(a.headers)")
                #expect(a.errorCode == "method_not_allowed", "\(method) \(path)")
            }
            let unknown = try await offPool { try RawHTTP(port: server.port).request("POST", "/v1/nothing") }
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "not_found")
        }
    }

    @Test func queryAndPathValuesOutsideTheDocumentAreRefused() async throws {
        try await TestServer.with { server in
            let cases: [(String, Int)] = [
                ("/v1/blocks/0?txs=AAA", 400), ("/v1/blocks/0?txs=full", 200), ("/v1/blocks/0", 200),
                ("/v1/blocks?before=18446744073709551615", 200), ("/v1/blocks?before=18446744073709551616", 400),
                ("/v1/blocks?before=%2B5", 400), ("/v1/blocks/%2B0", 400), ("/v1/blocks?limit=0", 400),
                ("/v1/accounts/ksr10", 400), ("/v1/accounts/ksrt1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq2s4zyq?height=0", 200),
                ("/v1/accounts/ksrt1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq2s4zyq/txs?before=9999999999999999999:999999999", 200),
                ("/v1/accounts/ksrt1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq2s4zyq/txs?before=10000000000000000000", 400),
                ("/v1/accounts/ksrt1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq2s4zyq/txs?before=1:1234567890", 400),
                ("/v1/chain/tree?depth=501", 400),
            ]
            for (path, status) in cases {
                let a = try await offPool { try RawHTTP(port: server.port).request("GET", path) }
                #expect(a.status == status, "GET \(path): \(String(decoding: a.body, as: UTF8.self))")
            }
        }
    }
}
