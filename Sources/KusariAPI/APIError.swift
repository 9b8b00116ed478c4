import Foundation
import Hummingbird
import KusariNode
import NIOHTTP1

/// An error answer: an HTTP status and `{"error": {"code", "message"}}`.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Header fields of the answer beside its content type (`Allow` on a 405).
    public var headers: HTTPFields
    /// Seconds after which a retry may succeed, sent as `Retry-After` (a full mempool, a rate limit).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:], retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.retryAfter = retryAfter
    }

    /// The status a node error maps to.
    package init(_ e: NodeError) {
        switch e {
        case .badRequest: self.init(.badRequest, e.code, e.description)
        case .invalidEncoding: self.init(.badRequest, e.code, e.description)
        case .rejected(.mempoolFull), .backlogged: self.init(.tooManyRequests, e.code, e.description)
        case .rejected: self.init(.unprocessableContent, e.code, e.description)
        case .notFound: self.init(.notFound, e.code, e.description)
        case .unavailable: self.init(.serviceUnavailable, e.code, e.description)
        case .rejectedBlock, .exchangeRefused: self.init(.unprocessableContent, e.code, e.description)
        }
    }

    private struct Body: Encodable { let error: Inner }
    private struct Inner: Encodable { let code: String; let message: String }

    var response: Response {
        var response = JSONBody.response(Body(error: Inner(code: code, message: message)), status: status)
        response.headers.append(contentsOf: headers)
        if let retryAfter { response.headers[.retryAfter] = String(max(1, retryAfter)) }
        return response
    }

    /// The JSON error body alone, for answers written below the router (malformed HTTP).
    var jsonBytes: ByteBuffer { ByteBuffer(bytes: JSONBody.data(Body(error: Inner(code: code, message: message)))) }
}

/// JSON responses.
enum JSONBody {
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data(value))))
    }

    /// `value` as JSON with sorted keys and a final newline.
    static func data<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        var data = (try? encoder.encode(value)) ?? Data(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
        data.append(0x0A)  // a final newline, so that a terminal's prompt does not glue onto curl's output
        return data
    }
}

/// Turns every error into the JSON error body, so no request gets an empty 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let methods: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            return e.response
        } catch let e as NodeError {
            return APIError(e).response
        } catch let e as HTTPParserError {
            // A malformed body (a bad chunk size) or a client that hung up mid-body: the client's
            // fault, so a 400 and a debug line, never a 500 and an error line per request.
            context.logger.debug("malformed or unfinished request body", metadata: ["error": "\(e.debugDescription)"])
            return APIError(.badRequest, "bad_request", "request: malformed HTTP (\(e.debugDescription))").response
        } catch let e as HTTPError where e.status == .notFound && !methods.allowed(at: request.uri.path).isEmpty {
            let allowed = methods.allowed(at: request.uri.path).map { $0.rawValue }.joined(separator: ", ")
            var headers = HTTPFields()
            headers[.allow] = allowed
            return APIError(.methodNotAllowed, "method_not_allowed", "\(request.method) \(request.uri.path): this path serves \(allowed)",
                            headers: headers).response
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
