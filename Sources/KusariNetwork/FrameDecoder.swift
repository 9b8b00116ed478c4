import KusariCore
import NIOCore

/// The NIO decoder for peer connections: fed bytes as they come, it yields
/// whole messages and throws `FrameError` (the connection is then closed and
/// the peer scored) on anything invalid. It never trusts a length: oversize
/// frames fail on their header, before their payload arrives.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Message
    public let magic: UInt32

    public init(magic: UInt32) { self.magic = magic }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard buffer.readableBytes >= Frame.headerSize else { return .needMoreData }
        // Look at the header first, so that a lying length fails before its payload arrives.
        guard let header = buffer.getBytes(at: buffer.readerIndex, length: Frame.headerSize) else { return .needMoreData }
        let length = Int(header[5..<9].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard buffer.readableBytes >= Frame.headerSize + length || length > WireLimits.maxPayload else {
            _ = try Frame.decode(header[...], magic: magic)   // checks magic and type early
            return .needMoreData
        }
        let available = min(buffer.readableBytes, Frame.headerSize + length)
        guard let bytes = buffer.getBytes(at: buffer.readerIndex, length: available) else { return .needMoreData }
        guard let (message, used) = try Frame.decode(bytes[...], magic: magic) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: used)
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

/// The matching encoder.
public struct FrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = Message
    public let magic: UInt32
    public init(magic: UInt32) { self.magic = magic }
    public func encode(data: Message, out: inout ByteBuffer) throws {
        out.writeBytes(Frame.encode(data, magic: magic))
    }
}
