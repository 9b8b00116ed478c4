import Foundation

/// One submitter of a load step: a keep-alive connection to one node and a group of
/// senders (each sender always to the same node). It posts each transfer when it
/// falls due, in batches (`{"txs": [...]}`, at most 256 and at most one per sender),
/// as a wallet or exchange with many transfers would, rather than one request per
/// transfer.
///
/// A transfer the node refuses for now (a full mempool, a rate limit, a nonce too far
/// ahead: any refusal but a ledger rule's) is retried after `retryAfter`, and its
/// sender's later transfers wait behind it, as a client that honours `Retry-After`
/// would: a refusal never leaves a nonce gap that would strand the sender's later
/// transfers. A sender refused for good posts nothing more in the step.
struct StepPoster: Sendable {
    /// Seconds before a refused transfer is retried: the devnet's block spacing, which is what a full
    /// mempool's `Retry-After` says.
    static let retryAfter: Double = 2
    /// The most transfers in one request (the API's batch limit).
    static let batchLimit = 256
    /// Refusal codes that no retry can change.
    static let permanent: Set<String> = ["wrong_chain", "bad_signature", "nonce_too_low", "fee_too_low",
                                         "replacement_underpriced", "insufficient_balance", "bad_request",
                                         "too_large", "wrong_type"]

    let port: UInt16
    /// This poster's transfers (indices into `bodies`), in the order they fall due: transfer `i` at `i / rate`.
    let mine: [Int]
    let rate: Double
    /// The step's length: retries stop then (new transfers are posted however late the client runs).
    let seconds: Double
    /// The number of senders: transfer `i` is sender `i % senders`'s.
    let senders: Int
    /// Transfer `i` in hex, as its batch entry carries it.
    let bodies: [[UInt8]]

    /// What one poster did.
    struct Outcome {
        /// Admitted transfers and when (seconds into the step) the request that admitted them was sent.
        var admitted: [(index: Int, at: Double)] = []
        /// Refusal answers (a transfer refused twice counts twice).
        var refusals = 0
        var firstRefusal: String?
        /// For each sender with a transfer never admitted, the first such transfer: the sender's next step
        /// starts from its nonce.
        var notAdmitted: [Int: Int] = [:]

        mutating func refused(_ why: String) {
            refusals += 1
            if firstRefusal == nil { firstRefusal = why }
        }
    }

    func sender(_ i: Int) -> Int { i % senders }

    /// Posts every transfer (blocking this thread), timed by `clock`.
    func run(clock: Stopwatch) -> Outcome {
        var out = Outcome()
        guard let conn = try? LoopbackConnection(port: port, timeout: 120) else {
            out.firstRefusal = "cannot connect to 127.0.0.1:\(port)"
            for i in mine.reversed() { out.notAdmitted[sender(i)] = i }
            return out
        }
        var next = 0
        // Senders with a refused transfer: it first, then their later transfers, and when to retry it.
        var held: [Int: [Int]] = [:]
        var retryAt: [Int: Double] = [:]
        var refusedForGood = Set<Int>()
        while next < mine.count || (!held.isEmpty && clock.seconds < seconds) {
            let nextNew = next < mine.count ? Double(mine[next]) / rate : seconds
            let wait = min(nextNew, retryAt.values.min() ?? .infinity) - clock.seconds
            if wait > 0 {
                usleep(UInt32(min(wait, 1) * 1e6))
                continue
            }
            // Retries due, then the new transfers due; at most one transfer per sender in a batch.
            let due = clock.seconds
            var batch: [Int] = []
            var inBatch = Set<Int>()
            for (s, at) in retryAt where at <= due && batch.count < Self.batchLimit {
                guard let first = held[s]?.first else { continue }
                batch.append(first)
                inBatch.insert(s)
            }
            while next < mine.count, batch.count < Self.batchLimit, Double(mine[next]) / rate <= due {
                let i = mine[next], s = sender(i)
                if refusedForGood.contains(s) { next += 1; continue }
                if held[s] != nil { held[s, default: []].append(i); next += 1; continue }
                if inBatch.contains(s) { break }
                next += 1
                batch.append(i)
                inBatch.insert(s)
            }
            guard !batch.isEmpty else { continue }

            var body: [UInt8] = Array(#"{"txs":["#.utf8)
            for (k, i) in batch.enumerated() {
                if k > 0 { body.append(UInt8(ascii: ",")) }
                body.append(UInt8(ascii: "\""))
                body += bodies[i]
                body.append(UInt8(ascii: "\""))
            }
            body += Array("]}".utf8)
            let sentAt = clock.seconds
            let status: Int, reply: [UInt8]
            do { (status, reply) = try conn.request("POST", "/v1/txs", body: body) } catch {
                if out.firstRefusal == nil { out.firstRefusal = "connection lost: \(error)" }
                break  // what this connection already had admitted still counts
            }
            // Each transfer's refusal code and message, nil when admitted.
            var refusals: [(code: String, message: String)?]
            let results = (try? JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any])?["results"] as? [[String: Any]]
            if status == 200, let results, results.count == batch.count {
                refusals = results.map { result in
                    guard let error = result["error"] as? [String: Any] else { return nil }
                    let code = error["code"] as? String ?? "?"
                    // Already in the pool: admitted.
                    return code == "already_known" ? nil : (code, error["message"] as? String ?? "")
                }
            } else {
                // The whole request refused: retried when the node may answer later (429, 5xx).
                let code = status == 429 || status >= 500 ? "http_\(status)" : "bad_request"
                refusals = batch.map { _ in (code, "\(status) \(String(decoding: reply.prefix(200), as: UTF8.self))") }
            }
            let now = clock.seconds
            for (i, refusal) in zip(batch, refusals) {
                let s = sender(i)
                guard let refusal else {
                    out.admitted.append((i, sentAt))
                    if held[s]?.first == i {
                        held[s]?.removeFirst()
                        if held[s]?.isEmpty ?? true { held[s] = nil; retryAt[s] = nil } else { retryAt[s] = now }
                    }
                    continue
                }
                out.refused("\(refusal.code): \(refusal.message)")
                if Self.permanent.contains(refusal.code) {
                    refusedForGood.insert(s)
                    out.notAdmitted[s] = i
                    held[s] = nil
                    retryAt[s] = nil
                } else {
                    if held[s]?.first != i { held[s] = [i] + (held[s] ?? []) }
                    retryAt[s] = now + Self.retryAfter
                }
            }
        }
        for (s, waiting) in held { if let first = waiting.first { out.notAdmitted[s] = first } }
        return out
    }
}
