/// Amounts are integers of base units: 10^8 base units make one KSR, and no
/// more than 21,000,000 KSR can ever exist, so every amount fits a JSON number
/// exactly (2.1 x 10^15 < 2^53).
public enum Amount {
    /// Base units per KSR.
    public static let unitsPerKSR: UInt64 = 100_000_000
    /// The supply cap in base units: 21,000,000 KSR.
    public static let maxSupply: UInt64 = 21_000_000 * unitsPerKSR

    /// `units` as a decimal KSR string with 8 places, e.g. `1.50000000`.
    public static func format(_ units: UInt64) -> String {
        let whole = units / unitsPerKSR
        let frac = String(units % unitsPerKSR)
        return "\(whole)." + String(repeating: "0", count: 8 - frac.count) + frac
    }
}

extension Amount {
    /// Parses an amount: a plain integer is base units (`150000000`); a decimal
    /// with the suffix `ksr` is KSR with at most 8 places (`1.5ksr`). Exact, no
    /// floating point. Nil when malformed or above the supply cap.
    public static func parse(_ text: String) -> UInt64? {
        let lower = text.lowercased()
        if lower.hasSuffix("ksr") {
            let number = lower.dropLast(3).trimmingSpaces()
            return parseKSR(String(number))
        }
        guard !lower.isEmpty, lower.allSatisfy({ $0.isASCII && $0.isNumber }),
              let v = UInt64(lower), v <= maxSupply else { return nil }
        return v
    }

    /// Parses a decimal KSR amount such as `1.5` or `0.00000001`.
    public static func parseKSR(_ text: String) -> UInt64? { parseDecimal(text, decimals: 8, maximum: maxSupply) }

    /// Parses a decimal amount of a unit with `decimals` places (0 to 18) into base units,
    /// such as `12.5` with 2 places into 1250. Exact, no floating point. Nil when malformed,
    /// with more places than `decimals`, or above `maximum`.
    public static func parseDecimal(_ text: String, decimals: Int, maximum: UInt64) -> UInt64? {
        guard (0...18).contains(decimals) else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let whole = parts[0], frac = parts.count == 2 ? parts[1] : ""
        guard !whole.isEmpty || !frac.isEmpty, frac.count <= decimals,
              (whole + frac).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard whole.count <= 19, let w = UInt64(whole.isEmpty ? "0" : whole) else { return nil }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }   // at most 10^18 < 2^63
        let f = UInt64(frac + String(repeating: "0", count: decimals - frac.count)) ?? 0
        let (scaled, overflow) = w.multipliedReportingOverflow(by: scale)
        guard !overflow, scaled <= maximum, f <= maximum - scaled else { return nil }
        return scaled + f
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.last == " " { s = s.dropLast() }
        while s.first == " " { s = s.dropFirst() }
        return s
    }
}
