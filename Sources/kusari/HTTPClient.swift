import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON client for the node's API.
struct HTTPClient {
    let base: String

    struct Reply {
        let status: Int
        let json: [String: Any]
        /// The API's error message, when there is one.
        var errorMessage: String? {
            (json["error"] as? [String: Any]).map { "\($0["code"] ?? "error"): \($0["message"] ?? "")" }
        }
    }

    func get(_ path: String) async throws -> Reply { try await send("GET", path, body: nil) }
    func post(_ path: String, json: [String: Any]) async throws -> Reply {
        try await send("POST", path, body: try JSONSerialization.data(withJSONObject: json))
    }

    private func send(_ method: String, _ path: String, body: Data?) async throws -> Reply {
        guard let url = URL(string: base + path) else { throw CLIError("api: '\(base)' is not a URL") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response): (Data, URLResponse)
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw CLIError("api: cannot reach the node at \(base) (\(error.localizedDescription))")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Reply(status: status, json: json)
    }
}
