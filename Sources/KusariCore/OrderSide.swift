/// The side of an exchange order (docs/protocol.md 19): a buy pays the quote asset for
/// the base asset, a sell the other way round. Its byte is part of an order's encoding.
public enum OrderSide: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case buy = 0
    case sell = 1

    /// The other side.
    public var opposite: OrderSide { self == .buy ? .sell : .buy }

    public var description: String { self == .buy ? "buy" : "sell" }
}
