import Foundation
import KusariConsensus
import KusariCore

/// How the pages print values: amounts in KSR, times in UTC, sizes in bytes,
/// memos as text. Display only; nothing here feeds a rule.
enum Format {
    /// Base units as KSR with 8 places and the unit.
    static func ksr(_ units: UInt64) -> String { Amount.format(units) + " KSR" }

    /// Unix seconds as an ISO 8601 UTC time.
    static func time(_ seconds: UInt64) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(min(seconds, 253_402_300_799)))
        return ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC") ?? .current,
                                           formatOptions: [.withInternetDateTime])
    }

    /// Milliseconds since the Unix epoch (a vote's timestamp) as an ISO 8601 UTC time with milliseconds.
    static func millis(_ ms: UInt64) -> String {
        let t = time(ms / 1_000)
        guard t.hasSuffix("Z") else { return t }
        return String(t.dropLast()) + "." + String(String(ms % 1_000 + 1_000).dropFirst()) + "Z"
    }

    /// `part` of `whole` as a percentage with one decimal place (display only).
    static func percent(_ part: UInt64, of whole: UInt64) -> String {
        guard whole > 0 else { return "0%" }
        return String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }

    /// How long ago `seconds` was, relative to `now`.
    static func age(_ seconds: UInt64, now: UInt64) -> String {
        guard now >= seconds else { return "in the future" }
        let d = now - seconds
        if d < 120 { return "\(d) s ago" }
        if d < 7_200 { return "\(d / 60) min ago" }
        if d < 172_800 { return "\(d / 3_600) h ago" }
        return "\(d / 86_400) days ago"
    }

    static func now() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970)) }

    /// A byte count with its unit.
    static func bytes(_ n: Int) -> String {
        if n < 10_000 { return "\(n) B" }
        if n < 10_000_000 { return "\(n / 1_000) kB" }
        return "\(n / 1_000_000) MB"
    }

    /// A hash shortened for tables: the first 16 and last 4 digits.
    static func short(_ hex: String) -> String {
        guard hex.count > 24 else { return hex }
        return String(hex.prefix(16)) + "…" + String(hex.suffix(4))
    }

    /// A memo (hex from the API) as text when it is UTF-8, else nil.
    static func memoText(hex: String) -> String? {
        guard let bytes = try? Hex.decode(hex, field: "memo"), !bytes.isEmpty else { return nil }
        return String(bytes: bytes, encoding: .utf8)
    }

    /// A fee rate in base units per byte with one decimal place (integer arithmetic).
    static func feeRate(fee: UInt64, size: Int) -> String {
        guard size > 0 else { return "0" }
        let tenths = fee.multipliedReportingOverflow(by: 10)
        let t = tenths.overflow ? fee / UInt64(size) * 10 : tenths.partialValue / UInt64(size)
        return "\(t / 10).\(t % 10)"
    }

    /// A rate with an SI prefix, e.g. `1.2 MH/s`.
    static func rate(_ perSecond: Double, unit: String) -> String {
        guard perSecond.isFinite, perSecond > 0 else { return "0 " + unit }
        let prefixes = ["", "k", "M", "G", "T", "P", "E", "Z", "Y"]
        var v = perSecond, i = 0
        while v >= 1_000 && i < prefixes.count - 1 { v /= 1_000; i += 1 }
        return String(format: "%.1f", v) + " " + prefixes[i] + unit
    }

    /// A 256-bit number as a Double, for estimates.
    static func approximate(_ n: UInt256) -> Double {
        var v = 0.0
        for i in stride(from: 255, through: 0, by: -1) { v = v * 2 + (n.bit(i) ? 1 : 0) }
        return v
    }

    /// The 64-digit hex of the target `bits` encodes, or nil when `bits` is not a valid target.
    static func target(bits: UInt32) -> String? {
        guard let t = try? CompactTarget.decode(bits) else { return nil }
        return t.hexString
    }
}
