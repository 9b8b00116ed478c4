import Foundation
import KusariCore
import Logging

/// The consensus write-ahead log (CometBFT's `cs.wal`): every proposal and vote
/// received, every proposal and vote we signed, every timeout fired, and a marker at
/// the end of each height, appended in the order the consensus machine saw them, so
/// that after a crash the current height can be replayed into a fresh machine
/// (`replay(height:)`) and the validator comes back in the round and step it left.
///
/// **Files.** The log is a directory (`consensus-wal` in the data directory) holding
/// `head.wal`, the file appended to, and up to `keepEndedFiles` files of heights that
/// ended, `ended-<height, 20 digits>.wal`. `endHeight(_:)` writes the marker, then
/// renames the head to the ended file of that height and starts a new head, removing
/// the oldest ended files, so the log stays a few heights long. (A height that runs
/// many rounds grows the head until it ends.) The byte format is in docs/protocol.md,
/// section 17.8.
///
/// **Durability.** `append` writes each record to the file at once (a process crash
/// loses none) and `fsync`s before returning for the records that must survive a
/// power cut: our own signed messages (send one only after `append` returns) and
/// height ends. Received messages and timeouts are `fsync`ed with the next of those,
/// or by `sync()`; losing a few of them costs a round at most, never safety (the
/// signer's state file, `DurableSigner`, guards that).
///
/// **Recovery.** Opening never fails because of what is in the file. The head is read
/// up to its first damaged record (torn by a crash, or corrupt); that record and
/// everything after it are cut off (the file truncated and synced), what was cut is
/// logged as a warning and returned in `recovery`. A head that is not a WAL at all is
/// moved aside to `head.wal.damaged` and a new one started. Only a file the system
/// will not let us read or write makes `init` throw.
///
/// Thread-safe; one instance per directory.
public final class ConsensusWAL: @unchecked Sendable {
    /// The log's directory name in the data directory.
    public static let directoryName = "consensus-wal"
    /// The name of the file being appended to.
    public static let headName = "head.wal"

    /// The log's directory.
    public let directory: String
    /// How many files of ended heights are kept.
    public let keepEndedFiles: Int
    /// What opening found and repaired (already logged).
    public let recovery: WALRecovery

    private let logger: Logger?
    private let lock = NSLock()
    // Guarded by `lock`:
    private var fd: Int32
    private var goodLength: off_t
    private var broken: String?
    /// The head's records after its last end marker, as found on open (for replay).
    private var pending: [WALRecord]
    private var ended: UInt64?

    /// The head file's path.
    public var headPath: String { directory + "/" + Self.headName }

    /// Opens the log in `directory` (created when missing), repairing a damaged head
    /// (see the type's documentation), and logs what it found through `logger` (a
    /// warning when something was cut; nil logs nothing, for tests: `recovery` says it).
    public init(directory: String, keepEndedFiles: Int = 3,
                logger: Logger? = Logger(label: "kusari.validator.wal")) throws(WALError) {
        self.directory = directory
        self.keepEndedFiles = max(0, keepEndedFiles)
        self.logger = logger
        let head = directory + "/" + Self.headName
        do { try DurableFile.makeDirectory(directory) } catch { throw .open(path: head, reason: error.reason) }

        let bytes: [UInt8]?
        do { bytes = try DurableFile.readAll(head) } catch { throw .open(path: head, reason: error.reason) }
        let contents = WALFile.scan(bytes ?? [])
        var recovery = WALRecovery(path: head, records: contents.records.count, cutOffset: nil, cutBytes: 0,
                                   reason: contents.damage, movedTo: nil)
        if contents.badHeader {
            let aside = head + ".damaged"
            guard rename(head, aside) == 0 else {
                throw .open(path: head, reason: "cannot move the unusable file aside: \(DurableFile.reason())")
            }
            recovery.movedTo = aside
            recovery.cutBytes = contents.totalLength
        } else if contents.goodLength < contents.totalLength {
            recovery.cutOffset = contents.goodLength
            recovery.cutBytes = contents.totalLength - contents.goodLength
        }

        let fd = open(head, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .open(path: head, reason: DurableFile.reason()) }
        var length = off_t(contents.goodLength)
        do throws(FileFailure) {
            if length < WALFile.magic.count {
                // New, moved aside, or torn while its header was being written: start it over.
                guard ftruncate(fd, 0) == 0 else { throw FileFailure(DurableFile.reason()) }
                try DurableFile.writeAll(fd, WALFile.magic)
                length = off_t(WALFile.magic.count)
            } else if recovery.cutOffset != nil {
                guard ftruncate(fd, length) == 0 else { throw FileFailure("cannot cut the damaged tail: \(DurableFile.reason())") }
            }
            if bytes == nil || !recovery.isIntact || contents.totalLength < WALFile.magic.count {
                guard fsync(fd) == 0 else { throw FileFailure(DurableFile.reason()) }
                try DurableFile.syncDirectory(directory)
            }
        } catch {
            _ = Foundation.close(fd)
            throw .open(path: head, reason: error.reason)
        }
        self.fd = fd
        self.goodLength = length
        self.recovery = recovery

        let lastMarker = contents.records.lastIndex { if case .endHeight = $0 { return true } else { return false } }
        if let i = lastMarker {
            pending = Array(contents.records[(i + 1)...])
            ended = contents.records[i].height
        } else {
            pending = contents.records
            ended = Self.endedFiles(in: directory).last?.height
        }
        if recovery.isIntact {
            logger?.info("\(recovery)")
        } else {
            logger?.warning("\(recovery)", metadata: ["path": "\(head)", "cutOffset": "\(recovery.cutOffset ?? 0)",
                                                     "cutBytes": "\(recovery.cutBytes)"])
        }
    }

    /// Opens the log in `dataDirectory`'s `consensus-wal` directory.
    public convenience init(dataDirectory: String, keepEndedFiles: Int = 3,
                            logger: Logger? = Logger(label: "kusari.validator.wal")) throws(WALError) {
        try self.init(directory: dataDirectory + "/" + Self.directoryName, keepEndedFiles: keepEndedFiles,
                      logger: logger)
    }

    deinit { if fd >= 0 { _ = Foundation.close(fd) } }

    /// The last height whose end the log holds (in the head, or the newest ended file),
    /// or nil when it holds none.
    public var lastEndedHeight: UInt64? { lock.withLock { ended } }

    /// The records of `height` to replay into a new machine, in the order written: those
    /// the head held after its last end marker when the log was opened. Empty once
    /// `height` has ended. Feed each record's `event` after `.startHeight`.
    public func replay(height: UInt64) -> [WALRecord] {
        lock.withLock {
            if let ended, ended >= height { return [] }
            return pending.filter { $0.height == height }
        }
    }

    /// Appends `record`. When `record.isSyncedOnAppend` (our own signed messages and
    /// height ends) the log is `fsync`ed before this returns: send a message we signed
    /// only after its record is appended. Throws when the record could not be written
    /// (the file is cut back to its last good record) or synced.
    public func append(_ record: WALRecord) throws(WALError) {
        try locked { () throws(WALError) in
            try write(record)
            if record.isSyncedOnAppend { try syncLocked() }
        }
    }

    /// `fsync`s everything appended so far.
    public func sync() throws(WALError) {
        try locked { () throws(WALError) in try syncLocked() }
    }

    /// Ends `height`: appends its end marker (synced), then starts a new head, keeping
    /// the old one as the ended file of `height` and removing ended files past
    /// `keepEndedFiles`. Call once the height's block is durably stored. When the marker
    /// is written but the new file cannot be started, throws `.rotate` and goes on
    /// appending to the old head.
    public func endHeight(_ height: UInt64) throws(WALError) {
        try locked { () throws(WALError) in
            try write(.endHeight(height))
            try syncLocked()
            ended = height
            pending = []
            try rotate(endedAt: height)
        }
        prune()
    }

    /// Syncs and closes the log; later appends throw `.unusable`.
    public func close() {
        lock.withLock {
            guard fd >= 0 else { return }
            _ = fsync(fd)
            _ = Foundation.close(fd)
            fd = -1
            broken = broken ?? "closed"
        }
    }

    /// Runs `body` with the lock held (`NSLock.withLock` does not carry typed throws).
    private func locked<R>(_ body: () throws(WALError) -> R) throws(WALError) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Writes one record at the end of the head. Call with the lock held.
    private func write(_ record: WALRecord) throws(WALError) {
        if let broken { throw .unusable(path: headPath, reason: broken) }
        let bytes = WALFile.frame(record)
        guard bytes.count - WALFile.recordHeader <= WALFile.maxPayload else {
            throw .write(path: headPath, reason: "a \(bytes.count)-byte record is over the maximum")
        }
        do { try DurableFile.writeAll(fd, bytes) } catch {
            if ftruncate(fd, goodLength) != 0 { broken = "a failed append could not be cut back: \(DurableFile.reason())" }
            throw .write(path: headPath, reason: error.reason)
        }
        goodLength += off_t(bytes.count)
    }

    /// `fsync`s the head. A failure leaves the log unusable: after a failed `fsync` the
    /// kernel may have dropped the pages, and a later `fsync` could succeed without
    /// them. Call with the lock held.
    private func syncLocked() throws(WALError) {
        if let broken { throw .unusable(path: headPath, reason: broken) }
        #if os(Linux)
        let ok = fdatasync(fd) == 0
        #else
        let ok = fsync(fd) == 0
        #endif
        guard ok else {
            let reason = DurableFile.reason()
            broken = "an fsync failed (\(reason))"
            throw .sync(path: headPath, reason: reason)
        }
    }

    /// Renames the head to the ended file of `height` and starts a new head. Call with
    /// the lock held.
    private func rotate(endedAt height: UInt64) throws(WALError) {
        let head = headPath, endedPath = directory + "/" + Self.endedName(height)
        guard rename(head, endedPath) == 0 else {
            throw .rotate(path: head, reason: "cannot rename it to \(endedPath): \(DurableFile.reason())")
        }
        let newFD = open(head, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard newFD >= 0 else {
            let reason = DurableFile.reason()
            // The old descriptor still appends to the renamed file; move it back as the head.
            if rename(endedPath, head) != 0 { broken = "no head file: \(reason)" }
            throw .rotate(path: head, reason: reason)
        }
        do throws(FileFailure) {
            try DurableFile.writeAll(newFD, WALFile.magic)
            guard fsync(newFD) == 0 else { throw FileFailure(DurableFile.reason()) }
            try DurableFile.syncDirectory(directory)
        } catch {
            _ = Foundation.close(newFD)
            if unlink(head) != 0 || rename(endedPath, head) != 0 { broken = "no head file: \(error.reason)" }
            throw .rotate(path: head, reason: error.reason)
        }
        _ = Foundation.close(fd)
        fd = newFD
        goodLength = off_t(WALFile.magic.count)
    }

    /// Removes the oldest ended files past `keepEndedFiles`.
    private func prune() {
        let files = Self.endedFiles(in: directory)
        for file in files.dropLast(keepEndedFiles) where unlink(directory + "/" + file.name) != 0 {
            logger?.warning("could not remove an old consensus WAL file",
                           metadata: ["path": "\(directory)/\(file.name)", "reason": "\(DurableFile.reason())"])
        }
    }

    /// The name of the ended file of `height`.
    static func endedName(_ height: UInt64) -> String {
        let digits = String(height)
        return "ended-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".wal"
    }

    /// The ended files in `directory`, oldest (lowest height) first.
    public static func endedFiles(in directory: String) -> [(name: String, height: UInt64)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> (name: String, height: UInt64)? in
            guard name.hasPrefix("ended-"), name.hasSuffix(".wal"), name.count == 30,
                  let h = UInt64(name.dropFirst(6).dropLast(4)) else { return nil }
            return (name, h)
        }.sorted { $0.height < $1.height }
    }
}
