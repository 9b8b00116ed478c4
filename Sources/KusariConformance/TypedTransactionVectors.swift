import KusariCore
import KusariJSON

/// `typed-transactions.json`: typed transactions (contract deploy and call, section 6.5;
/// the exchange's kinds 32-38, section 19.2) with every decoded field and derived value,
/// and invalid encodings each with the field and message the node reports.
enum TypedTransactionVectors {
    static func make() throws(ConformanceError) -> [(String, JSON)] {
        let valid = try validCases()
        var invalid: [JSON] = []
        for (description, bytes) in try invalidCases() { invalid.append(try TransactionVectors.invalid(description, bytes)) }
        return [("valid", .array(valid.map { json(description: $0.0, seed: $0.1, tx: $0.2) })), ("invalid", .array(invalid))]
    }

    static let gold = MarketPair(base: 1, quote: 0)
    /// The smallest WebAssembly module: its 8-byte header.
    static let emptyModule: [UInt8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]

    static func exchange(_ seed: Int, nonce: UInt64, _ action: ExchangeAction, fee: UInt64 = 1_000,
                         to: AddressPayload? = nil) throws(ConformanceError) -> ([UInt8], Transaction) {
        do {
            let key = try VectorKeys.key(seed)
            return (VectorKeys.seed(seed), try Transaction(chainId: 3, key: key, nonce: nonce, exchange: action, fee: fee, to: to))
        } catch { throw .generation("typed transaction: \(error)") }
    }

    private static func validCases() throws(ConformanceError) -> [(String, [UInt8], Transaction)] {
        var out: [(String, [UInt8], Transaction)] = []
        func add(_ d: String, _ made: ([UInt8], Transaction)) { out.append((d, made.0, made.1)) }
        do {
            let deployer = try VectorKeys.key(10)
            add("deploy (kind 1): the 8-byte module header, init input 0x01, 2 KSR attached", (VectorKeys.seed(10),
                try Transaction(chainId: 3, key: deployer, nonce: 4,
                                deploy: ContractDeploy(code: emptyModule, input: [0x01], gas: GasTerms(limit: 50_000, price: 2)),
                                amount: 200_000_000)))
            let contract = AddressPayload.contract(deployer: AddressPayload(publicKey: deployer.publicKey), nonce: 4)
            add("call (kind 2): method transfer with 3 bytes of input, nothing attached", (VectorKeys.seed(11),
                try Transaction(chainId: 3, key: try VectorKeys.key(11), nonce: 0, contract: contract,
                                call: ContractInvocation(method: "transfer", input: [0x0a, 0x0b, 0x0c], gas: GasTerms(limit: 100_000, price: 1)))))
        } catch { throw .generation("contract transaction: \(error)") }
        let carol = AddressPayload(publicKey: try VectorKeys.key(13).publicKey)
        add("createAsset (kind 32): GOLD, 4 decimals, mintable; the supply to the sender",
            try exchange(12, nonce: 0, .createAsset(AssetDefinition(symbol: "GOLD", decimals: 4, supply: 1_000_000_000, mintable: true))))
        add("createAsset to another account, fixed supply, 12-character symbol",
            try exchange(12, nonce: 1, .createAsset(AssetDefinition(symbol: "A1B2C3D4E5F6", decimals: 0, supply: 7, mintable: false)), to: carol))
        add("mintAsset (kind 33): 5 units of asset 1 to another account", try exchange(12, nonce: 2, .mintAsset(asset: 1, amount: 5), to: carol))
        add("transferAsset (kind 34): 2^62 units (the largest amount)",
            try exchange(12, nonce: 3, .transferAsset(asset: 1, amount: ExchangeLimits.maxAmount), to: carol))
        add("createMarket (kind 35): GOLD-KSR, lot 10,000, tick 10, fees 10 and 20 bps",
            try exchange(13, nonce: 0, .createMarket(MarketTerms(pair: gold, lotSize: 10_000, tickSize: 10, minLots: 1,
                                                                 makerFeeBps: 10, takerFeeBps: 20))))
        add("placeOrder (kind 36): a limit buy of 3 lots at 1,200 with an expiry",
            try exchange(13, nonce: 1, .placeOrder(OrderTerms(pair: gold, side: .buy, price: 1_200, lots: 3, expiry: 99))))
        add("placeOrder: a market sell of 2^40 lots with worst price 1",
            try exchange(13, nonce: 2, .placeOrder(OrderTerms(pair: gold, side: .sell, type: .market, price: 1, lots: 1 << 40))))
        let placed = try exchange(13, nonce: 1, .placeOrder(OrderTerms(pair: gold, side: .buy, price: 1_200, lots: 3, expiry: 99))).1
        add("cancelOrder (kind 37): the limit buy above", try exchange(13, nonce: 3, .cancelOrder(placed.id)))
        add("replaceOrder (kind 38): the limit buy above by a post-only sell",
            try exchange(13, nonce: 4, .replaceOrder(placed.id, OrderTerms(pair: gold, side: .sell, type: .postOnly, price: 1_300, lots: 1)),
                         fee: 0))
        return out
    }

    /// A valid typed transaction: its inputs, every field it carries and every derived value.
    static func json(description: String, seed: [UInt8], tx: Transaction) -> JSON {
        var fields: [(String, JSON)] = [("chainId", .uint(UInt64(tx.chainId))), ("publicKey", .string(tx.publicKey.hex)),
                                        ("nonce", .uint(tx.nonce))]
        var kind: UInt8 = 0
        switch tx.action {
        case .transfer, .staking: break   // transfers are in transactions.json; staking has no vectors yet
        case .deploy(let d):
            kind = 1
            fields += [("amount", .uint(tx.amount)), ("gasLimit", .uint(d.gas.limit)), ("gasPrice", .uint(d.gas.price)),
                       ("code", .hex(d.code)), ("input", .hex(d.input))]
        case .call(let c):
            kind = 2
            fields += [("to", .string(tx.to.hex)), ("amount", .uint(tx.amount)), ("gasLimit", .uint(c.gas.limit)),
                       ("gasPrice", .uint(c.gas.price)), ("method", .string(c.method)), ("input", .hex(c.input))]
        case .exchange(let a):
            kind = a.kind
            fields.append(("fee", .uint(tx.fee)))
            fields += exchangeFields(a, to: tx.to)
        }
        fields.append(("signature", .string(tx.signature.hex)))
        return .object([
            ("description", .string(description)),
            ("seed", .hex(seed)),
            ("kind", .uint(UInt64(kind))),
            ("fields", .object(fields)),
            ("to", .string(tx.to.hex)),
            ("fee", .uint(tx.fee)),
            ("from", .string(tx.from.hex)),
            ("signingPayload", .hex(tx.signingPayload)),
            ("id", .string(tx.id.hex)),
            ("size", .uint(UInt64(tx.encoded.count))),
            ("hex", .hex(tx.encoded)),
        ])
    }

    static func exchangeFields(_ a: ExchangeAction, to: AddressPayload) -> [(String, JSON)] {
        func order(_ o: OrderTerms) -> [(String, JSON)] {
            [("base", .uint(UInt64(o.pair.base))), ("quote", .uint(UInt64(o.pair.quote))), ("side", .uint(UInt64(o.side.rawValue))),
             ("type", .uint(UInt64(o.type.rawValue))), ("price", .uint(o.price)), ("lots", .uint(o.lots)), ("expiry", .uint(o.expiry))]
        }
        switch a {
        case .createAsset(let d):
            return [("to", .string(to.hex)), ("symbol", .string(d.symbol)), ("decimals", .uint(UInt64(d.decimals))),
                    ("supply", .uint(d.supply)), ("mintable", .uint(d.mintable ? 1 : 0))]
        case .mintAsset(let asset, let amount), .transferAsset(let asset, let amount):
            return [("to", .string(to.hex)), ("asset", .uint(UInt64(asset))), ("amount", .uint(amount))]
        case .createMarket(let m):
            return [("base", .uint(UInt64(m.pair.base))), ("quote", .uint(UInt64(m.pair.quote))), ("lotSize", .uint(m.lotSize)),
                    ("tickSize", .uint(m.tickSize)), ("minLots", .uint(m.minLots)), ("makerFeeBps", .uint(UInt64(m.makerFeeBps))),
                    ("takerFeeBps", .uint(UInt64(m.takerFeeBps)))]
        case .placeOrder(let o): return order(o)
        case .cancelOrder(let id): return [("order", .string(id.hex))]
        case .replaceOrder(let id, let o): return [("order", .string(id.hex))] + order(o)
        }
    }

    private static func invalidCases() throws(ConformanceError) -> [(String, [UInt8])] {
        let place = try exchange(13, nonce: 1, .placeOrder(OrderTerms(pair: gold, side: .buy, price: 1_200, lots: 3, expiry: 99))).1.encoded
        let asset = try exchange(12, nonce: 0, .createAsset(AssetDefinition(symbol: "GOLD", decimals: 4, supply: 9, mintable: true))).1.encoded
        // Offsets in a place-order: marker 0, kind 4, chainId 5, publicKey 9, nonce 41, fee 49, base 57,
        // quote 61, side 65, type 66, price 67, lots 75, expiry 83, signature 91.
        func with(_ bytes: [UInt8], _ offset: Int, _ value: [UInt8]) -> [UInt8] {
            var b = bytes
            b.replaceSubrange(offset..<offset + value.count, with: value)
            return b
        }
        let symbolAt = 57 + 20   // after `to`: the symbol's length byte
        return [
            ("kind 39: not a kind (39-47 are kept for the exchange)", with(place, 4, [39])),
            ("kind 23: kept for staking, not defined", with(place, 4, [23])),
            ("a typed transaction with chain id 0", with(place, 5, [0, 0, 0, 0])),
            ("truncated inside the fee", Array(place.prefix(52))),
            ("fee one above the supply cap", TransactionVectors.replacing(place, at: 49, u64: Amount.maxSupply + 1)),
            ("side 2: neither buy nor sell", with(place, 65, [2])),
            ("order type 4: not a type", with(place, 66, [4])),
            ("price 0", TransactionVectors.replacing(place, at: 67, u64: 0)),
            ("lots 2^40 + 1", TransactionVectors.replacing(place, at: 75, u64: (1 << 40) + 1)),
            ("base = quote", with(place, 61, [0, 0, 0, 1])),
            ("one trailing byte", place + [0]),
            ("price changed after signing", TransactionVectors.replacing(place, at: 67, u64: 1_300)),
            ("symbol in lower case", with(asset, symbolAt + 1, Array("gold".utf8))),
            ("symbol KSR", Array(asset.prefix(symbolAt)) + [3] + Array("KSR".utf8) + asset[(symbolAt + 5)...]),
            ("symbol length 13 (above 12)", Array(asset.prefix(symbolAt)) + [13] + Array("ABCDEFGHIJKLM".utf8) + asset[(symbolAt + 5)...]),
            ("mintable byte 2", with(asset, symbolAt + 5 + 1 + 8, [2])),
            ("decimals 19", with(asset, symbolAt + 5, [19])),
            ("an immediate-or-cancel order with an expiry", with(with(place, 66, [1]), 83, [0, 0, 0, 0, 0, 0, 0, 9])),
        ]
    }
}
