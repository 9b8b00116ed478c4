import Foundation
import KusariCore
import KusariExchange
import KusariNode

/// The exchange pages' charts as inline SVG drawn on the server (so they show without
/// JavaScript): the book's depth, an auction's demand and supply curves, and OHLCV candles.
/// Each function returns the template's values: paths and coordinates as text, in a
/// `width` x `height` view box. Display only: the pixel arithmetic is in Double, every
/// number printed beside a chart is the exact integer.
enum ExchangeCharts {
    static let width = 640.0, height = 240.0
    /// Room for the axis labels: left, right, top and bottom.
    static let left = 64.0, right = 12.0, top = 12.0, bottom = 22.0

    /// One price level of a book side: the lots open at a price and how many orders hold them.
    typealias Level = BookLevel

    /// A linear map from data to the view box, with a margin around the data.
    struct Scale {
        let x0: Double, x1: Double, y0: Double, y1: Double

        init(x: ClosedRange<Double>, y: ClosedRange<Double>, xMargin: Double = 0.05) {
            let span = max(x.upperBound - x.lowerBound, max(1, x.lowerBound * 0.1))
            let pad = span * xMargin
            x0 = x.lowerBound - (x.upperBound == x.lowerBound ? span / 2 : pad)
            x1 = x.upperBound + (x.upperBound == x.lowerBound ? span / 2 : pad)
            y0 = y.lowerBound
            y1 = y.upperBound > y.lowerBound ? y.upperBound * 1.08 - y.lowerBound * 0.08 : y.lowerBound + 1
        }

        func x(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * (width - left - right) }
        func y(_ v: Double) -> Double { height - bottom - (v - y0) / (y1 - y0) * (height - top - bottom) }
    }

    /// A data value at an axis's end as its label: a whole number (0 for what is not one).
    static func label(_ v: Double) -> String {
        v.isFinite && v >= 0 && v < 1.8e19 ? String(UInt64(v.rounded())) : "0"
    }

    /// A coordinate as the path text prints it (one decimal place).
    static func n(_ v: Double) -> String { String(format: "%.1f", v.isFinite ? v : 0) }

    /// The frame shared by every chart: the axes' ends and their labels.
    static func frame(xLow: String, xHigh: String, yHigh: String, yLow: String = "0") -> [String: Any] {
        ["width": Int(width), "height": Int(height), "axisX": n(left), "axisY": n(height - bottom), "axisRight": n(width - right),
         "axisTop": n(top), "labelY": n(height - 6), "labelRight": n(width - right), "labelLeft": n(left),
         "labelTopY": n(top + 10), "labelBottomY": n(height - bottom), "yLabelX": n(left - 6),
         "xLow": xLow, "xHigh": xHigh, "yHigh": yHigh, "yLow": yLow]
    }

    /// The depth chart of a book: cumulative lots of the bids from the best bid down (a
    /// filled step area, left) and of the asks from the best ask up (right). Nil for an empty book.
    static func depth(bids: [Level], asks: [Level]) -> [String: Any]? {
        let prices = (bids + asks).map { Double($0.price) }
        guard let low = prices.min(), let high = prices.max() else { return nil }
        let bidTotal = bids.reduce(0.0) { $0 + Double($1.lots) }, askTotal = asks.reduce(0.0) { $0 + Double($1.lots) }
        let s = Scale(x: low...high, y: 0...max(bidTotal, askTotal, 1))
        func area(_ levels: [Level], toward edge: Double) -> String {
            guard let first = levels.first else { return "" }
            var d = "M\(n(s.x(Double(first.price)))),\(n(s.y(0)))"
            var total = 0.0
            for (i, l) in levels.enumerated() {
                total += Double(l.lots)
                d += " V\(n(s.y(total)))"
                let next = i + 1 < levels.count ? s.x(Double(levels[i + 1].price)) : edge
                d += " H\(n(next))"
            }
            return d + " V\(n(s.y(0))) Z"
        }
        var out = frame(xLow: label(s.x0), xHigh: label(s.x1), yHigh: label(max(bidTotal, askTotal)))
        out["bidPath"] = area(bids, toward: left)
        out["askPath"] = area(asks, toward: width - right)
        return out
    }

    /// An auction's curves: demand D(p) (lots of buys with limit ≥ p) and supply S(p) (lots of
    /// sells with limit ≤ p) as step lines over the candidate prices, with the clearing price
    /// and the matched lots marked. Nil without levels.
    static func curves(_ c: MarketClearing) -> [String: Any]? {
        let levels = c.levels
        guard let first = levels.first, let last = levels.last else { return nil }
        let most = levels.reduce(0.0) { max($0, Double($1.demand), Double($1.supply)) }
        let s = Scale(x: Double(first.price)...Double(last.price), y: 0...max(most, 1))
        let leftEdge = s.x(s.x0), rightEdge = s.x(s.x1)
        // D is D(p_i) on (p_{i-1}, p_i] and 0 above the highest price; S is S(p_i) on [p_i, p_{i+1}) and 0 below the lowest.
        var demand = "M\(n(leftEdge)),\(n(s.y(Double(first.demand)))) H\(n(s.x(Double(first.price))))"
        var supply = "M\(n(leftEdge)),\(n(s.y(0))) H\(n(s.x(Double(first.price)))) V\(n(s.y(Double(first.supply))))"
        for l in levels.dropFirst() {
            demand += " V\(n(s.y(Double(l.demand)))) H\(n(s.x(Double(l.price))))"
            supply += " H\(n(s.x(Double(l.price)))) V\(n(s.y(Double(l.supply))))"
        }
        demand += " V\(n(s.y(0))) H\(n(rightEdge))"
        supply += " H\(n(rightEdge))"
        var out = frame(xLow: label(s.x0), xHigh: label(s.x1), yHigh: label(most))
        out["demandPath"] = demand
        out["supplyPath"] = supply
        out["priceX"] = n(s.x(Double(c.price)))
        out["lotsY"] = n(s.y(Double(c.lots)))
        out["priceLabelX"] = n(min(s.x(Double(c.price)) + 4, width - right - 80))
        return out
    }

    /// One candle: the trades of a bucket of blocks or seconds.
    struct Candle {
        /// The first height (or the bucket's start time) and the last height of its trades.
        var start: UInt64, from: UInt64, to: UInt64
        var open: UInt64, high: UInt64, low: UInt64, close: UInt64, volume: UInt64
    }

    /// Candles from trades (any order), one per bucket of `bucket` blocks, or seconds when
    /// `byTime`; empty buckets have no candle. Oldest first.
    static func candles(_ trades: [MarketTrade], bucket: UInt64, byTime: Bool) -> [Candle] {
        var out: [Candle] = []
        for t in trades.sorted(by: { $0.height < $1.height }) {
            let key = (byTime ? t.time : t.height) / max(bucket, 1) * max(bucket, 1)
            let p = t.clearing.price
            if var last = out.last, last.start == key {
                last.high = max(last.high, p)
                last.low = min(last.low, p)
                last.close = p
                last.to = t.height
                last.volume &+= t.clearing.lots
                out[out.count - 1] = last
            } else {
                out.append(Candle(start: key, from: t.height, to: t.height, open: p, high: p, low: p, close: p, volume: t.clearing.lots))
            }
        }
        return out
    }

    /// The candlestick chart: a body from open to close (rising or falling) and a wick from
    /// low to high per candle, each in its own slot, with the volume as bars along the bottom.
    /// Nil without candles.
    static func candleChart(_ candles: [Candle]) -> [String: Any]? {
        guard let low = candles.map(\.low).min(), let high = candles.map(\.high).max() else { return nil }
        // Room above and below the prices, so that a flat market is a line in the middle, not on an axis.
        let pad = max(1, (high - low) / 10, high / 50)
        let yLow = low - min(low, pad), yHigh = high &+ pad
        let s = Scale(x: 0...1, y: Double(yLow)...Double(max(yHigh, yLow + 1)))
        let slot = (width - left - right) / Double(candles.count + 1)
        let body = min(24, max(2, slot * 0.6))
        let maxVolume = Double(candles.map(\.volume).max() ?? 1)
        let volumeHeight = (height - top - bottom) * 0.2
        var out = frame(xLow: String(candles.first?.from ?? 0), xHigh: String(candles.last?.to ?? 0),
                        yHigh: String(yHigh), yLow: String(yLow))
        out["candles"] = candles.enumerated().map { i, c -> [String: Any] in
            let x = left + slot * Double(i + 1)
            let yOpen = s.y(Double(c.open)), yClose = s.y(Double(c.close))
            let v = Double(c.volume) / max(maxVolume, 1) * volumeHeight
            return ["wickX": n(x), "wickTop": n(s.y(Double(c.high))), "wickBottom": n(s.y(Double(c.low))),
                    "bodyX": n(x - body / 2), "bodyY": n(min(yOpen, yClose)), "bodyW": n(body), "bodyH": n(max(1.5, abs(yOpen - yClose))),
                    "rising": c.close >= c.open, "volX": n(x - body / 2), "volY": n(height - bottom - v), "volH": n(max(0.5, v))]
        }
        return out
    }
}
