import Foundation

/// The POSIX file operations the signer state and the write-ahead log are made of, each
/// failing with the system's reason as text. (The mempool journal in `KusariNode` has
/// the same helpers; see the README.)
enum DurableFile {
    /// The text of the current `errno`.
    static func reason() -> String { String(cString: strerror(errno)) }

    /// The whole file at `path`, or nil when there is none; throws the reason when it
    /// exists but cannot be read.
    static func readAll(_ path: String) throws(FileFailure) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileFailure(reason())
        }
        defer { _ = close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileFailure(reason())
            }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and interruptions.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(FileFailure) {
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            var done = 0
            while done < buffer.count {
                let n = write(fd, base + done, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += n
            }
            return true
        }
        guard ok else { throw FileFailure(reason()) }
    }

    /// `fsync`s the directory `directory`, so that a file created or renamed in it
    /// survives a power cut.
    static func syncDirectory(_ directory: String) throws(FileFailure) {
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileFailure(reason()) }
        defer { _ = close(fd) }
        guard fsync(fd) == 0 else { throw FileFailure(reason()) }
    }

    /// The directory part of `path` ("." when it has none).
    static func directory(of path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    /// Replaces the file at `path` with `bytes` atomically: writes `path.tmp`, `fsync`s
    /// it, renames it over `path` and `fsync`s the directory. After a crash at any
    /// point, `path` holds either the old bytes or the new ones, never a mixture.
    static func replace(_ path: String, with bytes: [UInt8]) throws(FileFailure) {
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileFailure("cannot create \(tmp): \(reason())") }
        do throws(FileFailure) {
            try writeAll(fd, bytes)
            guard fsync(fd) == 0 else { throw FileFailure(reason()) }
        } catch {
            _ = close(fd)
            _ = unlink(tmp)
            throw FileFailure("cannot write \(tmp): \(error.reason)")
        }
        _ = close(fd)
        guard rename(tmp, path) == 0 else {
            let why = reason()
            _ = unlink(tmp)
            throw FileFailure("cannot rename \(tmp) to \(path): \(why)")
        }
        do { try syncDirectory(directory(of: path)) } catch {
            throw FileFailure("cannot sync the directory of \(path): \(error.reason)")
        }
    }

    /// Creates `directory` (and its parents) unless it exists.
    static func makeDirectory(_ directory: String) throws(FileFailure) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileFailure("cannot create the directory \(directory): \(error.localizedDescription)")
        }
    }
}

/// Why a file operation failed, as the system said it.
struct FileFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
