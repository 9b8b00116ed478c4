import Foundation
import Hummingbird
import KusariAPI
import KusariNode
import Mustache
import NIOCore

/// Renders the embedded mustache templates into HTML responses with the
/// explorer's security headers. Every `{{value}}` is HTML-escaped by the
/// library; the templates use no triple mustache (a test checks).
struct Renderer: Sendable {
    let library: MustacheLibrary
    /// True on a BFT chain: the layout links the validators and evidence pages.
    let bft: Bool

    /// The Content-Security-Policy of every page: only the node's own scripts,
    /// styles and images, and requests back to the node only.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Parses every embedded template; a template that does not parse is an error at start-up.
    init(bft: Bool = false) throws {
        self.bft = bft
        var library = MustacheLibrary()
        for (name, text) in EmbeddedFiles.templates {
            do { try library.register(text, named: name) } catch {
                throw ExplorerError.template(name: name, reason: "\(error)")
            }
        }
        self.library = library
    }

    /// A page: `template` rendered with `context` (plus the page title and its scripts) inside the layout.
    func page(_ template: String, title: String, scripts: [String] = [], _ context: [String: Any],
              status: HTTPResponse.Status = .ok) -> Response {
        var values = context
        values["pageTitle"] = title
        values["bftChain"] = bft
        values["scripts"] = (["common.js"] + scripts).map { ["src": "/assets/" + $0] }
        let html = library.render(values, withTemplate: template) ?? "missing template \(template)"
        return Self.response(html, contentType: "text/html; charset=utf-8", status: status)
    }

    /// The not-found (or bad-request) page, with a link to a page that may help (`seeAlso`: its path and text).
    func errorPage(status: HTTPResponse.Status, message: String, seeAlso: (href: String, text: String)? = nil) -> Response {
        var context: [String: Any] = ["status": status.code, "reason": status.reasonPhrase, "message": message]
        if let seeAlso { context["seeAlso"] = ["href": seeAlso.href, "text": seeAlso.text] }
        return page("error", title: "\(status.code) \(status.reasonPhrase)", context, status: status)
    }

    /// A response with the explorer's headers.
    static func response(_ body: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = "no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A redirect to another explorer page (search results).
    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        return Response(status: .seeOther, headers: headers)
    }
}

/// Why the explorer could not start or answer.
public enum ExplorerError: Error, CustomStringConvertible {
    /// An embedded template does not parse.
    case template(name: String, reason: String)

    public var description: String {
        switch self {
        case .template(let name, let reason): return "explorer template \(name): \(reason)"
        }
    }
}
