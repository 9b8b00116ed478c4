import Foundation
import Hummingbird
import KusariCore
import KusariNode
import NIOCore

/// `POST /v1/txs` with `{"txs": [hex, ...]}`: many transactions in one request,
/// each checked on its own, so that a client with many transfers pays for HTTP
/// and JSON once per batch rather than once per transaction. The node takes the
/// whole batch in one call.
enum BatchSubmit {
    /// The most transactions in one batch.
    static let maxTransactions = 256
    /// The largest batch body: 256 transfers of the largest size in hex fit many times over,
    /// and so do two deploys of the largest module.
    static let maxBodyBytes = 1 << 20

    /// One transaction's outcome: its id when it decoded, and an error when it was refused.
    struct Item: Encodable {
        let id: String?
        let error: Failure?
    }

    /// An error in the API's usual shape.
    struct Failure: Encodable {
        let code: String
        let message: String
    }

    /// The answer: one item per transaction, in order, and how many were admitted.
    struct Answer: Encodable {
        let accepted: Int
        let results: [Item]
    }

    /// The hex strings of a `{"txs": [...]}` body.
    static func hexList(_ object: [String: Any]) throws -> [String] {
        guard let list = object["txs"] as? [Any] else {
            throw APIError(.unprocessableContent, "wrong_type", "txs: must be an array of hex strings")
        }
        guard !list.isEmpty else { throw APIError(.badRequest, "bad_request", "txs: empty (send 1 to \(maxTransactions))") }
        guard list.count <= maxTransactions else {
            throw APIError(.contentTooLarge, "too_large", "txs: \(list.count) transactions, a batch holds at most \(maxTransactions)")
        }
        return try list.enumerated().map { i, value in
            guard let hex = value as? String else { throw APIError(.unprocessableContent, "wrong_type", "txs[\(i)]: must be a string of hex") }
            return hex
        }
    }

    /// Decodes and checks each transaction outside the node's actor (signatures
    /// through the node's cache), then admits the valid ones in one call and waits until the
    /// node's journal holds them on disk;
    /// refusals are reported per item, with the id of each that decoded.
    static func submit(_ hexes: [String], node: Node) async -> Answer {
        var items = [Item?](repeating: nil, count: hexes.count)
        var valid: [(index: Int, tx: Transaction)] = []
        for (i, hex) in hexes.enumerated() {
            let bytes: [UInt8]
            do { bytes = try Hex.decode(hex, field: "txs[\(i)]") } catch {
                items[i] = Item(id: nil, error: Failure(code: "bad_request", message: "\(error)"))
                continue
            }
            guard bytes.count <= Transaction.maxEncodedSize else {
                items[i] = Item(id: nil, error: Failure(code: "too_large",
                                                        message: "txs[\(i)]: \(bytes.count) bytes, a transaction is at most \(Transaction.maxEncodedSize)"))
                continue
            }
            let tx: Transaction
            do { tx = try Transaction(decoding: bytes) } catch {
                let e = NodeError.invalidEncoding(error)
                items[i] = Item(id: nil, error: Failure(code: e.code, message: e.description))
                continue
            }
            // Decoded: its id is known from here on, whatever happens to it.
            let id = tx.id
            guard node.verifiedSignatures.isValid(tx, id: id) else {
                let e = NodeError.rejected(.badSignature)
                items[i] = Item(id: id.hex, error: Failure(code: e.code, message: e.description))
                continue
            }
            valid.append((i, tx))
        }
        let outcomes = await node.admitDurably(verifiedBatch: valid.map(\.tx), fromClient: true)
        var accepted = 0
        for ((i, tx), outcome) in zip(valid, outcomes) {
            switch outcome {
            case .success(let id):
                accepted += 1
                items[i] = Item(id: id.hex, error: nil)
            case .failure(let e):
                items[i] = Item(id: tx.id.hex, error: Failure(code: e.code, message: e.description))
            }
        }
        return Answer(accepted: accepted, results: items.map { $0 ?? Item(id: nil, error: Failure(code: "internal", message: "no outcome")) })
    }
}
