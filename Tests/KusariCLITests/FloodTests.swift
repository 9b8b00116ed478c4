import Foundation
import Testing
import KusariCore
import KusariNetwork

extension NetworkTests {
    /// The resident memory of a process, in MiB (from /proc).
    static func residentMiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return kb / 1024
    }

    /// A peer that sends 150 `inv` frames of 50,000 new ids each (250 MB), as fast as it
    /// can, and reads nothing back, cannot make the node hold what it sends: memory stays
    /// within a ceiling and stops growing however long the flood lasts (the node pauses
    /// reading by bytes waiting, bounds its known sets and requests, and stops queueing
    /// writes to a peer that does not read), the node keeps answering, and a stop right
    /// after is clean (it once crashed in SQLite: P2P work queued at shutdown read the
    /// closed database).
    @Test func anInvFloodHoldsMemoryAndTheNodeStopsCleanly() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let datadir = dir.appendingPathComponent("x").path
        // The flooder answers no pings: a long ping timeout keeps it connected for the whole flood.
        let x = try NodeProcess(datadir: datadir, arguments: ["--p2p", "127.0.0.1:0", "--no-discover", "--ping-timeout", "900"])
        defer { x.stop() }
        let pid = x.process.processIdentifier
        let port = UInt16(x.p2p?.split(separator: ":").last ?? "") ?? 0
        let genesis = try Hash256(hex: try await x.get("/v1/status").json["genesis"] as? String ?? "")
        let baseline = Self.residentMiB(pid)
        let flooder = try RawPeer(port: port)
        flooder.send(RawPeer.handshake(genesis: genesis, nodeId: 4_242))
        let magic = Frame.magic(for: .devnet)
        let frames = 150, perFrame = WireLimits.maxInventory
        let sent = Counter(), finished = Counter()
        let sender = Task.detached {
            defer { finished.add(1) }
            for f in 0..<frames {
                var items: [Inventory] = []
                items.reserveCapacity(perFrame)
                for i in 0..<perFrame {
                    var bytes = [UInt8](repeating: 0, count: 32)
                    withUnsafeBytes(of: UInt64(f).littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
                    withUnsafeBytes(of: UInt64(i).littleEndian) { bytes.replaceSubrange(8..<16, with: $0) }
                    items.append(Inventory(kind: .transaction, hash: Hash256(bytes: bytes) ?? .zero))
                }
                guard flooder.sendAll(Frame.encode(.inv(items), magic: magic)) else { return }
                sent.add(1)
            }
        }
        // While the flood lasts, the node answers and its memory stays under the ceiling.
        var peak = baseline, peakAtAThird = baseline
        while finished.value == 0 {
            peak = max(peak, Self.residentMiB(pid))
            if sent.value <= frames / 3 { peakAtAThird = peak }
            #expect(try await x.get("/v1/status").status == 200)
            try await Task.sleep(for: .milliseconds(200))
            if !x.process.isRunning { break }
        }
        await sender.value
        for _ in 0..<10 {
            peak = max(peak, Self.residentMiB(pid))
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(sent.value == frames, "the node took \(sent.value) of \(frames) frames")
        print("flood: \(sent.value) frames; memory \(baseline) MiB before, \(peakAtAThird) MiB at most by a third, \(peak) MiB at most")
        #expect(peak - baseline < 150, "memory rose from \(baseline) MiB to \(peak) MiB")
        // Bounded, not growing with the flood: the last two thirds add little to the first.
        #expect(peak - peakAtAThird < 40, "memory went on rising: \(peakAtAThird) MiB after a third, \(peak) MiB at the end")
        // A stop now is clean: exit status 0, no crash.
        x.stop(deadline: 30)
        #expect(x.process.terminationReason == .exit && x.process.terminationStatus == 0,
                "stopped with \(x.process.terminationReason == .exit ? "status" : "signal") \(x.process.terminationStatus)")
    }
}
