import Foundation

/// One fault or question for a running devnet, as `kusari devnet <verb> ...` gives it
/// and as it travels to the control endpoint (one JSON object a line).
///
/// Nodes are numbered from 1, as the status lines show them.
public enum ControlRequest: Equatable, Sendable {
    /// Kill node N at once (SIGKILL); the devnet restarts it.
    case kill(Int)
    /// Stop node N (SIGSTOP): it holds its connections but answers nothing.
    case pause(Int)
    /// Continue a paused node (SIGCONT).
    case resume(Int)
    /// Cut every link between nodes of different groups; nodes not named form one more group.
    case partition([[Int]])
    /// Restore every link: no cuts, no delays.
    case heal
    /// Delay every byte on the link between two nodes, each way, by this many milliseconds (0 removes it).
    case delay(Int, Int, milliseconds: Int)
    /// The devnet's nodes and links.
    case status

    /// The verbs the control endpoint understands.
    public static let verbs = ["kill", "pause", "resume", "partition", "heal", "delay", "status"]

    /// Parses `verb args...` from the command line, such as `partition 1,2 3,4` or `delay 1-3 200ms`.
    public init(verb: String, arguments: [String]) throws(DevnetError) {
        func one(_ what: String) throws(DevnetError) -> Int {
            guard arguments.count == 1 else { throw DevnetError(what, "expected one node number, got \(arguments.count) arguments") }
            return try Self.node(arguments[0], field: what)
        }
        func none() throws(DevnetError) {
            guard arguments.isEmpty else { throw DevnetError(verb, "takes no arguments, got '\(arguments.joined(separator: " "))'") }
        }
        switch verb {
        case "kill": self = .kill(try one("node"))
        case "pause": self = .pause(try one("node"))
        case "resume": self = .resume(try one("node"))
        case "heal": try none(); self = .heal
        case "status": try none(); self = .status
        case "partition":
            guard !arguments.isEmpty else { throw DevnetError("partition", "expected groups of nodes such as '1,2 3,4'") }
            self = .partition(try Self.groups(arguments))
        case "delay":
            guard arguments.count == 2 else { throw DevnetError("delay", "expected a link and a latency such as '1-3 200ms'") }
            let (a, b) = try Self.link(arguments[0])
            self = .delay(a, b, milliseconds: try Self.duration(arguments[1]))
        default:
            throw DevnetError("command", "'\(verb)' is not one of \(Self.verbs.joined(separator: ", "))")
        }
    }

    /// A node number: a whole number from 1.
    static func node(_ text: String, field: String) throws(DevnetError) -> Int {
        guard let n = Int(text), n >= 1, n <= 1_000 else { throw DevnetError(field, "'\(text)' is not a node number (1, 2, ...)") }
        return n
    }

    /// Groups such as `["1,2", "3,4"]`: each non-empty, no node twice.
    static func groups(_ arguments: [String]) throws(DevnetError) -> [[Int]] {
        var seen = Set<Int>()
        var groups: [[Int]] = []
        for argument in arguments {
            let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            var group: [Int] = []
            for part in parts {
                let n = try node(String(part), field: "partition")
                guard seen.insert(n).inserted else { throw DevnetError("partition", "node \(n) is in two groups") }
                group.append(n)
            }
            groups.append(group)
        }
        return groups
    }

    /// A link such as `1-3`: two different nodes.
    static func link(_ text: String) throws(DevnetError) -> (Int, Int) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw DevnetError("delay", "'\(text)' is not a link such as 1-3") }
        let a = try node(String(parts[0]), field: "delay"), b = try node(String(parts[1]), field: "delay")
        guard a != b else { throw DevnetError("delay", "a link joins two different nodes, got \(text)") }
        return (a, b)
    }

    /// A latency such as `200ms`, `1.5s` or `0`, in whole milliseconds, at most 60 s.
    static func duration(_ text: String) throws(DevnetError) -> Int {
        let value: Double?
        if text.hasSuffix("ms") { value = Double(text.dropLast(2)) }
        else if text.hasSuffix("s") { value = Double(text.dropLast()).map { $0 * 1000 } }
        else if text == "0" { value = 0 }
        else { throw DevnetError("latency", "'\(text)' needs a unit: ms or s (such as 200ms)") }
        guard let ms = value, ms.isFinite, ms >= 0, ms <= 60_000 else {
            throw DevnetError("latency", "'\(text)' is not a latency from 0 to 60s")
        }
        return Int(ms.rounded())
    }

    /// Checks the node numbers against a devnet of `nodes` nodes.
    public func validate(nodes: Int) throws(DevnetError) {
        func check(_ n: Int, _ field: String) throws(DevnetError) {
            guard n <= nodes else { throw DevnetError(field, "node \(n) does not exist; this devnet has nodes 1 to \(nodes)") }
        }
        switch self {
        case .kill(let n), .pause(let n), .resume(let n): try check(n, "node")
        case .partition(let groups):
            for n in groups.joined() { try check(n, "partition") }
            guard groups.count >= 2 || groups.joined().count < nodes else {
                throw DevnetError("partition", "one group holding every node cuts nothing; name two groups")
            }
        case .delay(let a, let b, _): try check(a, "delay"); try check(b, "delay")
        case .heal, .status: break
        }
    }

    /// The request as one JSON object.
    public var json: [String: Any] {
        switch self {
        case .kill(let n): return ["command": "kill", "node": n]
        case .pause(let n): return ["command": "pause", "node": n]
        case .resume(let n): return ["command": "resume", "node": n]
        case .partition(let g): return ["command": "partition", "groups": g]
        case .heal: return ["command": "heal"]
        case .delay(let a, let b, let ms): return ["command": "delay", "link": [a, b], "milliseconds": ms]
        case .status: return ["command": "status"]
        }
    }

    /// Reads a request sent as JSON; every field is checked.
    public init(json object: Any) throws(DevnetError) {
        guard let o = object as? [String: Any] else { throw DevnetError("request", "not a JSON object") }
        guard let command = o["command"] as? String else { throw DevnetError("command", "missing or not a string") }
        func int(_ value: Any?, _ field: String) throws(DevnetError) -> Int {
            // JSONSerialization gives NSNumber for numbers and booleans alike; a boolean's class names it.
            guard let value, let n = value as? Int, !String(describing: type(of: value)).contains("Bool") else {
                throw DevnetError(field, "missing or not a whole number")
            }
            return n
        }
        func node(_ field: String) throws(DevnetError) -> Int {
            let n = try int(o[field], field)
            guard n >= 1 else { throw DevnetError(field, "\(n) is not a node number") }
            return n
        }
        switch command {
        case "kill": self = .kill(try node("node"))
        case "pause": self = .pause(try node("node"))
        case "resume": self = .resume(try node("node"))
        case "heal": self = .heal
        case "status": self = .status
        case "partition":
            guard let list = o["groups"] as? [Any] else { throw DevnetError("groups", "missing or not an array") }
            var texts: [String] = []
            for item in list {
                guard let g = item as? [Any] else { throw DevnetError("groups", "each group is an array of node numbers") }
                var members: [String] = []
                for m in g { members.append(String(try int(m, "groups"))) }
                texts.append(members.joined(separator: ","))
            }
            guard !texts.isEmpty else { throw DevnetError("groups", "empty") }
            self = .partition(try Self.groups(texts))
        case "delay":
            guard let link = o["link"] as? [Any], link.count == 2 else { throw DevnetError("link", "expected two node numbers") }
            let a = try int(link[0], "link"), b = try int(link[1], "link")
            let ms = try int(o["milliseconds"], "milliseconds")
            guard a >= 1, b >= 1, a != b else { throw DevnetError("link", "expected two different node numbers") }
            guard (0...60_000).contains(ms) else { throw DevnetError("milliseconds", "\(ms) is not from 0 to 60000") }
            self = .delay(a, b, milliseconds: ms)
        default:
            throw DevnetError("command", "'\(command)' is not one of \(Self.verbs.joined(separator: ", "))")
        }
    }
}
