import Foundation
import KusariCore
import KusariNetwork
import KusariPeers
import NIOCore

/// Feeds one connection's messages, in order, to the `PeerNetwork` actor, a batch at a
/// time: whatever arrived while the last batch was handled goes in one call
/// (one hop into the actor for many messages), with each transaction's
/// signature checked here first, off the actor. Bytes that do not decode are
/// misbehaviour.
final class PeerHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Message
    let peers: PeerNetwork
    let outbound: Bool
    let remote: String?
    let counters: LinkCounters
    private let inbox = Inbox(pauseAt: inputBuffer, pauseBytes: inputBytes)

    init(peers: PeerNetwork, outbound: Bool, remote: String?, counters: LinkCounters) {
        self.peers = peers
        self.outbound = outbound
        self.remote = remote
        self.counters = counters
    }

    /// Messages a connection may have waiting for the node before the node stops
    /// reading its socket (TCP then slows the sender down); reading resumes at half.
    static let inputBuffer = 2_000
    /// Bytes of messages that may wait before reading pauses (a few large `inv`
    /// frames weigh more than thousands of pings).
    static let inputBytes = 8 << 20
    /// Messages, or bytes, waiting past which the peer is disconnected: bytes already
    /// read can hold many small frames, but not this many.
    static let inputLimit = 50_000
    static let inputByteLimit = 64 << 20

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let peers = self.peers, outbound = self.outbound, counters = self.counters, inbox = self.inbox
        let remote = self.remote ?? channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        let link = ChannelLink(channel: channel, counters: counters)
        Task {
            guard let id = await peers.connected(link, outbound: outbound, remote: remote) else { return }
            var open = true
            while open {
                open = await inbox.wait()
                while true {
                    let (batch, bytes, failure) = inbox.take()
                    if batch.isEmpty && failure == nil { break }
                    if !batch.isEmpty {
                        // Signatures are checked here, on this connection's task, not inside the actor.
                        await peers.received(batch: peers.check(batch), from: id)
                        // Caught up enough: read from the socket again.
                        if inbox.handled(batch.count, bytes: bytes) {
                            // On the channel's loop, where pauses happen: resume only if no pause came since.
                            channel.eventLoop.execute {
                                if !inbox.isPaused {
                                    counters.readingPaused = false
                                    channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
                                }
                            }
                        }
                    }
                    if let failure { await peers.misbehaved(id, points: PeerNetwork.banThreshold, failure) }
                }
            }
            await peers.disconnected(id)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        if case .block = message { counters.addBlock() }
        switch inbox.push(message, weight: Inbox.weight(of: message), limit: Self.inputLimit, byteLimit: Self.inputByteLimit) {
        case .overLimit:
            inbox.finish()
            context.close(promise: nil)
        case .pause:
            counters.readingPaused = true
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

/// Counts the raw bytes of a connection.
final class ByteCountingHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let counters: LinkCounters
    init(counters: LinkCounters) { self.counters = counters }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        counters.add(in: unwrapInboundIn(data).readableBytes, at: ProcessInfo.processInfo.systemUptime)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        counters.add(out: unwrapOutboundIn(data).readableBytes)
        context.write(data, promise: promise)
    }
}
