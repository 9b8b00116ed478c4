import KusariAPI
import KusariCore
import KusariExchange
import KusariNode

extension Node {
    /// Runs `body` on the exchange's state at the tip, on the node's actor (an
    /// `ExchangeView` is a view of the tip's state: it stays on the actor, what `body`
    /// returns leaves it).
    func readExchange<T: Sendable>(_ body: @Sendable (ExchangeView) throws -> T) throws -> T {
        try body(exchangeView)
    }
}

/// How the pages name and print the exchange's things: asset symbols (asset 0 is KSR),
/// pairs as `BASE-QUOTE`, amounts with their asset's decimals. Display only.
enum ExchangeFormat {
    /// An asset's symbol: KSR for asset 0, `#id` for an id the chain does not know.
    static func symbol(_ id: UInt32, in view: ExchangeView) -> String {
        id == 0 ? "KSR" : view.asset(id: id)?.symbol ?? "#\(id)"
    }

    /// A pair as its symbols, `GOLD-KSR` (the market page's path).
    static func pair(_ pair: MarketPair, in view: ExchangeView) -> String {
        symbol(pair.base, in: view) + "-" + symbol(pair.quote, in: view)
    }

    /// The decimals of asset `id` (KSR's 8).
    static func decimals(_ id: UInt32, in view: ExchangeView) -> UInt8 {
        id == 0 ? 8 : view.asset(id: id)?.decimals ?? 0
    }

    /// Base units with `decimals` places, exactly: 1234567 with 4 places is 123.4567.
    static func units(_ amount: UInt64, decimals: UInt8) -> String {
        guard decimals > 0 else { return String(amount) }
        let digits = String(amount)
        let places = Int(decimals)
        let padded = String(repeating: "0", count: max(0, places + 1 - digits.count)) + digits
        return String(padded.dropLast(places)) + "." + String(padded.suffix(places))
    }

    /// `amount` of asset `id` with its decimals and symbol.
    static func amount(_ amount: UInt64, of id: UInt32, in view: ExchangeView) -> String {
        units(amount, decimals: decimals(id, in: view)) + " " + symbol(id, in: view)
    }

    /// The pair a page's path names: `BASE-QUOTE`, each a symbol (any case; KSR is asset 0) or
    /// an asset id. An unknown asset or a malformed pair is an error (the 404 page).
    static func resolve(_ text: String, in view: ExchangeView) throws -> MarketPair {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw APIError(.badRequest, "bad_request", "pair: expected BASE-QUOTE (symbols or asset ids, e.g. GOLD-KSR), got '\(text)'")
        }
        func asset(_ part: Substring) throws -> UInt32 {
            if let n = Digits.uint64(part, maxDigits: 10), let id = UInt32(exactly: n) { return id }
            let symbol = part.uppercased()
            if symbol == "KSR" { return 0 }
            guard AssetDefinition.isValidSymbol(symbol), let record = view.asset(symbol: symbol) else {
                throw APIError(.notFound, "not_found", "no asset '\(part)' on this chain")
            }
            return record.id
        }
        return MarketPair(base: try asset(parts[0]), quote: try asset(parts[1]))
    }

    /// One line of a decoded action: label, text, and a link where there is one.
    struct Row: Sendable {
        let label: String, text: String, href: String?

        /// The template's values (every key present, so no section falls through to the page's).
        var values: [String: Any] { ["label": label, "text": text, "href": href ?? "", "hasHref": href != nil] }
    }

    /// The rows of an exchange action as the transaction page shows it.
    static func actionRows(_ action: ExchangeAction, to: AddressPayload, in view: ExchangeView, network: Network) -> [Row] {
        func row(_ label: String, _ text: String, _ href: String? = nil) -> Row { Row(label: label, text: text, href: href) }
        switch action {
        case .createAsset(let a):
            var rows = [row("Symbol", a.symbol), row("Decimals", String(a.decimals)),
                        row("Initial supply", units(a.supply, decimals: a.decimals) + " " + a.symbol + " (\(a.supply) base units, to the issuer)"),
                        row("Supply", a.mintable ? "mintable: the issuer may mint more" : "fixed")]
            if let record = view.asset(symbol: a.symbol) { rows.insert(row("Asset", "#\(record.id)", "/assets#asset-\(record.id)"), at: 0) }
            return rows
        case .mintAsset(let asset, let amount):
            return [row("Asset", symbol(asset, in: view) + " (#\(asset))", "/assets#asset-\(asset)"),
                    row("Amount", Self.amount(amount, of: asset, in: view) + " (\(amount) base units)")]
        case .transferAsset(let asset, let amount):
            let recipient = Address(payload: to, network: network).string
            return [row("Asset", symbol(asset, in: view) + " (#\(asset))", "/assets#asset-\(asset)"),
                    row("Amount", Self.amount(amount, of: asset, in: view) + " (\(amount) base units)"),
                    row("Recipient", recipient, "/account/" + recipient)]
        case .createMarket(let m):
            let name = pair(m.pair, in: view)
            return [row("Market", name, "/market/" + name),
                    row("Lot size", "\(m.lotSize) base units of \(symbol(m.pair.base, in: view))"),
                    row("Tick size", "\(m.tickSize) base units of \(symbol(m.pair.quote, in: view)) per lot"),
                    row("Minimum order", "\(m.minLots) lots"),
                    row("Fees", "maker \(m.makerFeeBps) bps, taker \(m.takerFeeBps) bps")]
        case .placeOrder, .cancelOrder, .replaceOrder:
            var rows: [Row] = []
            if let id = action.cancelledOrder {
                rows.append(row(action.placedOrder == nil ? "Order" : "Replaces order", id.hex, "/tx/" + id.hex))
            }
            if let o = action.placedOrder {
                let name = pair(o.pair, in: view)
                rows += [row("Market", name, "/market/" + name), row("Side", o.side.description), row("Type", o.type.description),
                         row(o.type == .market ? "Worst price" : "Limit price", "\(o.price) \(symbol(o.pair.quote, in: view)) base units per lot"),
                         row("Lots", String(o.lots)),
                         row("Expiry", o.expiry == 0 ? "none" : "rests up to height \(o.expiry)")]
            }
            return rows
        }
    }
}

extension Site {
    /// What the transaction page shows of an exchange transaction, every key always present:
    /// its action decoded, whether it is still an open order, and its receipt (success, or
    /// why the exchange refused it).
    func exchangeDetails(_ tx: Transaction, receipt: ContractReceipt?, pending: Bool) async -> [String: Any] {
        var out: [String: Any] = ["isExchange": false, "exchangeRows": [[String: Any]](), "exchangeOutcome": false,
                                  "exchangeAwaiting": false, "exchangeMissing": false, "orderStatus": "", "hasOrderStatus": false]
        guard case .exchange(let action) = tx.action else { return out }
        let id = tx.id
        let to = tx.to, network = self.network
        let (rows, openOrder) = (try? await node.readExchange { view -> ([ExchangeFormat.Row], OrderRecord?) in
            (ExchangeFormat.actionRows(action, to: to, in: view, network: network), view.order(id: id))
        }) ?? ([], nil)
        out["isExchange"] = true
        out["exchangeName"] = action.name
        out["exchangeRows"] = rows.map(\.values)
        if action.placedOrder != nil, !pending, receipt?.succeeded == true {
            out["hasOrderStatus"] = true
            out["orderStatus"] = openOrder.map { "open: \($0.lots) of \($0.placedLots) lots left" }
                ?? "no longer open: filled, cancelled, replaced or expired (the market page's auctions show its fills)"
        }
        guard let receipt else {
            out["exchangeAwaiting"] = true
            out["exchangeMissing"] = !pending
            return out
        }
        let created = receipt.succeeded && receipt.output.count == 4
        out["exchangeOutcome"] = ["succeeded": receipt.succeeded, "failed": !receipt.succeeded, "failure": receipt.failure ?? "",
                                  "hasAssetCreated": created,
                                  "assetCreated": created ? "#\(receipt.output.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })" : ""]
        return out
    }

    /// The account page's exchange part: what the account holds of every asset and its open orders.
    func accountExchange(_ address: AddressPayload) async -> [String: Any] {
        let parts = try? await node.readExchange { view -> ([[String: String]], [[String: String]]) in
            let balances = view.balances(of: address).map { b -> [String: String] in
                ["symbol": b.asset.symbol, "assetId": String(b.asset.id), "amount": ExchangeFormat.units(b.amount, decimals: b.asset.decimals),
                 "units": String(b.amount)]
            }
            let orders = view.openOrders(of: address).map { o -> [String: String] in
                let pair = ExchangeFormat.pair(o.pair, in: view)
                return ["id": o.id.hex, "short": Format.short(o.id.hex), "pair": pair, "side": o.side.description,
                        "type": o.type.description, "price": String(o.price), "lots": String(o.lots), "placed": String(o.placedLots),
                        "height": String(o.height), "expiry": o.expiry == 0 ? "none" : String(o.expiry)]
            }
            return (balances, orders)
        }
        let (balances, orders) = parts ?? ([], [])
        return ["assetBalances": balances, "hasAssetBalances": !balances.isEmpty, "openOrders": orders, "hasOpenOrders": !orders.isEmpty]
    }
}
