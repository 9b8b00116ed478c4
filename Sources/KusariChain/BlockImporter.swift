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

    /// Runs until `next` returns nil or a block fails.
    public static func run<E: Error & CustomStringConvertible>(
        chain: Blockchain, next: () throws(E) -> [UInt8]?
    ) -> Report {
        var report = Report()
        var queue: [BlockSequence.PreparedBlock] = []
        var position = 0
        var exhausted = false
        func refill() -> String? {
            while !exhausted && queue.count < 2 {
                do {
                    guard let bytes = try next() else { exhausted = true; return nil }
                    queue.append(BlockSequence.PreparedBlock.start(bytes))
                } catch {
                    exhausted = true
                    return error.description
                }
            }
            return nil
        }
        var readFailure = refill()
        while !queue.isEmpty {
            let prepared = queue.removeFirst()
            position += 1
            readFailure = readFailure ?? refill()
            let block: Block
            switch prepared.wait() {
            case .failure(let stage):
                report.failure = "block \(position): \(stage)"
                return report
            case .success(let b): block = b
            }
            do {
                try chain.submit(block, signatures: .alreadyVerified)
                report.imported += 1
            } catch ChainError.duplicate {
                report.known += 1
            } catch {
                report.failure = "block \(position) (height \(block.header.height)): \(error)"
                return report
            }
        }
        if let readFailure { report.failure = readFailure }
        return report
    }
}
