import Foundation
import Hummingbird
import KusariCore
import KusariNode
import NIOCore

/// Decimal digits, read exactly as docs/openapi.yaml spells them: ASCII digits only
/// (no sign, no spaces), so that the server accepts what the document allows and
/// refuses what it does not.
package enum Digits {
    /// `text` as a whole number when it is 1 to `maxDigits` ASCII digits whose value fits in 64 bits.
    package static func uint64(_ text: some StringProtocol, maxDigits: Int = 20) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= maxDigits, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return UInt64(text)
    }
}

/// Query parameters, checked.
package enum Query {
    /// A whole number from 0 to 2^64 - 1 (the document's `UInt64`), or nil when absent.
    package static func uint(_ request: Request, _ name: String) throws -> UInt64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let v = Digits.uint64(text) else {
            throw APIError(.badRequest, "bad_request", "\(name): '\(text)' is not a whole number from 0 to 18446744073709551615")
        }
        return v
    }

    /// `txs`: `full` for whole transactions; absent for ids; anything else is refused.
    package static func fullTransactions(_ request: Request) throws -> Bool {
        guard let text = request.uri.queryParameters.get("txs") else { return false }
        guard text == "full" else { throw APIError(.badRequest, "bad_request", "txs: the only value is 'full' (or leave it out), got '\(text)'") }
        return true
    }

    /// How many heights of the block tree to show: 1 to 500.
    package static func treeDepth(_ text: String?, fallback: UInt64) throws -> UInt64 {
        guard let text else { return fallback }
        guard let d = Digits.uint64(text), (1...500).contains(d) else {
            throw APIError(.badRequest, "bad_request", "depth: must be between 1 and 500")
        }
        return d
    }

    /// A history cursor: HEIGHT or HEIGHT:POSITION (as `next` gives it; at most 19 and 9
    /// digits, the document's pattern), or nil for the newest.
    package static func historyCursor(_ text: String?) throws -> (height: UInt64?, position: Int?) {
        guard let text else { return (nil, nil) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let h = Digits.uint64(parts[0], maxDigits: 19) else {
            throw APIError(.badRequest, "bad_request", "before: expected HEIGHT or HEIGHT:POSITION (up to 19 and 9 digits), got '\(text)'")
        }
        guard parts.count == 2 else { return (h, nil) }
        guard let p = Digits.uint64(parts[1], maxDigits: 9) else {
            throw APIError(.badRequest, "bad_request", "before: expected HEIGHT or HEIGHT:POSITION (up to 19 and 9 digits), got '\(text)'")
        }
        return (h, Int(p))
    }

    /// `limit`: 1 to `maximum`, `fallback` when absent.
    package static func limit(_ request: Request, maximum: Int = 100, fallback: Int = 20) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return fallback }
        guard let v = Digits.uint64(text), v >= 1 && v <= UInt64(maximum) else {
            throw APIError(.badRequest, "bad_request", "limit: must be between 1 and \(maximum)")
        }
        return Int(v)
    }
}

/// Path parameters, checked.
package enum Path {
    package static func hash(_ text: String, field: String) throws -> Hash256 {
        do { return try Hash256(hex: text, field: field) } catch {
            throw APIError(.badRequest, "bad_request", "\(field): expected 64 hex digits")
        }
    }

    /// A height (1 to 19 digits) or a block id (64 hex digits).
    package static func blockRef(_ text: String) throws -> BlockRef {
        if let h = Digits.uint64(text, maxDigits: 19) { return .height(h) }
        return .id(try hash(text, field: "ref"))
    }

    package static func address(_ text: String, network: Network) throws -> AddressPayload {
        do { return try Address(parsing: text, network: network).payload } catch {
            throw APIError(.badRequest, "bad_address", "address: \(error)")
        }
    }
}
/// Request bodies, checked.
enum Body {
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        do { return try await request.body.collect(upTo: limit) } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "too_large", "body: larger than \(limit) bytes")
        }
    }

    /// The JSON object of a submission body.
    static func object(_ body: ByteBuffer) throws -> [String: Any] {
        let data = Data(buffer: body)
        guard let json = try? JSONSerialization.jsonObject(with: data) else {
            throw APIError(.badRequest, "bad_json", "body: not valid JSON (expected {\"tx\": \"<hex>\"} or {\"txs\": [...]})")
        }
        guard let object = json as? [String: Any] else {
            throw APIError(.badRequest, "bad_request", "body: expected a JSON object {\"tx\": \"<hex>\"}")
        }
        return object
    }

    /// The `tx` of a single submission.
    static func txHex(_ object: [String: Any]) throws -> String {
        guard let value = object["tx"] else { throw APIError(.badRequest, "bad_request", "tx: missing") }
        guard let hex = value as? String else { throw APIError(.unprocessableContent, "wrong_type", "tx: must be a string of hex") }
        return hex
    }
}
