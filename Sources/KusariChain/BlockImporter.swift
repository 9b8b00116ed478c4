import KusariCore

/// Adds blocks from a source (a block file, later a peer) to a chain, exactly as
/// a peer's blocks are checked, decoding and checking the signatures of the next
/// blocks on other cores while the current one is stored.
public enum BlockImporter {
    public struct Report: Sendable {
        /// Blocks newly added.
        public var imported = 0
        /// Blocks the chain already had.
        public var known = 0
        /// Why the import stopped early, naming the block's position and height.
        public var failure: String?
    }

    /// The report, once every connected block is on disk.
    static func flushed(_ report: Report, _ chain: Blockchain) -> Report {
        var r = report
        do { try chain.flush() } catch { r.failure = (r.failure.map { $0 + "; " } ?? "") + "writing the blocks failed: \(error)" }
        return r
    }

    /// Runs until `next` returns nil or a block fails. Blocks are written in the
    /// background in order; the report is returned once all of them are on disk.
    public static func run<E: Error & CustomStringConvertible>(
        chain: Blockchain, next: () throws(E) -> [UInt8]?
    ) -> Report {
        var report = Report()
        var queue: [(BlockSequence.PreparedBlock, [UInt8])] = []
        var position = 0
        var exhausted = false
        // The first block is checked alone, on every core; after that two more are
        // checked ahead while one is applied and stored.
        func refill(_ limit: Int) -> String? {
            while !exhausted && queue.count < limit {
                do {
                    guard let bytes = try next() else { exhausted = true; return nil }
                    queue.append((BlockSequence.PreparedBlock.start(bytes), bytes))
                } catch {
                    exhausted = true
                    return error.description
                }
            }
            return nil
        }
        var readFailure = refill(1)
        while !queue.isEmpty {
            let (prepared, bytes) = queue.removeFirst()
            position += 1
            readFailure = readFailure ?? refill(2)
            let block: Block
            switch prepared.wait() {
            case .failure(let stage):
                report.failure = "block \(position): \(stage)"
                return flushed(report, chain)
            case .success(let b): block = b
            }
            do {
                try chain.submit(block, encoded: bytes, signatures: .alreadyVerified, durability: .deferred)
                report.imported += 1
            } catch ChainError.duplicate {
                report.known += 1
            } catch {
                report.failure = "block \(position) (height \(block.header.height)): \(error)"
                return flushed(report, chain)
            }
        }
        do { try chain.flush() } catch {
            report.failure = "writing the blocks failed: \(error)"
            return report
        }
        if let readFailure { report.failure = readFailure }
        return report
    }
}
