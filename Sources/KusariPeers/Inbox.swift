import Foundation
import KusariCore
import KusariNetwork

/// Messages read from a connection and not yet handled: the channel pushes,
/// the connection's task takes everything waiting at once. It decides when
/// reading pauses (`pauseAt` messages or `pauseBytes` bytes waiting) and
/// resumes (below half of both).
package final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var queued: [Message] = []
    private var queuedBytes = 0
    private var failure: String?
    private var finished = false
    /// Read and not yet handled (queued, or taken and being handled).
    private var waiting = 0
    private var waitingBytes = 0
    private var paused = false
    private var waiter: CheckedContinuation<Bool, Never>?
    package let pauseAt: Int, pauseBytes: Int

    package init(pauseAt: Int, pauseBytes: Int) { self.pauseAt = pauseAt; self.pauseBytes = pauseBytes }

    /// What `push` asks of the channel.
    package enum PushResult { case queued, pause, overLimit }

    /// Whether reading is paused now.
    package var isPaused: Bool { lock.lock(); defer { lock.unlock() }; return paused }

    /// Queues a message read from the socket, of about `weight` bytes.
    package func push(_ m: Message, weight: Int, limit: Int, byteLimit: Int) -> PushResult {
        lock.lock()
        waiting += 1
        waitingBytes += weight
        guard waiting <= limit, waitingBytes <= byteLimit else { lock.unlock(); return .overLimit }
        queued.append(m)
        queuedBytes += weight
        let pause = !paused && (waiting >= pauseAt || waitingBytes >= pauseBytes)
        if pause { paused = true }
        let w = waiter
        waiter = nil
        lock.unlock()
        w?.resume(returning: true)
        return pause ? .pause : .queued
    }

    /// A fault in the bytes, handled after the messages before it.
    package func fail(_ why: String) {
        lock.lock()
        if failure == nil { failure = why }
        let w = waiter
        waiter = nil
        lock.unlock()
        w?.resume(returning: true)
    }

    /// No more messages will come.
    package func finish() {
        lock.lock()
        finished = true
        let w = waiter
        waiter = nil
        lock.unlock()
        w?.resume(returning: false)
    }

    /// Waits until something is queued; false once finished (what is queued is still to be taken).
    package func wait() async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            lock.lock()
            if !queued.isEmpty || failure != nil {
                lock.unlock()
                c.resume(returning: true)
            } else if finished {
                lock.unlock()
                c.resume(returning: false)
            } else {
                waiter = c
                lock.unlock()
            }
        }
    }

    /// Everything queued with its weight, and a fault once.
    package func take() -> (messages: [Message], bytes: Int, failure: String?) {
        lock.lock(); defer { lock.unlock() }
        let out = queued, bytes = queuedBytes
        queued.removeAll(keepingCapacity: false)
        queuedBytes = 0
        let f = failure
        failure = nil
        return (out, bytes, f)
    }

    /// `n` messages of `bytes` handled; true when reading should resume now (once per pause).
    package func handled(_ n: Int, bytes: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        waiting -= n
        waitingBytes -= bytes
        guard paused, waiting <= pauseAt / 2, waitingBytes <= pauseBytes / 2 else { return false }
        paused = false
        return true
    }

    /// About how many bytes a message holds in memory (its wire size, near enough:
    /// counted without encoding it again).
    package static func weight(of message: Message) -> Int {
        switch message {
        case .inv(let items), .getdata(let items), .notfound(let items): return 32 + items.count * 40
        case .headers(let headers): return 32 + headers.count * BlockHeader.encodedSize
        case .addr(let list): return 32 + list.count * 40
        case .tx(let t): return 32 + t.encodedSize
        case .block(let b): return 32 + BlockHeader.encodedSize + b.transactions.reduce(0) { $0 + $1.encodedSize }
        case .getheaders(let locator, _): return 64 + locator.count * 32
        case .item(_, let payload): return 32 + payload.count
        default: return 64
        }
    }
}
