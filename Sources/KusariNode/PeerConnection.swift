import Foundation
import KusariCore
import KusariNetwork
import NIOCore

/// Feeds one connection's messages, in order, to the P2P actor, a batch at a
/// time: whatever arrived while the last batch was handled goes in one call
/// (one hop into the actor for many messages), with each transaction's
/// signature checked here first, off the actor. Bytes that do not decode are
/// misbehaviour.
final class PeerHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Message
    let p2p: P2P
    let outbound: Bool
    let remote: String?
    let counters: ByteCounters
    private let inbox = Inbox(pauseAt: inputBuffer, resumeAt: inputBuffer / 2)

    init(p2p: P2P, outbound: Bool, remote: String?, counters: ByteCounters) {
        self.p2p = p2p
        self.outbound = outbound
        self.remote = remote
        self.counters = counters
    }

    /// Messages a connection may have waiting for the node before the node stops
    /// reading its socket (TCP then slows the sender down); reading resumes at half.
    static let inputBuffer = 2_000
    /// Messages waiting past which the peer is disconnected: bytes already read
    /// can hold many small frames, but not this many.
    static let inputLimit = 50_000

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let p2p = self.p2p, outbound = self.outbound, counters = self.counters, inbox = self.inbox
        let signatures = p2p.node.verifiedSignatures
        let remote = self.remote ?? channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        Task {
            guard let id = await p2p.connected(channel, outbound: outbound, remote: remote, counters: counters) else { return }
            var open = true
            while open {
                open = await inbox.wait()
                while true {
                    let (batch, failure) = inbox.take()
                    if batch.isEmpty && failure == nil { break }
                    if !batch.isEmpty {
                        let checked = batch.map { m -> (message: Message, signatureValid: Bool?) in
                            if case .tx(let tx) = m { return (m, signatures.isValid(tx, id: tx.id)) }
                            return (m, nil)
                        }
                        await p2p.received(batch: checked, from: id)
                        // Caught up enough: read from the socket again.
                        if inbox.handled(batch.count) {
                            // On the channel's loop, where pauses happen: resume only if no pause came since.
                            channel.eventLoop.execute {
                                if !inbox.isPaused { channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in } }
                            }
                        }
                    }
                    if let failure { await p2p.misbehaved(id, points: P2P.banThreshold, failure) }
                }
            }
            await p2p.disconnected(id)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        if case .block = message { counters.addBlock() }
        switch inbox.push(message, limit: Self.inputLimit) {
        case .overLimit:
            inbox.finish()
            context.close(promise: nil)
        case .pause:
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        case .queued:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Undecodable bytes (a bad frame) are misbehaviour; the connection closes either way.
        if let frame = error as? FrameError { inbox.fail(frame.description) }
        else if let decoding = (error as? ByteToMessageDecoderError) { inbox.fail("\(decoding)") }
        inbox.finish()
        context.close(promise: nil)
    }
}

/// Messages read from a connection and not yet handled: the channel pushes,
/// the connection's task takes everything waiting at once. It decides when
/// reading pauses (`pauseAt` waiting) and resumes (`resumeAt`).
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var queued: [Message] = []
    private var failure: String?
    private var finished = false
    /// Read and not yet handled (queued, or taken and being handled).
    private var waiting = 0
    private var paused = false
    private var waiter: CheckedContinuation<Bool, Never>?
    let pauseAt: Int, resumeAt: Int

    init(pauseAt: Int, resumeAt: Int) { self.pauseAt = pauseAt; self.resumeAt = resumeAt }

    /// What `push` asks of the channel.
    enum PushResult { case queued, pause, overLimit }

    /// Whether reading is paused now.
    var isPaused: Bool { lock.lock(); defer { lock.unlock() }; return paused }

    /// Queues a message read from the socket.
    func push(_ m: Message, limit: Int) -> PushResult {
        lock.lock()
        waiting += 1
        guard waiting <= limit else { lock.unlock(); return .overLimit }
        queued.append(m)
        let pause = !paused && waiting >= pauseAt
        if pause { paused = true }
        let w = waiter
        waiter = nil
        lock.unlock()
        w?.resume(returning: true)
        return pause ? .pause : .queued
    }

    /// A fault in the bytes, handled after the messages before it.
    func fail(_ why: String) {
        lock.lock()
        if failure == nil { failure = why }
        let w = waiter
        waiter = nil
        lock.unlock()
        w?.resume(returning: true)
    }

    /// No more messages will come.
    func finish() {
        lock.lock()
        finished = true
        let w = waiter
        waiter = nil
        lock.unlock()
        w?.resume(returning: false)
    }

    /// Waits until something is queued; false once finished (what is queued is still to be taken).
    func wait() async -> Bool {
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

    /// Everything queued, and a fault once.
    func take() -> (messages: [Message], failure: String?) {
        lock.lock(); defer { lock.unlock() }
        let out = queued
        queued.removeAll(keepingCapacity: true)
        let f = failure
        failure = nil
        return (out, f)
    }

    /// `n` messages handled; true when reading should resume now (once per pause).
    func handled(_ n: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        waiting -= n
        guard paused, waiting <= resumeAt else { return false }
        paused = false
        return true
    }
}

/// A peer's transaction announcements waiting for the next trickle.
final class Outbox: @unchecked Sendable {
    var items: [Inventory] = []
}

/// Bytes in and out of one connection.
final class ByteCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var i = 0, o = 0, b = 0
    var inbound: Int { lock.lock(); defer { lock.unlock() }; return i }
    var outbound: Int { lock.lock(); defer { lock.unlock() }; return o }
    /// Block bodies read from the socket (handled or not yet): the download's sign of progress.
    var blocksRead: Int { lock.lock(); defer { lock.unlock() }; return b }
    func add(in n: Int) { lock.lock(); i += n; lock.unlock() }
    func add(out n: Int) { lock.lock(); o += n; lock.unlock() }
    func addBlock() { lock.lock(); b += 1; lock.unlock() }
}

/// Counts the raw bytes of a connection.
final class ByteCountingHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let counters: ByteCounters
    init(counters: ByteCounters) { self.counters = counters }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        counters.add(in: unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        counters.add(out: unwrapOutboundIn(data).readableBytes)
        context.write(data, promise: promise)
    }
}
