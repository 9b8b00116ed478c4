import ArgumentParser
import Foundation
import KusariCore

/// Reading the arguments that several commands share, with errors that say
/// what the user most likely meant.
enum Arguments {
    /// Parses an address given for `field`. A value that looks like a file (a key
    /// file given where its address belongs) is named as such.
    static func address(_ text: String, network: Network?, field: String) throws -> Address {
        do {
            return try network.map { try Address(parsing: text, network: $0) } ?? Address(parsing: text)
        } catch {
            let prefixes = network.map { "\($0.addressPrefix)1 (\($0.rawValue))" } ?? "ksr1 (main) or ksrt1 (test, devnet)"
            if text.hasSuffix(".json") || text.contains("/") || FileManager.default.fileExists(atPath: text) {
                throw CLIError("\(field): '\(text)' looks like a file, not an address; an address starts with \(prefixes)"
                               + " (a key file's address: kusari keys show, or jq -r .address FILE)")
            }
            throw CLIError("\(field): \(error) (an address starts with \(prefixes))")
        }
    }

    /// A node's API base URL from either `http://HOST:PORT` or `HOST:PORT`
    /// (what `kusari node --api` takes), without a trailing slash.
    static func apiURL(_ text: String) throws -> String {
        var base = text.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        if !base.contains("://") { base = "http://" + base }
        guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()),
              let host = url.host, !host.isEmpty else {
            throw CLIError("api: '\(text)' is neither HOST:PORT nor an http:// URL")
        }
        return base
    }

    /// The edit distance between two strings (insertions, deletions, substitutions, and swaps of neighbours).
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }

    /// The name among `names` closest to `word`, if it is close enough to be a typo
    /// (at most a third of its letters wrong, or a prefix of it).
    static func nearest(_ word: String, among names: [String]) -> String? {
        if let prefixed = names.first(where: { $0.hasPrefix(word) && word.count >= 2 }) { return prefixed }
        let scored = names.map { ($0, distance(word, $0)) }.min { $0.1 < $1.1 }
        guard let (name, score) = scored, score <= max(1, word.count / 3) else { return nil }
        return name
    }

    /// Checks the command words of `arguments` (before the first option) against
    /// the command tree of `root`, so that `kusari wallet sned --to ...` says
    /// "did you mean `send`?" instead of complaining about `--to`.
    static func checkCommandWords(_ arguments: [String], root: ParsableCommand.Type) throws {
        var command = root
        var path = [root._commandName]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            if subcommands.isEmpty || word.hasPrefix("-") || word == "help" { return }
            if let next = subcommands.first(where: { $0._commandName == word || ($0.configuration.aliases.contains(word)) }) {
                command = next
                path.append(word)
                continue
            }
            let names = subcommands.map { $0._commandName }
            let hint = nearest(word, among: names).map { "; did you mean `\(path.joined(separator: " ")) \($0)`?" } ?? ""
            throw CLIError("'\(word)' is not a command of `\(path.joined(separator: " "))`\(hint) (commands: \(names.joined(separator: ", ")))")
        }
    }
}
