import Foundation
import NIOCore
import NIOEmbedded
import Testing
import KusariCore
@testable import KusariNetwork

@Suite struct WireTests {
    let magic = Frame.magic(for: .devnet)

    func samples() throws -> [Message] {
        let key = try KeyPair(seed: [UInt8](repeating: 5, count: 32))
        let tx = try Transaction(chainId: 3, key: key, nonce: 1, to: AddressPayload(publicKey: key.publicKey), amount: 5, fee: 300,
                                 memo: Array("hi".utf8))
        let header = BlockHeader(height: 9, previousId: Hash256.sha256([1]), merkleRoot: MerkleTree.root(leaves: [tx.id]),
                                 stateRoot: Hash256.sha256([2]), timestamp: 1_764_000_000, bits: 0x207fffff,
                                 beneficiary: AddressPayload(publicKey: key.publicKey), nonce: 77)
        let inv = [Inventory(kind: .transaction, hash: tx.id), Inventory(kind: .block, hash: header.id)]
        return [
            .version(VersionInfo(chainId: 3, genesisId: Hash256.sha256([3]), bestHeight: 12, chainWork: Hash256.sha256([4]),
                                 nodeId: 0xfeed, listenPort: 8646, userAgent: "kusari/0.1.0")),
            .verack, .ping(nonce: 42), .pong(nonce: 42), .getaddr,
            .addr([PeerAddress(ipv4: 127, 0, 0, 1, port: 8646, lastSeen: 1_764_000_000)]),
            .inv(inv), .getdata(inv), .notfound(inv),
            .getheaders(locator: [header.id, Hash256.sha256([5])], stop: .zero),
            .headers([header, header]),
            .block(Block(header: header, transactions: [tx])),
            .tx(tx),
            .item(kind: try #require(Inventory.Kind.channel(16)), payload: [1, 2, 3]),
            .inv([Inventory(kind: try #require(Inventory.Kind.channel(200)), hash: tx.id)]),
        ]
    }

    @Test func everyMessageRoundTrips() throws {
        let messages = try samples()
        #expect(Set(messages.map(\.type)) == Set(MessageType.allCases))
        for m in messages {
            let frame = Frame.encode(m, magic: magic)
            let decoded = try #require(try Frame.decode(frame[...], magic: magic))
            #expect(decoded.0 == m)
            #expect(decoded.1 == frame.count)
            // Every proper prefix asks for more bytes.
            for cut in [0, 5, Frame.headerSize, frame.count - 1] where cut < frame.count {
                #expect(try Frame.decode(frame[..<cut], magic: magic) == nil)
            }
        }
    }

    @Test func badFramesHaveTheirOwnErrors() throws {
        let frame = Frame.encode(.ping(nonce: 1), magic: magic)
        #expect(throws: FrameError.badMagic(Frame.magic(for: .main))) {
            try Frame.decode(Frame.encode(.ping(nonce: 1), magic: Frame.magic(for: .main))[...], magic: magic)
        }
        var unknown = frame
        unknown[4] = 99
        #expect(throws: FrameError.unknownType(99)) { try Frame.decode(unknown[...], magic: magic) }
        var checksum = frame
        checksum[frame.count - 1] ^= 1
        #expect(throws: FrameError.badChecksum(.ping)) { try Frame.decode(checksum[...], magic: magic) }
        // A header announcing 2 GB fails at once, with only the header read.
        var huge = Array(frame.prefix(Frame.headerSize))
        huge[5] = 0x7f
        #expect(throws: FrameError.oversize(0x7f00_0008)) { try Frame.decode(huge[...], magic: magic) }
        // A valid frame whose payload is not canonical.
        var w = ByteWriter()
        w.writeUInt32(magic); w.writeUInt8(MessageType.ping.rawValue); w.writeUInt32(9)
        let payload: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 1, 0]
        w.writeBytes(Hash256.sha256d(payload).bytes.prefix(4)); w.writeBytes(payload)
        #expect(throws: FrameError.undecodable(.ping, .trailingBytes(count: 1))) { try Frame.decode(w.bytes[...], magic: magic) }
    }

    /// 10,000 mutated frames of every sample (150,000 in all): each is refused or
    /// decodes to a message whose frame is exactly those bytes. Nothing crashes.
    @Test func fuzzedFramesNeverCrash() throws {
        var rng = SplitMix64(seed: 99)
        var accepted = 0, refused = 0, incomplete = 0
        for m in try samples() {
            let frame = Frame.encode(m, magic: magic)
            for _ in 0..<10_000 {
                var b = frame
                switch rng.next() % 4 {
                case 0: b[Int(rng.next() % UInt64(b.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                case 1: b = Array(b.prefix(Int(rng.next() % UInt64(b.count + 1))))
                case 2: b += rng.bytes(Int(rng.next() % 16))
                default:
                    // Corrupt the payload but fix the checksum, to reach the message decoders.
                    if b.count > Frame.headerSize {
                        b[Frame.headerSize + Int(rng.next() % UInt64(b.count - Frame.headerSize))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                        let p = Array(b[Frame.headerSize...])
                        b.replaceSubrange(9..<13, with: Hash256.sha256d(p).bytes.prefix(4))
                    }
                }
                do {
                    if let (msg, used) = try Frame.decode(b[...], magic: magic) {
                        #expect(Frame.encode(msg, magic: magic) == Array(b[..<used]))
                        accepted += 1
                    } else {
                        incomplete += 1
                    }
                } catch {
                    refused += 1
                }
            }
        }
        #expect(accepted + refused + incomplete == 10_000 * (try samples()).count)
        #expect(refused > 10_000 && incomplete > 1_000)
    }

    @Test func nioDecoderHandlesFragmentsAndRefusesLiesEarly() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(magic: magic)))
        let messages = try samples()
        let stream = messages.flatMap { Frame.encode($0, magic: magic) }
        // Byte by byte, in small pieces.
        var i = 0
        while i < stream.count {
            let n = min(7, stream.count - i)
            try channel.writeInbound(ByteBuffer(bytes: stream[i..<(i + n)]))
            i += n
        }
        var got: [Message] = []
        while let m = try channel.readInbound(as: Message.self) { got.append(m) }
        #expect(got == messages)
        _ = try? channel.finish()

        // An oversize header is refused before any payload arrives.
        let liar = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(magic: magic)))
        var header = Array(Frame.encode(.verack, magic: magic).prefix(Frame.headerSize))
        header[5] = 0x10
        #expect(throws: FrameError.self) { try liar.writeInbound(ByteBuffer(bytes: header)) }
        _ = try? liar.finish()
    }
}

/// Gossip channels on the wire: inventory kinds and the `item` message (docs/protocol.md section 16).
@Suite struct ChannelWireTests {
    let magic = Frame.magic(for: .devnet)

    @Test func kindsOutsideTheKnownRangesAreRefused() throws {
        for k: UInt8 in [0, 3, 9, 15] {
            #expect(Inventory.Kind(rawValue: k) == nil)
            var payload: [UInt8] = [1, k]
            payload += [UInt8](repeating: 0, count: 32)
            #expect(throws: CanonicalDecodingError.self) { try Message(type: .inv, payload: payload) }
            #expect(throws: CanonicalDecodingError.self) { try Message(type: .item, payload: [k, 1]) }
        }
        #expect(Inventory.Kind(rawValue: 16)?.isChannel == true)
        #expect(Inventory.Kind(rawValue: 255)?.isChannel == true)
        #expect(Inventory.Kind.transaction.isChannel == false)
        #expect(Inventory.Kind.channel(2) == nil)
    }

    @Test func theItemFrameExampleIsWhatTheCodeProduces() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/protocol.md")
        let document = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(document.range(of: "<!-- worked-example:item-frame -->"))
        let block = document[start.upperBound...]
        func field(_ name: String) throws -> String {
            let line = try #require(block.split(separator: "\n").first { $0.hasPrefix(name + " ") })
            return String(try #require(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first))
        }
        let message = Message.item(kind: try #require(Inventory.Kind.channel(16)), payload: Array("vote".utf8))
        #expect(Hex.encode(message.payload) == (try field("payload")))
        let frame = Frame.encode(message, magic: magic)
        #expect(Hex.encode(frame) == (try field("frame")))
        #expect(Hex.encode(Array(Hash256.sha256d(message.payload).bytes.prefix(4))) == (try field("checksum")))
        let decoded = try #require(try Frame.decode(frame[...], magic: magic))
        #expect(decoded.0 == message && decoded.1 == frame.count)
    }
}
