import ArgumentParser
import Foundation
import KusariCore
import KusariJSON

/// `kusari tx sign|inspect`.
struct TxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx", abstract: "Sign, inspect and send transactions.", subcommands: [Sign.self, Inspect.self, Send.self, Status.self])

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a transfer with a key file and print the transaction hex.",
            discussion: "Amounts are base units (10^8 per KSR), or KSR with the suffix ksr, e.g. 1.5ksr.")

        @Option(help: "Key file of the sender.") var key: String
        @Option(help: "Recipient address.") var to: String
        @Option(help: "Amount to send.") var amount: String
        @Option(help: "Fee for the miner.") var fee: String
        @Option(help: "The sender account's next nonce.") var nonce: UInt64
        @Option(help: "A note of at most 256 UTF-8 bytes.") var memo: String?
        @Option(help: "Network: main, test or devnet (sets the chain id and address prefix).")
        var network: NetworkOption = .devnet
        @Option(help: "Chain id, for a private network (overrides the network's).") var chainId: UInt32?

        func run() throws {
            let (keyPair, _) = try loadKey(key)
            let recipient = try Arguments.address(to, network: network.value, field: "to")
            guard let amountUnits = Amount.parse(amount) else { throw CLIError("amount: '\(amount)' is not an amount") }
            guard let feeUnits = Amount.parse(fee) else { throw CLIError("fee: '\(fee)' is not an amount") }
            let tx = try Transaction(chainId: chainId ?? network.value.defaultChainId, key: keyPair, nonce: nonce,
                                     to: recipient.payload, amount: amountUnits, fee: feeUnits,
                                     memo: Array((memo ?? "").utf8))
            print(Hex.encode(tx.encoded))
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode a transaction; exit 0 only if it is canonical and correctly signed.")

        @Argument(help: "Transaction hex, or - to read it from stdin.") var hex: String
        @Option(help: "Network for the address prefix (default: from the chain id).") var network: NetworkOption?

        func run() throws {
            var text = hex
            if hex == "-" {
                text = String(decoding: try Files.read("-", limit: 1 << 20), as: UTF8.self)
            }
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let bytes: [UInt8]
            do { bytes = try Hex.decode(text, field: "tx") } catch { throw CLIError(error.description) }
            let tx: Transaction
            do { tx = try Transaction(decoding: bytes) } catch { throw CLIError(error.description) }
            guard tx.hasValidSignature else { throw CLIError(TransactionError.badSignature.description) }
            let net = network?.value ?? Network.allCases.first { $0.defaultChainId == tx.chainId } ?? .test
            let memoText = String(validating: tx.memo, as: UTF8.self)
            var fields: [(String, JSON)] = [
                ("id", .string(tx.id.hex)),
                ("chainId", .uint(UInt64(tx.chainId))),
                ("from", .string(Address(payload: tx.from, network: net).string)),
                ("to", .string(Address(payload: tx.to, network: net).string)),
                ("amount", .uint(tx.amount)),
                ("fee", .uint(tx.fee)),
                ("nonce", .uint(tx.nonce)),
                ("memo", .string(Hex.encode(tx.memo))),
            ]
            if let memoText { fields.append(("memoText", .string(memoText))) }
            fields += [
                ("publicKey", .string(tx.publicKey.hex)),
                ("signature", .string(tx.signature.hex)),
                ("signingPayload", .string(Hex.encode(tx.signingPayload))),
                ("size", .uint(UInt64(bytes.count))),
            ]
            Output.print(.object(fields))
        }
    }
}
