import Foundation
import Testing

/// `kusari generate` is killed with SIGKILL at random moments, 50 times. After
/// each kill the stored chain verifies, and its height is never below what
/// `kusari status` reported (reading alongside the miner) before the kill.
@Suite struct CrashSafetyTests {
    @Test func killedGeneratorNeverLosesReportedBlocks() throws {
        let dir = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let datadir = dir.appendingPathComponent("chain").path
        let miner = "ksrt1qygkhhrxeqpdustakwlv4tchwyscvwa0z9r2c2q"
        #expect(try Kusari.run(["init", "--datadir", datadir, "--network", "devnet"]).status == 0)
        var rng = SystemRandomNumberGenerator()
        var reported = 0
        var kills = 0
        var round = 0
        while kills < 50 && round < 80 {
            round += 1
            let process = Process()
            process.executableURL = Kusari.executable
            process.arguments = ["generate", "1000000", "--datadir", datadir, "--to", miner]
            process.standardOutput = FileHandle.nullDevice
            let errPath = dir.appendingPathComponent("generate.err").path
            _ = FileManager.default.createFile(atPath: errPath, contents: nil)
            let errHandle = FileHandle(forWritingAtPath: errPath)
            process.standardError = errHandle ?? FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }

            // Wait (with a deadline) until status, read alongside the miner, shows progress.
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let status = try Kusari.run(["status", "--datadir", datadir])
                if status.status == 0, let h = status.object["height"] as? Int, h > reported {
                    reported = h
                    break
                }
            }
            // Then kill it at a random moment.
            usleep(UInt32.random(in: 0...30_000, using: &rng))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // Make sure the process is really gone (reaped) before the next one starts.
            let gone = Date().addingTimeInterval(10)
            while kill(process.processIdentifier, 0) == 0 && Date() < gone { usleep(1_000) }
            try? errHandle?.close()
            let errText = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            if process.terminationReason != .uncaughtSignal && errText.contains("in use by another kusari process") {
                // The previous round's process had not let go of the directory yet: not a kill, try again.
                continue
            }
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): generate ended by itself: \(errText)")
            kills += 1

            let verify = try Kusari.run(["verify", "--datadir", datadir])
            #expect(verify.status == 0, "round \(round): \(verify.stderr)")
            let height = verify.object["height"] as? Int ?? -1
            #expect(height >= reported, "round \(round): height \(height) is below the reported \(reported)")
            if verify.status != 0 { break }
            reported = max(reported, height)
        }
        #expect(kills == 50)
        #expect(reported > 50)
    }
}
