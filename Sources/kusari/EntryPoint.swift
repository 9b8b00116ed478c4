import ArgumentParser
import Foundation

/// Entry point: parse the command line, run the command, and turn every error
/// into a clear message on stderr with exit status 1 (help and --version exit 0).
@main
enum EntryPoint {
    static func main() async {
        do {
            try Arguments.checkCommandWords(Array(CommandLine.arguments.dropFirst()), root: Kusari.self)
            var command = try Kusari.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch let error as CLIError {
            Output.error(error.description)
            exit(1)
        } catch {
            if Kusari.exitCode(for: error) == .success { Kusari.exit(withError: error) }
            if String(reflecting: type(of: error)).hasPrefix("Kusari") {
                // Errors of the Kusari libraries already read as "field: reason".
                Output.error(String(describing: error))
            } else {
                Output.errorLine(Kusari.fullMessage(for: error))
            }
            exit(1)
        }
    }
}
