import Foundation

/// One benchmark figure, with the machine's own limit where one applies.
public struct BenchMeasurement: Sendable, Codable {
    public var name: String
    public var value: Double
    public var unit: String
    public var limitName: String?
    public var limit: Double?
    public var ratio: Double?
    /// What the figure means, for the text report.
    public var note: String?

    public init(name: String, value: Double, unit: String, limitName: String? = nil, limit: Double? = nil,
                note: String? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
        self.limitName = limitName
        self.limit = limit
        self.ratio = limit.map { $0 > 0 ? value / $0 : 0 }
        self.note = note
    }

    enum CodingKeys: String, CodingKey { case name, value, unit, limitName, limit, ratio }
}

/// A monotonic clock for timing runs.
public struct Stopwatch: Sendable {
    private let start = DispatchTime.now().uptimeNanoseconds
    public init() {}
    /// Seconds since the stopwatch was made.
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

/// Runs `body` on `threads` threads at once until `seconds` have passed; each
/// call does some operations and returns how many. Returns operations per second.
public func measureRate(threads: Int, seconds: Double, _ body: @Sendable @escaping (_ thread: Int) -> Int) -> Double {
    let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: threads)
    counts.initialize(repeating: 0)
    defer { counts.deallocate() }
    let box = CountsBox(counts)
    let clock = Stopwatch()
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        var local = 0
        while clock.seconds < seconds { local += body(t) }
        box.set(t, local)
    }
    let elapsed = clock.seconds
    return Double(counts.reduce(0, +)) / elapsed
}

/// Per-thread counters, each written by one thread only.
private final class CountsBox: @unchecked Sendable {
    let counts: UnsafeMutableBufferPointer<Int>
    init(_ counts: UnsafeMutableBufferPointer<Int>) { self.counts = counts }
    func set(_ i: Int, _ v: Int) { counts[i] = v }
}

/// Prints measurements as an aligned text table.
public func formatTable(_ measurements: [BenchMeasurement]) -> String {
    var lines: [String] = []
    for m in measurements {
        var line = "\(m.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(format(m.value)) \(m.unit)"
        if let limit = m.limit, let name = m.limitName, let ratio = m.ratio {
            line += "   limit \(name) \(format(limit)) -> ratio \(String(format: "%.2f", ratio))"
        }
        if let note = m.note { line += "   (\(note))" }
        lines.append(line)
    }
    return lines.joined(separator: "\n")
}

private func format(_ v: Double) -> String {
    v >= 100 ? String(format: "%.0f", v) : String(format: "%.3g", v)
}
