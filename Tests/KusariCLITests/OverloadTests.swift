import Foundation
import Testing

extension NetworkTests.DevnetTests {
    /// `kusari bench overload` on the debug build (issue 14, items 2 and 3): four nodes behind the
    /// devnet's link proxies find their capacity C in short steps, then are offered 2C for a minute.
    /// A network that degrades gracefully keeps committing at least 80% of C, strands no transfer it
    /// admitted, drops no honest peer for stalling the block download, and keeps answering its status.
    /// It fails where the network collapses past saturation, as it did when issue 14 was filed
    /// (followers dropped the miner as a staller, thousands of admitted transfers were left pending,
    /// the committed rate fell to a third of capacity).
    ///
    /// In the serialized suite: on two cores, nothing else may run beside a network at twice its capacity.
    @Test func overloadAtTwiceCapacityDegradesGracefully() throws {
        let tmp = try Kusari.temporaryDirectory()
        // Kept, with the bench's scratch devnet and the nodes' logs, when the network misses a mark.
        var passed = false
        defer { if passed { try? FileManager.default.removeItem(at: tmp) } }

        let bad = try Kusari.run(["bench", "overload", "--refine", "11"])
        #expect(bad.status == 1 && bad.stderr.contains("error: refine: must be from 0 to 10, got 11"), "\(bad.stderr)")

        // Steps of 20 s from 100 tx/s (four debug nodes commit about 300 a second here; shorter steps
        // overstate C, as the 5 s of grace after a step's end weighs more), one step between the last
        // sustained and the first not, then 2C for 60 s. About 3.5 minutes in all here.
        let started = Date()
        let r = try Kusari.run(["bench", "overload", "--json", "--nodes", "4", "--step-seconds", "20", "--first-rate", "100",
                                "--refine", "1", "--seconds", "60", "--drain", "120", "--dir", tmp.path], timeout: 480)
        let took = Date().timeIntervalSince(started)
        let log = "kusari bench overload exited \(r.status) after \(Int(took)) s; its log (anything kept is under \(tmp.path)):\n\(r.stderr)"
        try #require(r.status == 0, "\(log)")
        let items = try #require(r.json as? [[String: Any]], "no JSON array of measurements: \(r.stdout)\n\(log)")
        let byName = Dictionary(items.compactMap { i in (i["name"] as? String).map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
        func value(_ name: String) throws -> Double {
            try #require(byName[name]?["value"] as? Double, "no \(name) measurement\n\(log)")
        }
        let capacity = try value("capacity"), committed = try value("overload-committed")
        let ratio = try #require(byName["overload-committed"]?["ratio"] as? Double, "overload-committed has no ratio\n\(log)")
        let stranded = try value("stranded"), refused = try value("refused")
        let stalls = try value("stall-disconnects"), disconnects = try value("disconnects")
        let statusMax = try value("status-max-seconds"), statusFailures = try value("status-failures")
        print("""
            overload: capacity \(Int(capacity)) tx/s; at 2C committed \(Int(committed)) tx/s, ratio \(String(format: "%.2f", ratio)); \
            stranded \(Int(stranded)), refused \(Int(refused)), stall-disconnects \(Int(stalls)), disconnects \(Int(disconnects)), \
            status max \(String(format: "%.2f", statusMax)) s, \(Int(statusFailures)) unanswered; the bench took \(Int(took)) s
            """)

        #expect(byName["overload-committed"]?["limitName"] as? String == "capacity")
        #expect(capacity > 0, "\(log)")
        #expect(ratio >= 0.8, "at twice the capacity of \(Int(capacity)) tx/s the network committed \(Int(committed)) tx/s\n\(log)")
        #expect(stranded == 0, "\(Int(stranded)) admitted transfers were not committed at every node\n\(log)")
        #expect(stalls == 0, "honest peers were disconnected for stalling the block download\n\(log)")
        #expect(statusMax < 10, "a node took \(statusMax) s to answer GET /v1/status\n\(log)")
        #expect(statusFailures == 0, "\(Int(statusFailures)) GET /v1/status requests went unanswered\n\(log)")
        passed = capacity > 0 && ratio >= 0.8 && stranded == 0 && stalls == 0 && statusMax < 10 && statusFailures == 0
        if passed {
            // Every mark met: the bench removed its scratch devnet.
            #expect((try? FileManager.default.contentsOfDirectory(atPath: tmp.path))?.isEmpty ?? true, "\(log)")
        }
    }
}
