import KusariCore

/// The end of a block (docs/protocol.md 19.5): every market that got an order is cleared
/// by one batch auction, its fills are settled, orders that may not rest leave, and
/// orders whose expiry is this height are cancelled.
extension ExchangeSession {
    func finish(beneficiary: AddressPayload) -> [MarketClearing] {
        var clearings: [MarketClearing] = []
        for pair in placed.keys.sorted() {
            if let clearing = clear(pair, beneficiary: beneficiary) { clearings.append(clearing) }
        }
        placed = [:]
        for entry in store.scan(ExchangeKey.expiring(block.height)) {
            guard entry.key.count == 9 + 32 else { continue }
            let id = entry.key.suffix(32).withUnsafeBytes { Hash256(unsafeBytes: $0) }
            if let order = store.order(id) { close(order) } else { store.set(entry.key, nil) }
        }
        // Closing them brought the height's count to 0 (it is removed at 0); a write here on
        // a chain that never used the exchange would give the module account its code hash.
        if store.expiryCount(block.height) != 0 { store.set(ExchangeKey.expiryCount(block.height), nil) }
        return clearings
    }

    /// Clears one market; returns its auction when anything traded.
    ///
    /// Only what the auction needs is read (docs/protocol.md 19.5): each side from its best
    /// key as far as the crossing walk goes (``BatchAuction/crossing(nextBuy:nextSell:)``),
    /// so a wide book costs a small order nothing, and the clearing's levels are the
    /// candidate prices that can matter.
    func clear(_ pair: MarketPair, beneficiary: AddressPayload) -> MarketClearing? {
        guard var market = store.market(pair) else { return nil }
        var open: [Hash256: OrderRecord] = [:]   // a lookup only: every walk below is in a sorted order
        // A post-only order placed in this block takes no part in this block's auction.
        func reader(_ side: OrderSide) -> () -> AuctionOrder? {
            let prefix = ExchangeKey.bookSide(pair, side)
            var cursor: [UInt8]? = nil
            return {
                while let entry = self.store.next(prefix, after: cursor) {
                    cursor = entry.key
                    guard let o = OrderRecord(key: entry.key, value: entry.value),
                          !(o.type == .postOnly && o.height == self.block.height) else { continue }
                    open[o.id] = o
                    return AuctionOrder(id: o.id, side: o.side, price: o.price, lots: o.lots, height: o.height)
                }
                return nil
            }
        }
        let crossing = BatchAuction.crossing(nextBuy: reader(.buy), nextSell: reader(.sell))
        let result = crossing.map { BatchAuction.clear($0.orders, reference: market.lastPrice, candidates: $0.candidates) }
        var clearing: MarketClearing? = nil
        if let result, let price = result.price, result.matchedLots > 0 {
            var fills: [OrderFill] = []
            for fill in result.fills.sorted(by: { $0.id < $1.id }) where fill.lots > 0 {
                guard var order = open[fill.id] else { continue }
                let fee = settle(order, lots: fill.lots, price: price, terms: market.terms, beneficiary: beneficiary)
                fills.append(OrderFill(order: order.id, owner: order.owner, side: order.side, lots: fill.lots, fee: fee,
                                       maker: order.height < block.height, limit: order.price))
                order.lots -= min(fill.lots, order.lots)
                if order.lots == 0 {
                    close(order)
                } else {
                    store.put(order)
                }
            }
            market.lastPrice = price
            store.set(ExchangeKey.market(pair), market.encoded)
            clearing = MarketClearing(pair: pair, price: price, lots: result.matchedLots, fills: fills,
                                      levels: result.levels)
        }
        // This block's orders that may not rest as they are, in id order (the session kept
        // their ids, so none is looked for in the part of the book the auction did not read).
        let unrested = (placed[pair] ?? []).sorted().compactMap { store.order($0) }.filter { $0.height == block.height }
        // This block's immediate-or-cancel and market orders leave with what is left.
        for order in unrested where order.type == .immediateOrCancel || order.type == .market { close(order) }
        // This block's post-only orders that would cross the book leave too (all at once, so
        // two that cross each other both leave and the book stays uncrossed).
        let bestBid = store.best(pair, .buy) { _ in true }?.price
        let bestAsk = store.best(pair, .sell) { _ in true }?.price
        for order in unrested where order.type == .postOnly {
            let crosses = order.side == .buy ? bestAsk.map { order.price >= $0 } ?? false : bestBid.map { order.price <= $0 } ?? false
            if crosses { close(order) }
        }
        return clearing
    }

    /// Pays one fill of `lots` at `price` out of the module account; returns the fee taken
    /// from what the order's owner received (to `beneficiary`, in that asset).
    func settle(_ order: OrderRecord, lots: UInt64, price: UInt64, terms: MarketTerms, beneficiary: AddressPayload) -> UInt64 {
        let module = ExchangeModule.address
        let bps = order.height < block.height ? terms.makerFeeBps : terms.takerFeeBps
        // Every product below is at most what the order locked or what the opposite side
        // locked, all held by the module account, so none overflows (checked anyway).
        if order.side == .buy {
            let received = lots.multipliedReportingOverflow(by: terms.lotSize).partialValue
            let fee = Self.fee(received, bps: bps)
            _ = store.move(terms.pair.base, from: module, to: order.owner, received - fee)
            _ = store.move(terms.pair.base, from: module, to: beneficiary, fee)
            let refund = lots.multipliedReportingOverflow(by: order.price - min(price, order.price)).partialValue
            _ = store.move(terms.pair.quote, from: module, to: order.owner, refund)
            return fee
        }
        let received = lots.multipliedReportingOverflow(by: price).partialValue
        let fee = Self.fee(received, bps: bps)
        _ = store.move(terms.pair.quote, from: module, to: order.owner, received - fee)
        _ = store.move(terms.pair.quote, from: module, to: beneficiary, fee)
        return fee
    }

    /// floor(amount x bps / 10,000), exact in 128 bits.
    static func fee(_ amount: UInt64, bps: UInt16) -> UInt64 {
        let product = amount.multipliedFullWidth(by: UInt64(bps))
        return UInt64(10_000).dividingFullWidth(product).quotient
    }
}
