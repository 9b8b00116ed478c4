import Foundation
import GRDB

/// Why the chain's data directory or database cannot be used. Each case is a
/// one-line message a user can act on.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    case notADirectory(String)
    case notWritable(String, String)
    case notInitialised(String)
    case alreadyInitialised(String)
    case locked(String)
    case diskFull(String)
    case corrupt(String, String)
    case io(String, String)
    case newerSchema(String)
    /// Used after `close` (work still queued when the node stopped).
    case closed(String)

    public var description: String {
        switch self {
        case .notADirectory(let p): return "\(p): not a directory"
        case .notWritable(let p, let why): return "data directory \(p) is not writable (\(why))"
        case .notInitialised(let p): return "data directory \(p) holds no chain; run `kusari init --datadir \(p)` first"
        case .alreadyInitialised(let p): return "data directory \(p) already holds a chain"
        case .locked(let p): return "data directory \(p) is in use by another kusari process"
        case .diskFull(let p): return "the disk holding \(p) is full; nothing was lost, free some space and retry"
        case .corrupt(let p, let why): return "the database in \(p) is corrupt (\(why)); restore it or start a new data directory"
        case .io(let p, let why): return "I/O error on \(p): \(why)"
        case .newerSchema(let p): return "the database in \(p) was written by a newer kusari; upgrade kusari to open it"
        case .closed(let p): return "the database in \(p) is closed (the node is stopping)"
        }
    }

    /// Bytes free for an unprivileged writer on the file system holding `path`.
    static func freeBytes(_ path: String) -> UInt64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// Maps an SQLite error to what it means for the user.
    static func from(_ error: Error, path: String) -> StorageError {
        if let s = error as? StorageError { return s }
        guard let db = error as? DatabaseError else { return .io(path, String(describing: error)) }
        switch db.resultCode {
        case .SQLITE_FULL: return .diskFull(path)
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return .notWritable(path, db.message ?? "permission denied")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(path, db.message ?? "not a database")
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path)
        case .SQLITE_IOERR:
            // A full disk often surfaces as an I/O error (the WAL or its index
            // cannot grow); say so when the file system has no room left.
            if freeBytes(path).map({ $0 < 1 << 20 }) == true { return .diskFull(path) }
            return .io(path, "\(db.message ?? "I/O error") (SQLite code \(db.extendedResultCode.rawValue))")
        default: return .io(path, db.message ?? "\(db.resultCode)")
        }
    }
}
