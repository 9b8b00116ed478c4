import ArgumentParser
import Foundation
import KusariConsensus
import KusariJSON

/// `kusari pow`: proof-of-work tools over the KusariConsensus module.
struct PowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pow",
        abstract: "Proof-of-work arithmetic: verify Bitcoin headers, compute retargets.",
        subcommands: [VerifyBitcoinCommand.self, RetargetCommand.self]
    )

    /// The networks whose proof-of-work parameters the commands can use.
    enum Network: String, ExpressibleByArgument, CaseIterable {
        case bitcoin, main, test, devnet

        var parameters: PowParameters {
            switch self {
            case .bitcoin: return .bitcoin
            case .main: return .kusariMain
            case .test: return .kusariTest
            case .devnet: return .kusariDevnet
            }
        }
    }

    /// `kusari pow verify-bitcoin FILE`
    struct VerifyBitcoinCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-bitcoin",
            abstract: "Verify a file of Bitcoin mainnet headers and print its tip as JSON.",
            discussion: """
                FILE holds either raw 80-byte headers in hex, one a line, consecutive from \
                the genesis block, or base64 checkpoint records (12-byte chain work, 4-byte \
                height, 80-byte header), one every 2016 blocks. Lines starting with # are \
                comments. The format is detected from the content.
                """
        )

        @Argument(help: "The header file to verify.")
        var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                powPrintError("cannot read \(file): no such file, or not readable")
                throw ExitCode(1)
            }
            // Bytes that are not UTF-8 become U+FFFD and fail as a bad line, with its number.
            let text = String(decoding: data, as: UTF8.self)
            do {
                let summary = try BitcoinHeaderChain.verify(text, params: .bitcoin)
                print(#"{"records":\#(summary.records),"tipHeight":\#(summary.tipHeight),"tipHash":"\#(summary.tipHash)","tipChainwork":"\#(summary.tipChainWorkHex)"}"#)
            } catch {
                powPrintError(error.description)
                throw ExitCode(1)
            }
        }
    }

    /// `kusari pow retarget ...`
    struct RetargetCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retarget",
            abstract: "Compute the bits of the first block of a new retarget window.",
            discussion: """
                Follows Bitcoin Core's CalculateNextWorkRequired: the time from the first to \
                the last block of the window that ended is clamped to [1/4, 4] times the \
                intended timespan, the target scaled by it, and capped at the network's limit. \
                Prints JSON: the new bits (0x followed by eight hex digits), the network and the clamped timespan.
                """
        )

        @Option(help: "Time of the first block of the window that ended (Unix seconds).")
        var lastRetargetTime: Int64

        @Option(help: "Time of the last block of that window (Unix seconds).")
        var lastBlockTime: Int64

        @Option(help: "Compact bits of the last block, e.g. 0x1d00ffff.")
        var bits: String

        @Option(help: "Network parameters: bitcoin, main, test or devnet.")
        var network: Network = .bitcoin

        func run() throws {
            guard let lastBits = CompactTarget.parse(bits) else {
                powPrintError("--bits \(bits): expected compact bits, up to 8 hex digits such as 0x1d00ffff")
                throw ExitCode(1)
            }
            do {
                let next = try Retarget.nextBits(
                    lastRetargetTime: lastRetargetTime, lastBlockTime: lastBlockTime,
                    lastBits: lastBits, params: network.parameters)
                let span = lastBlockTime - lastRetargetTime
                let clamped = Retarget.clampedTimespan(lastRetargetTime: lastRetargetTime, lastBlockTime: lastBlockTime,
                                                       params: network.parameters)
                print(#"{"bits":"\#(CompactTarget.format(next))","previousBits":"\#(CompactTarget.format(lastBits))","network":"\#(network.rawValue)","timespan":\#(span),"clampedTimespan":\#(clamped)}"#)
            } catch {
                powPrintError("--bits: \(error.description)")
                throw ExitCode(1)
            }
        }
    }
}

/// Prints `error: message` on stderr.
private func powPrintError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}
