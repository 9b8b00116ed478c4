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
    /// The project's goal for this figure, if it has one.
    public var goal: BenchGoal?
    /// Whether the goal is met (nil without a goal).
    public var met: Bool?

    public init(name: String, value: Double, unit: String, limitName: String? = nil, limit: Double? = nil,
                note: String? = nil, goal: BenchGoal? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
        self.limitName = limitName
        self.limit = limit
        let ratio = limit.map { $0 > 0 ? value / $0 : 0 }
        self.ratio = ratio
        self.note = note
        self.goal = goal
        self.met = goal.map { $0.isMet(value: value, ratio: ratio) }
    }

    enum CodingKeys: String, CodingKey { case name, value, unit, limitName, limit, ratio, goal, met }
}

/// A benchmark's goal: a least ratio to the machine's limit, or a least value.
public struct BenchGoal: Sendable, Codable {
    /// `ratio` or `value`.
    public var of: String
    /// The least figure that meets the goal.
    public var atLeast: Double

    /// At least `r` times the machine's limit.
    public static func ratio(_ r: Double) -> BenchGoal { BenchGoal(of: "ratio", atLeast: r) }
    /// At least `v` in the figure's own unit.
    public static func value(_ v: Double) -> BenchGoal { BenchGoal(of: "value", atLeast: v) }

    func isMet(value: Double, ratio: Double?) -> Bool {
        of == "ratio" ? (ratio ?? 0) >= atLeast : value >= atLeast
    }

    /// As the text report prints it, e.g. `goal ratio >= 0.8`.
    var text: String { "goal \(of == "ratio" ? "ratio" : "value") >= \(atLeast >= 100 ? String(format: "%.0f", atLeast) : String(atLeast))" }
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
        // Names are padded to 20 characters, never cut.
        let name = m.name.count >= 20 ? m.name : m.name.padding(toLength: 20, withPad: " ", startingAt: 0)
        var line = "\(name) \(format(m.value)) \(m.unit)"
        if let limit = m.limit, let name = m.limitName, let ratio = m.ratio {
            line += "   limit \(name) \(format(limit)) -> ratio \(String(format: "%.2f", ratio))"
        }
        if let note = m.note { line += "   (\(note))" }
        if let goal = m.goal, let met = m.met { line += "   \(goal.text): \(met ? "met" : "NOT MET")" }
        lines.append(line)
    }
    return lines.joined(separator: "\n")
}

private func format(_ v: Double) -> String {
    v >= 100 ? String(format: "%.0f", v) : String(format: "%.3g", v)
}
