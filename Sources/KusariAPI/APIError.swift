import Foundation
import Hummingbird
import KusariNode

/// An error answer: an HTTP status and `{"error": {"code", "message"}}`.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Seconds after which a retry may succeed, sent as `Retry-After` (a full mempool, a rate limit).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// The status a node error maps to.
    package init(_ e: NodeError) {
        switch e {
        case .badRequest: self.init(.badRequest, e.code, e.description)
        case .invalidEncoding: self.init(.badRequest, e.code, e.description)
        case .rejected(.mempoolFull): self.init(.tooManyRequests, e.code, e.description)
        case .rejected: self.init(.unprocessableContent, e.code, e.description)
        case .notFound: self.init(.notFound, e.code, e.description)
        case .unavailable: self.init(.serviceUnavailable, e.code, e.description)
        case .rejectedBlock: self.init(.unprocessableContent, e.code, e.description)
        }
    }

    var response: Response {
        struct Body: Encodable { let error: Inner }
        struct Inner: Encodable { let code: String; let message: String }
        var response = JSONBody.response(Body(error: Inner(code: code, message: message)), status: status)
        if let retryAfter { response.headers[.retryAfter] = String(max(1, retryAfter)) }
        return response
    }
}

/// JSON responses.
enum JSONBody {
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        var data = (try? encoder.encode(value)) ?? Data(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
        data.append(0x0A)  // a final newline, so that a terminal's prompt does not glue onto curl's output
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into the JSON error body, so no request gets an empty 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            return e.response
        } catch let e as NodeError {
            return APIError(e).response
        } catch let e as HTTPError {
            let code = e.status == .notFound ? "not_found" : (e.status == .contentTooLarge ? "too_large" : "http_\(e.status.code)")
            let message = e.status == .notFound ? "no such route: \(request.method) \(request.uri.path)" : (e.body ?? e.status.reasonPhrase)
            return APIError(e.status, code, message).response
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            return APIError(.internalServerError, "internal", "internal error").response
        }
    }
}
