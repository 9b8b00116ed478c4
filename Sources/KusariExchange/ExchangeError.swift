import KusariCore

/// Why the exchange refused a transaction (the receipt's failure, and the API's answer
/// when it checks a transaction before admitting it). Each names the field at fault.
public enum ExchangeError: Error, Equatable, CustomStringConvertible {
    case noSuchAsset(UInt32)
    case symbolTaken(String)
    case tooManyAssets
    case notIssuer(asset: UInt32)
    case notMintable(asset: UInt32)
    case supplyCap(asset: UInt32)
    case insufficient(asset: String, has: UInt64, needs: UInt64)
    case noSuchMarket(MarketPair)
    case marketExists(MarketPair)
    case offTick(price: UInt64, tick: UInt64)
    case belowMinimum(lots: UInt64, minimum: UInt64)
    case tooLarge(String)
    case expired(expiry: UInt64, height: UInt64)
    case tooManyOpenOrders
    case bookFull(MarketPair, OrderSide)
    case expiriesFull(height: UInt64)
    case selfTrade(Hash256)
    case noSuchOrder(Hash256)
    case notYourOrder(Hash256)
    case recipientIsModule

    public var description: String {
        switch self {
        case .noSuchAsset(let id): return "asset: no asset \(id) on this chain"
        case .symbolTaken(let s): return "symbol: \(s) is already an asset"
        case .tooManyAssets: return "symbol: the chain holds the most assets it can number"
        case .notIssuer(let id): return "asset: only the issuer of asset \(id) may mint it"
        case .notMintable(let id): return "asset: asset \(id) has a fixed supply"
        case .supplyCap(let id): return "amount: asset \(id)'s supply would pass 2^62"
        case .insufficient(let a, let h, let n): return "amount: \(a) balance \(h) is less than the \(n) needed"
        case .noSuchMarket(let p): return "market: no market \(p) on this chain"
        case .marketExists(let p): return "market: market \(p) is already open"
        case .offTick(let p, let t): return "price: \(p) is not a multiple of the tick size \(t)"
        case .belowMinimum(let l, let m): return "lots: \(l) is below the market's minimum of \(m)"
        case .tooLarge(let what): return "lots: \(what) is more than 2^62 units"
        case .expired(let e, let h): return "expiry: height \(e) is before this block's height \(h)"
        case .tooManyOpenOrders: return "sender: an account may have at most \(ExchangeLimits.maxOpenOrders) open orders"
        case .bookFull(let p, let side):
            return "market: the \(side == .buy ? "buy" : "sell") side of \(p) holds the most orders it may (\(ExchangeLimits.maxBookOrders))"
        case .expiriesFull(let h):
            return "expiry: \(ExchangeLimits.maxExpiriesPerHeight) open orders already expire at height \(h), the most one height takes; choose another"
        case .selfTrade(let id): return "price: the order would trade with the sender's own order \(id)"
        case .noSuchOrder(let id): return "order: no open order \(id)"
        case .notYourOrder(let id): return "order: order \(id) belongs to another account"
        case .recipientIsModule: return "to: the exchange's module account takes no transfers"
        }
    }
}
