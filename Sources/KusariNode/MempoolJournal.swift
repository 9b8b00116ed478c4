import Foundation
import KusariCore

/// Why the mempool journal could not be used. Each case names the file and the
/// system's reason.
public enum JournalError: Error, Equatable, CustomStringConvertible {
    /// The journal (or its temporary rewrite) could not be opened or created.
    case open(path: String, reason: String)
    /// Appending records failed (the file was cut back to its last good length).
    case write(path: String, reason: String)
    /// `fsync` failed: the records may not be on disk.
    case sync(path: String, reason: String)
    /// A rewrite could not replace the journal (the old one is still in place).
    case rewrite(path: String, reason: String)
    /// The journal is closed (the node is stopping).
    case closed(path: String)

    public var description: String {
        switch self {
        case .open(let p, let r): return "mempool journal \(p): cannot open (\(r))"
        case .write(let p, let r): return "mempool journal \(p): cannot append (\(r))"
        case .sync(let p, let r): return "mempool journal \(p): cannot sync to disk (\(r))"
        case .rewrite(let p, let r): return "mempool journal \(p): cannot rewrite (\(r))"
        case .closed(let p): return "mempool journal \(p) is closed (the node is stopping)"
        }
    }

    static func errno(_ make: (String) -> JournalError) -> JournalError { make(String(cString: strerror(Foundation.errno))) }
}

/// The mempool's write-ahead journal (`mempool.journal` in the data
/// directory): every admitted transaction is appended, and the file is
/// `fsync`ed by a writer thread of its own with group commit, so one `fsync`
/// covers every admission of the last few milliseconds and the node's actor
/// never waits for the disk. Callers that must answer only once a transaction
/// is durable (the HTTP API) wait with `durable(through:)`; others (peers)
/// need not. On start the node replays `load(path:)`, re-validating each
/// transaction, and `rewrite`s the journal from the live pool whenever it has
/// grown well past the pool (mined, replaced and evicted transactions are
/// dropped that way) and at clean shutdown. The format is in the module README.
public final class MempoolJournal: @unchecked Sendable {
    /// The journal's file name in the data directory.
    public static let name = "mempool.journal"
    /// `KSRJNL` and format version 0x0001.
    static let magic: [UInt8] = Array("KSRJNL".utf8) + [0x00, 0x01]
    /// Bytes before each record's body: its length and its CRC-32.
    static let recordHeader = 8

    /// What `load` found: the transactions of every intact record, in order,
    /// and the bytes ignored after the first damaged one (a torn tail).
    public struct Contents: Sendable {
        public var transactions: [Transaction]
        public var ignoredBytes: Int
        /// Why reading stopped early, if it did.
        public var damage: String?
    }

    /// The journal's path.
    public let path: String
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var fd: Int32
    private var pending: [Transaction] = []
    private var rewriteWith: [Transaction]?
    private var nextSequence: UInt64 = 0
    private var durableSequence: UInt64 = 0
    /// The last failed write: the sequences it covered (after `from`, up to `through`) and why.
    private var failed: (from: UInt64, through: UInt64, error: JournalError)?
    private var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Result<Void, JournalError>, Never>)] = []
    private var recordsInFile = 0
    private var closing = false
    private var writerDone = false
    /// The file's length after the last good write (a failed append is cut back to it).
    private var goodLength: off_t = 0

    /// Opens the journal for appending (creating it when missing) and starts
    /// its writer thread. Read it with `load` first: opening keeps what is there.
    public init(path: String) throws(JournalError) {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .errno { .open(path: path, reason: $0) } }
        self.fd = fd
        var length = lseek(fd, 0, SEEK_END)
        if length < Self.magic.count {
            // New (or shorter than its header): start it over.
            guard ftruncate(fd, 0) == 0, Self.writeAll(fd, Self.magic) else {
                let e = JournalError.errno { .open(path: path, reason: $0) }
                Foundation.close(fd)
                throw e
            }
            length = off_t(Self.magic.count)
        }
        goodLength = length
        let thread = Thread { [self] in writerLoop() }
        thread.name = "mempool-journal"
        thread.start()
    }

    /// The sequence number of the last `append` or `rewrite` (wait for it with `durable(through:)`).
    public var lastSequence: UInt64 { condition.withLock { nextSequence } }

    /// Records in the file, or that will be once pending writes land (the rewrite threshold's measure).
    public var recordCount: Int { condition.withLock { recordsInFile } }

    /// Queues transactions for the next group commit and returns their sequence number
    /// (nothing to queue: the last one). Never blocks on the disk.
    @discardableResult
    public func append(_ txs: [Transaction]) -> UInt64 {
        condition.withLock {
            // A sequence number always has a write behind it, or `durable(through:)` would wait for nothing.
            guard !txs.isEmpty else { return nextSequence }
            pending += txs
            recordsInFile += txs.count
            nextSequence += 1
            condition.signal()
            return nextSequence
        }
    }

    /// Replaces the whole journal with `txs` (the live pool), atomically: a
    /// temporary file, `fsync`, rename. Appends queued before this call are
    /// dropped (the live pool holds what of them still matters); later ones follow it.
    @discardableResult
    public func rewrite(_ txs: [Transaction]) -> UInt64 {
        condition.withLock {
            pending = []
            rewriteWith = txs
            recordsInFile = txs.count
            nextSequence += 1
            condition.signal()
            return nextSequence
        }
    }

    /// Returns once everything up to `sequence` is on disk, or throws what kept it off.
    public func durable(through sequence: UInt64) async throws(JournalError) {
        let result: Result<Void, JournalError> = await withCheckedContinuation { continuation in
            condition.withLock {
                if let r = settled(sequence) { continuation.resume(returning: r) } else {
                    waiters.append((sequence, continuation))
                }
            }
        }
        try result.get()
    }

    /// Writes what is queued, stops the writer and closes the file (blocking: for shutdown).
    public func close() {
        condition.withLock {
            closing = true
            condition.signal()
            while !writerDone { condition.wait() }
        }
    }

    /// Blocks until everything up to `sequence` is on disk or known not to be
    /// (for start and shutdown, where nothing else waits on the caller).
    public func waitDurable(through sequence: UInt64) -> Result<Void, JournalError> {
        condition.withLock {
            while true {
                if let r = settled(sequence) { return r }
                condition.wait()
            }
        }
    }

    /// Whether everything up to `sequence` reached the disk (after `close`, a final answer).
    public func isDurable(through sequence: UInt64) -> Bool {
        condition.withLock { if case .success = settled(sequence) { return true } else { return false } }
    }

    /// The outcome for `sequence` if it is known. Call with the lock held.
    private func settled(_ sequence: UInt64) -> Result<Void, JournalError>? {
        if let f = failed, sequence > f.from, sequence <= f.through { return .failure(f.error) }
        if sequence <= durableSequence { return .success(()) }
        if writerDone { return .failure(.closed(path: path)) }
        return nil
    }

    /// The writer thread: takes everything queued, writes and syncs it in one
    /// go (the group commit), then resumes the callers it covers.
    private func writerLoop() {
        while true {
            condition.lock()
            while pending.isEmpty && rewriteWith == nil && !closing { condition.wait() }
            if pending.isEmpty && rewriteWith == nil && closing {
                Foundation.close(fd)
                writerDone = true
                let all = waiters
                waiters = []
                condition.broadcast()
                condition.unlock()
                for w in all { w.continuation.resume(returning: .failure(.closed(path: path))) }
                return
            }
            let batch = pending, snapshot = rewriteWith, through = nextSequence, fd = self.fd, good = goodLength
            pending = []
            rewriteWith = nil
            condition.unlock()

            var outcome: Result<(fd: Int32, length: off_t), JournalError>
            if let snapshot {
                outcome = replaceFile(with: snapshot + batch, oldFD: fd)
            } else {
                outcome = appendAndSync(batch, fd: fd, goodLength: good)
            }

            condition.lock()
            switch outcome {
            case .success(let done):
                self.fd = done.fd
                goodLength = done.length
                durableSequence = through
            case .failure(let e):
                failed = (durableSequence, through, e)
            }
            var ready: [(CheckedContinuation<Result<Void, JournalError>, Never>, Result<Void, JournalError>)] = []
            waiters.removeAll { w in
                guard let r = settled(w.sequence) else { return false }
                ready.append((w.continuation, r))
                return true
            }
            condition.broadcast()
            condition.unlock()
            for (c, r) in ready { c.resume(returning: r) }
        }
    }

    /// Appends `txs` as records and syncs; on failure cuts the file back to `goodLength`.
    private func appendAndSync(_ txs: [Transaction], fd: Int32, goodLength: off_t) -> Result<(fd: Int32, length: off_t), JournalError> {
        let bytes = Self.records(txs)
        guard Self.writeAll(fd, bytes) else {
            let e = JournalError.errno { .write(path: path, reason: $0) }
            _ = ftruncate(fd, goodLength)
            return .failure(e)
        }
        guard fdatasync(fd) == 0 else { return .failure(.errno { .sync(path: path, reason: $0) }) }
        return .success((fd, goodLength + off_t(bytes.count)))
    }

    /// Writes `txs` to a temporary file, syncs it, renames it over the journal
    /// and syncs the directory; returns the new file, open for appending.
    private func replaceFile(with txs: [Transaction], oldFD: Int32) -> Result<(fd: Int32, length: off_t), JournalError> {
        let tmp = path + ".tmp"
        let bytes = Self.magic + Self.records(txs)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .failure(.errno { .rewrite(path: path, reason: $0) }) }
        guard Self.writeAll(fd, bytes), fsync(fd) == 0 else {
            let e = JournalError.errno { .rewrite(path: path, reason: $0) }
            Foundation.close(fd)
            unlink(tmp)
            return .failure(e)
        }
        guard rename(tmp, path) == 0 else {
            let e = JournalError.errno { .rewrite(path: path, reason: $0) }
            Foundation.close(fd)
            unlink(tmp)
            return .failure(e)
        }
        Foundation.close(oldFD)
        Self.syncDirectory(of: path)
        return .success((fd, off_t(bytes.count)))
    }

    /// The records of `txs`: each a big-endian u32 body length, the body's CRC-32, and the body.
    static func records(_ txs: [Transaction]) -> [UInt8] {
        var w = ByteWriter()
        for tx in txs {
            let body = tx.encoded
            w.writeUInt32(UInt32(body.count))
            w.writeUInt32(CRC32.checksum(body))
            w.writeBytes(body)
        }
        return w.bytes
    }

    /// Reads a journal: the transactions of every intact record up to the first
    /// damaged one (a short, over-long or mis-checksummed record, or one that does
    /// not decode), which with everything after it is ignored. A missing file is empty.
    public static func load(path: String) -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else { return Contents(transactions: [], ignoredBytes: 0) }
        let bytes = [UInt8](data)
        guard bytes.count >= magic.count, Array(bytes.prefix(magic.count)) == magic else {
            return Contents(transactions: [], ignoredBytes: bytes.count, damage: bytes.isEmpty ? nil : "not a mempool journal (bad header)")
        }
        var offset = magic.count
        var out: [Transaction] = []
        var damage: String?
        while offset < bytes.count {
            guard bytes.count - offset >= recordHeader else { damage = "record header cut short"; break }
            let length = Int(bigEndian32(bytes, offset)), crc = bigEndian32(bytes, offset + 4)
            guard length <= Transaction.maxEncodedSize else { damage = "record length \(length) too large"; break }
            guard bytes.count - offset - recordHeader >= length else { damage = "record body cut short"; break }
            let body = Array(bytes[(offset + recordHeader)..<(offset + recordHeader + length)])
            guard CRC32.checksum(body) == crc else { damage = "record checksum mismatch"; break }
            guard let tx = try? Transaction(decoding: body) else { damage = "record does not decode as a transaction"; break }
            out.append(tx)
            offset += recordHeader + length
        }
        return Contents(transactions: out, ignoredBytes: bytes.count - offset, damage: damage)
    }

    private static func bigEndian32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    /// Writes all of `bytes`, retrying short writes and interruptions.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                guard let base = buffer.baseAddress else { return true }
                let n = write(fd, base + done, buffer.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return true
        }
    }

    /// Syncs the directory holding `path`, so that a rename survives a power cut.
    private static func syncDirectory(of path: String) {
        let dir = (path as NSString).deletingLastPathComponent
        let fd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        Foundation.close(fd)
    }
}

/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG), table-driven.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of `bytes` (`"123456789"` gives 0xCBF43926).
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
