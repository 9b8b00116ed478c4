import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON client for a node's HTTP API: the one the command line, the
/// wallet commands and the devnet use.
public struct HTTPClient: Sendable {
    /// The API's base URL, such as `http://127.0.0.1:8645`.
    public let base: String
    /// Seconds a request may take before it fails.
    public let timeout: TimeInterval

    public init(base: String, timeout: TimeInterval = 30) {
        self.base = base
        self.timeout = timeout
    }

    /// A reply: its status and its body as a JSON object (empty when the body is not one).
    public struct Reply: @unchecked Sendable {
        public let status: Int
        public let json: [String: Any]
        /// The API's error message, when there is one.
        public var errorMessage: String? {
            (json["error"] as? [String: Any]).map { "\($0["code"] ?? "error"): \($0["message"] ?? "")" }
        }
        /// The API's error code (such as `nonce_too_low`), when there is one.
        public var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    public func get(_ path: String) async throws(HTTPClientError) -> Reply { try await send("GET", path, body: nil) }
    public func post(_ path: String, json: [String: Any]) async throws(HTTPClientError) -> Reply {
        let body: Data
        do { body = try JSONSerialization.data(withJSONObject: json) } catch { throw HTTPClientError("body: not JSON (\(error))") }
        return try await send("POST", path, body: body)
    }

    private func send(_ method: String, _ path: String, body: Data?) async throws(HTTPClientError) -> Reply {
        guard let url = URL(string: base + path) else { throw HTTPClientError("api: '\(base)' is not a URL") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response): (Data, URLResponse)
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw HTTPClientError("api: cannot reach the node at \(base) (\(error.localizedDescription))")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Reply(status: status, json: json)
    }
}

/// A request that did not reach the node or could not be made; reads as `field: reason`.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
