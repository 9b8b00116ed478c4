import Foundation
import Hummingbird

/// The query string of a GET form as a browser sends it
/// (`application/x-www-form-urlencoded`): `+` is a space, then `%XX` escapes are
/// decoded, and the values are trimmed of surrounding white space.
struct Form: Sendable {
    private let fields: [(name: String, value: String)]

    /// Parses the request's raw query; a malformed escape leaves that field's text as sent.
    init(_ request: Request) { self.init(query: request.uri.query ?? "") }

    /// Parses a raw query string (without the `?`).
    init(query: String) {
        fields = query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// The first value of `name`, decoded and trimmed, or nil when the query has
    /// no such field or leaves it blank (an empty form field means "the default").
    subscript(_ name: String) -> String? {
        guard let v = raw(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    /// The first value of `name`, decoded but exactly as typed (for text that is itself the subject, such as text to hash).
    func raw(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// `+` to space, then percent-decoding.
    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
