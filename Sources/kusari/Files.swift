import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading and writing the files the commands take and make.
enum Files {
    /// Writes `data` to a new file with the given mode, refusing to replace an
    /// existing file; the data is flushed to disk before returning.
    static func createNew(_ path: String, data: Data, mode: mode_t = 0o600) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else {
            if errno == EEXIST { throw CLIError("\(path): already exists; refusing to overwrite it") }
            throw CLIError("\(path): cannot create: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        // The mode passed to open is filtered by the umask; set it exactly.
        fchmod(fd, mode)
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CLIError("\(path): write failed: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else { throw CLIError("\(path): fsync failed: \(String(cString: strerror(errno)))") }
    }

    /// The first line of a small file (a password or passphrase file), without its line ending.
    static func firstLine(_ path: String) throws -> String {
        let text = String(decoding: try read(path, limit: 1 << 16), as: UTF8.self)
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }

    /// Reads a whole file (or stdin for `-`), with a size limit.
    static func read(_ path: String, limit: Int = 64 << 20) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError("\(path): no such file")
        }
        guard !isDirectory.boolValue else { throw CLIError("\(path): is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("\(path): cannot be read") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        guard data.count <= limit else { throw CLIError("\(path): larger than \(limit) bytes") }
        return data
    }
}
