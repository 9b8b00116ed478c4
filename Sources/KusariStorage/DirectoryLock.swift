import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a data directory (flock on `DIR/LOCK`), held while the
/// process has the directory open, so that a second process fails at once.
final class DirectoryLock: Sendable {
    private let fd: Mutex<Int32>

    init(directory: String) throws(StorageError) {
        let path = directory + "/LOCK"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .notWritable(directory, String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .locked(directory) }
            throw .io(directory, String(cString: strerror(code)))
        }
        self.fd = Mutex(fd)
    }

    /// Releases the lock (once; later calls do nothing).
    func release() {
        fd.withLock { fd in
            guard fd >= 0 else { return }
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }

    deinit { release() }
}
