import KusariChain
import KusariStorage
import KusariCore

/// How an order left the book with lots unfilled (an order whose status is `closed`).
public struct OrderClosing: Sendable, Hashable {
    /// Why it left.
    public enum Reason: String, Sendable {
        /// Its owner cancelled it (``OrderClosing/cancel`` is the cancelling transaction).
        case cancelled
        /// Its owner replaced it by a new order (``OrderClosing/cancel`` is the replacing
        /// transaction, whose id is the new order's).
        case replaced
        /// It reached its expiry height and left at the end of that block.
        case expired
        /// An immediate-or-cancel or market order: what its own block's auction left was cancelled.
        case immediate
        /// A post-only order that would have crossed the book after its own block's auction.
        case postOnlyCrossed = "post-only-crossed"
    }
    /// Why it left.
    public var reason: Reason
    /// The block at whose end (or, for a cancel, in which) it left.
    public var height: UInt64
    /// The cancelling or replacing transaction (cancelled and replaced orders only).
    public var cancel: Hash256?
}

/// One fill of an account's order, with the auction that made it (`GET /v1/accounts/{a}/fills`).
public struct AccountFill: Sendable, Hashable {
    /// The block whose auction filled it.
    public var height: UInt64
    /// That block's timestamp.
    public var time: UInt64
    /// The market.
    public var pair: MarketPair
    /// The clearing price (quote units per lot).
    public var price: UInt64
    /// The fill as the clearing keeps it.
    public var fill: OrderFill
}

/// A page of an account's fills, newest first, and where the next page starts.
public struct AccountFills: Sendable {
    /// The fills found, newest first.
    public var fills: [AccountFill]
    /// The lowest height the walk read; the next page passes it as `before` (nil: it reached genesis).
    public var scannedTo: UInt64?
}

extension Node {
    /// The most of an owner's transactions read back when looking for the cancel of an order.
    public nonisolated static let maxCancelScan = 1_000

    /// How a closed order left the book, from its terms, its owner's transactions and its
    /// expiry; nil when that cannot be told (a cancel more than ``maxCancelScan`` of the
    /// owner's transactions back).
    func closing(of id: Hash256, terms: OrderTerms, owner: AddressPayload, placed: UInt64) throws(NodeError) -> OrderClosing? {
        if terms.type == .immediateOrCancel || terms.type == .market { return OrderClosing(reason: .immediate, height: placed) }
        let entries: [AddressEntry]
        do { entries = try chain.store.addressHistory(owner, beforeHeight: UInt64.max, limit: Self.maxCancelScan) } catch {
            throw .unavailable(error.description)
        }
        for e in entries {
            guard e.height >= placed else { break }   // newest first: the rest came before the order
            let info = try transaction(e.txid)
            if info.tx.from == owner, let action = info.tx.exchangeAction, action.cancelledOrder == id, info.receipt?.failure == nil {
                return OrderClosing(reason: action.placedOrder == nil ? .cancelled : .replaced, height: e.height, cancel: e.txid)
            }
        }
        if terms.expiry != 0, terms.expiry <= chain.height { return OrderClosing(reason: .expired, height: terms.expiry) }
        if terms.type == .postOnly { return OrderClosing(reason: .postOnlyCrossed, height: placed) }
        return nil
    }

    /// The fills of `owner`'s orders, newest first: at most `limit`, from at most
    /// ``maxTradeScan`` blocks below `before` (default: above the tip).
    public func fills(of owner: AddressPayload, limit: Int, before: UInt64? = nil) throws(NodeError) -> AccountFills {
        var out: [AccountFill] = []
        var height = min(before.map { $0 == 0 ? 0 : $0 - 1 } ?? chain.height, chain.height)
        let floor = height > Self.maxTradeScan ? height - Self.maxTradeScan : 0
        while height > floor, out.count < limit {
            let time = chain.id(atHeight: height).flatMap { chain.header($0) }?.timestamp ?? 0
            for c in try clearings(atHeight: height) {
                for f in c.fills where f.owner == owner {
                    out.append(AccountFill(height: height, time: time, pair: c.pair, price: c.price, fill: f))
                }
            }
            height -= 1
        }
        return AccountFills(fills: out, scannedTo: height == 0 ? nil : height + 1)
    }
}
