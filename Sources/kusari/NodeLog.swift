import Foundation
import Logging

/// Where `kusari node` writes its log: a file (by default `DATADIR/node.log`,
/// appended to), and the terminal's stderr too only when asked (`-v`), as
/// bitcoind keeps its `debug.log` and prints to the console only with
/// `-printtoconsole`.
final class LogFile: @unchecked Sendable {
    let path: String
    private let handle: FileHandle
    private let lock = NSLock()

    /// Opens (creating if needed) `path` for appending.
    init(path: String) throws {
        self.path = path
        let manager = FileManager.default
        if !manager.fileExists(atPath: path), !manager.createFile(atPath: path, contents: nil) {
            throw CLIError("log-file: cannot create \(path)")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CLIError("log-file: cannot open \(path) for writing") }
        do { try handle.seekToEnd() } catch { throw CLIError("log-file: cannot append to \(path): \(error.localizedDescription)") }
        self.handle = handle
    }

    /// Appends one line. A failed write (a full disk) is dropped: logging must not stop the node.
    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        try? handle.write(contentsOf: Data(line.utf8))
    }
}

/// A log handler that formats as swift-log's `StreamLogHandler` does
/// (`TIMESTAMP LEVEL LABEL: [metadata] message`) and writes to a `LogFile`,
/// and to stderr as well when `echo` is set.
struct FileLogHandler: LogHandler {
    let label: String
    let file: LogFile
    let echo: Bool
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        if let error = event.error { all["error"] = "\(error)" }
        let level = event.level, message = event.message
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = "\(Self.timestamp()) \(level) \(label):\(fields.isEmpty ? "" : " " + fields) \(message)\n"
        file.write(text)
        if echo { FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// The current time as ISO 8601 in UTC with milliseconds.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1_000_000))
    }
}
