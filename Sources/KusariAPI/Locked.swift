import Foundation

/// A value behind an `NSLock`. Used instead of the standard library's `Mutex`, whose
/// contended path (a futex the sanitizer does not see) ThreadSanitizer reports as data
/// races under load: with this lock a sanitizer run reports only real ones.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }

    /// Runs `body` with the value, holding the lock.
    func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
