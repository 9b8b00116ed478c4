import Foundation
import KusariJSON

/// Writing results and errors.
enum Output {
    /// Prints a JSON value on stdout.
    static func print(_ value: JSON) {
        Swift.print(value.render())
    }

    /// Prints `error: message` on stderr.
    static func error(_ message: String) {
        errorLine("error: " + message)
    }

    static func errorLine(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// A command-line failure with a message for the user.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
