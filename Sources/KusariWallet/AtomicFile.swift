import Foundation
import KusariCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Durable, atomic creation of a private file that must not replace another.
enum AtomicFile {
    /// Writes `bytes` to a new file at `path`, readable by its owner only (0600).
    ///
    /// The bytes go to a temporary file in the same directory (created 0600),
    /// which is fsynced and then hard-linked to `path`; linking fails when `path`
    /// exists, so an existing file is never replaced even by a racing writer.
    /// The temporary name is removed and the directory fsynced. On a file system
    /// without hard links the temporary file is renamed instead, after checking
    /// that `path` does not exist.
    /// - Throws: `KeystoreError.alreadyExists`, or `.writeFailed` with the system's reason.
    static func createNew(_ bytes: [UInt8], at path: String) throws(KeystoreError) {
        let directory = (path as NSString).deletingLastPathComponent.isEmpty
            ? "." : (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(".\(base).tmp-\(Hex.encode(SecureRandom.bytes(8)))")

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .writeFailed(path: path, reason: "cannot create a file in \(directory): \(systemError())") }
        do throws(KeystoreError) {
            try writeAll(bytes, to: fd, path: path)
            guard fchmod(fd, 0o600) == 0 else { throw .writeFailed(path: path, reason: "chmod: \(systemError())") }
            guard fsync(fd) == 0 else { throw .writeFailed(path: path, reason: "fsync: \(systemError())") }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            let reason = systemError()
            unlink(temporary)
            throw .writeFailed(path: path, reason: "close: \(reason)")
        }

        if link(temporary, path) == 0 {
            unlink(temporary)
        } else {
            let code = errno
            if code == EEXIST {
                unlink(temporary)
                throw .alreadyExists(path: path)
            }
            guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == EMLINK else {
                unlink(temporary)
                throw .writeFailed(path: path, reason: "link: \(String(cString: strerror(code)))")
            }
            // No hard links here: check, then rename (a racing writer could still win).
            guard access(path, F_OK) != 0 else {
                unlink(temporary)
                throw .alreadyExists(path: path)
            }
            guard rename(temporary, path) == 0 else {
                let reason = systemError()
                unlink(temporary)
                throw .writeFailed(path: path, reason: "rename: \(reason)")
            }
        }
        try syncDirectory(directory, path: path)
    }

    /// Writes every byte, retrying short writes and interruptions.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(KeystoreError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path: path, reason: "write: \(systemError())")
            }
            offset += written
        }
    }

    /// Makes the new directory entry durable.
    private static func syncDirectory(_ directory: String, path: String) throws(KeystoreError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .writeFailed(path: path, reason: "open directory: \(systemError())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .writeFailed(path: path, reason: "fsync directory: \(systemError())") }
    }

    /// The current `errno` as text.
    private static func systemError() -> String { String(cString: strerror(errno)) }
}
