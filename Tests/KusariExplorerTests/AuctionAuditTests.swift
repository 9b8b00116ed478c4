import Foundation
import KusariCore
@testable import KusariExplorer
import Testing

/// The fairness audit alone: the price rule's steps on small curves, and the page's script
/// (`auction.js`, run by Node.js with a stub of the few DOM calls it makes) agreeing with the
/// node's checks on real, tampered and tied auctions. The script's test needs a `node`
/// executable; without one it does not run (the browser tests run the page itself).
@Suite struct AuctionAuditTests {
    static let nodeJS: String? = ["/usr/bin/node", "/usr/local/bin/node", "/usr/bin/nodejs"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static let pair = MarketPair(base: 1, quote: 0)
    static func id(_ n: UInt8) -> Hash256 { Hash256.sha256([n]) }
    static let owner = AddressPayload(bytes: [UInt8](repeating: 7, count: 20)) ?? .zero

    static func fill(_ n: UInt8, _ side: OrderSide, limit: UInt64, lots: UInt64) -> OrderFill {
        OrderFill(order: id(n), owner: owner, side: side, lots: lots, fee: 0, maker: false, limit: limit)
    }

    /// The worked auction: a sell of 5 at 1,000, buys of 3 at 1,200 and 4 at 1,100; 5 lots at 1,100.
    static let worked = MarketClearing(
        pair: pair, price: 1_100, lots: 5,
        fills: [fill(1, .sell, limit: 1_000, lots: 5), fill(2, .buy, limit: 1_200, lots: 3), fill(3, .buy, limit: 1_100, lots: 2)],
        levels: [ClearingLevel(price: 1_000, demand: 7, supply: 5), ClearingLevel(price: 1_100, demand: 7, supply: 5),
                 ClearingLevel(price: 1_200, demand: 3, supply: 5)])

    /// A buy of 5 at 110 and a sell of 5 at 100: both prices match 5 with no surplus, so the
    /// reference decides (then the lowest).
    static func even(price: UInt64) -> MarketClearing {
        MarketClearing(pair: pair, price: price, lots: 5, fills: [fill(1, .buy, limit: 110, lots: 5), fill(2, .sell, limit: 100, lots: 5)],
                       levels: [ClearingLevel(price: 100, demand: 5, supply: 5), ClearingLevel(price: 110, demand: 5, supply: 5)])
    }

    func outcomes(_ c: MarketClearing, reference: AuctionAudit.Reference) -> [String: String] {
        Dictionary(uniqueKeysWithValues: AuctionAudit.run(c, reference: reference).map { ($0.id, $0.outcome.rawValue) })
    }

    @Test func thePriceRuleTakesItsStepsInOrder() {
        #expect(AuctionAudit.choose(Self.worked.levels, reference: .none) == .picked(price: 1_100, rule: "buy pressure (the highest)"))
        let even = Self.even(price: 110).levels
        #expect(AuctionAudit.choose(even, reference: .price(108)) == .picked(price: 110, rule: "nearest the reference price 108"))
        #expect(AuctionAudit.choose(even, reference: .price(105)) == .picked(price: 100, rule: "the lowest"))
        #expect(AuctionAudit.choose(even, reference: .none) == .picked(price: 100, rule: "the lowest (no reference price)"))
        #expect(AuctionAudit.choose(even, reference: .unknown) == .needsReference)
        let sellers = [ClearingLevel(price: 100, demand: 3, supply: 5), ClearingLevel(price: 110, demand: 3, supply: 6)]
        #expect(AuctionAudit.choose(sellers, reference: .none) == .picked(price: 100, rule: "the least surplus"))
        let pressed = [ClearingLevel(price: 100, demand: 3, supply: 5), ClearingLevel(price: 110, demand: 3, supply: 5)]
        #expect(AuctionAudit.choose(pressed, reference: .none) == .picked(price: 100, rule: "sell pressure (the lowest)"))
        #expect(AuctionAudit.choose([ClearingLevel(price: 100, demand: 0, supply: 5)], reference: .none) == .noCross)

        #expect(outcomes(Self.worked, reference: .none).values.allSatisfy { $0 == "pass" })
        #expect(outcomes(Self.even(price: 110), reference: .price(108)).values.allSatisfy { $0 == "pass" })
        #expect(outcomes(Self.even(price: 110), reference: .none)["tiebreak"] == "fail")
        #expect(outcomes(Self.even(price: 110), reference: .unknown)["tiebreak"] == "unknown")
        var skewed = Self.worked
        skewed.levels[1].supply = 4   // supply falls from 5 to 4
        #expect(outcomes(skewed, reference: .none)["curves"] == "fail")
        var zero = Self.worked
        zero.fills.append(Self.fill(4, .buy, limit: 1_300, lots: 0))
        #expect(outcomes(zero, reference: .none)["balance"] == "fail")
    }

    /// Runs `auction.js` on `json` under Node.js; returns each check's outcome and the verdict.
    func script(_ json: String, node: String) throws -> (outcomes: [String: String], verdict: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-audit-js-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try #require(EmbeddedFiles.assets["auction.js"])
        try source.write(to: dir.appendingPathComponent("auction.js"), atomically: true, encoding: .utf8)
        try json.write(to: dir.appendingPathComponent("auction.json"), atomically: true, encoding: .utf8)
        let ids = AuctionAudit.titles.map { "\"\($0.id)\"" }.joined(separator: ", ")
        let harness = """
            const fs = require("fs");
            const data = fs.readFileSync(process.argv[3], "utf8");
            function cell() { return { textContent: "", dataset: {}, append(...xs) { for (const x of xs) this.textContent += typeof x === "string" ? x : x.textContent; } }; }
            const rows = [\(ids)].map(id => { const c = cell(); return { dataset: { check: id }, cell: c, querySelector: () => c }; });
            const verdict = { textContent: "" };
            let ready = null;
            global.window = { Kusari: { verdict(el, ok, text) { el.textContent = text; } } };
            global.document = {
              addEventListener(event, fn) { ready = fn; },
              getElementById(id) {
                if (id === "audit") return { querySelectorAll: () => rows };
                if (id === "auction-json") return { value: data, addEventListener() {} };
                return id === "browser-verdict" ? verdict : null;
              },
              createElement() { return { className: "", textContent: "" }; },
            };
            require(process.argv[2]);
            ready();
            console.log(JSON.stringify({ outcomes: Object.fromEntries(rows.map(r => [r.dataset.check, r.cell.dataset.outcome || "not run"])),
                                         verdict: verdict.textContent }));
            """
        try harness.write(to: dir.appendingPathComponent("harness.js"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: node)
        process.arguments = [dir.appendingPathComponent("harness.js").path, dir.appendingPathComponent("auction.js").path,
                             dir.appendingPathComponent("auction.json").path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
        return (object["outcomes"] as? [String: String] ?? [:], object["verdict"] as? String ?? "")
    }

    @Test(.enabled(if: nodeJS != nil, "needs Node.js")) func thePageScriptAgreesWithTheNodesChecks() throws {
        let node = try #require(Self.nodeJS)
        var wrongLimit = Self.worked
        wrongLimit.fills[2].limit = 1_090
        var otherPrice = Self.worked
        otherPrice.price = 1_000
        var short = Self.worked
        short.fills[2].lots = 1
        short.lots = 4
        let cases: [(MarketClearing, AuctionAudit.Reference)] = [
            (Self.worked, .none), (wrongLimit, .none), (otherPrice, .none), (short, .none),
            (Self.even(price: 110), .price(108)), (Self.even(price: 110), .price(105)), (Self.even(price: 100), .unknown),
        ]
        for (c, reference) in cases {
            let expected = outcomes(c, reference: reference)
            let (got, verdict) = try script(Site.auctionJSON(c, height: 7, reference: reference), node: node)
            #expect(got == expected, "price \(c.price), reference \(reference): \(verdict)")
            let failed = expected.values.filter { $0 == "fail" }.count
            #expect(verdict.contains(failed == 0 ? "passes" : "\(failed) failed") || expected.values.contains("unknown"), "\(verdict)")
        }
        #expect(try script(Site.auctionJSON(wrongLimit, height: 7, reference: .none), node: node).outcomes["limits"] == "fail")
        #expect(try script("{\"price\": 5}", node: node).verdict.contains("does not read"))
    }
}
