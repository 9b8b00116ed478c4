import Testing
import Foundation
import KusariConsensus

@Suite("Retargeting")
struct RetargetTests {
    struct FileCase: CustomStringConvertible {
        let line: Int
        let lastRetargetTime: Int64
        let lastBlockTime: Int64
        let lastHeight: Int
        let lastBits: UInt32
        let expected: UInt32
        var description: String { "line \(line)" }
    }

    /// Reads retarget-cases.txt: `last_retarget_time last_block_time last_block_height last_bits expected_next_bits`.
    func fileCases() throws -> [FileCase] {
        let text = try TestData.bitcoin("retarget-cases.txt")
        var cases: [FileCase] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: " ").map(String.init)
            try #require(fields.count == 5, "line \(index + 1): \(line)")
            cases.append(FileCase(
                line: index + 1,
                lastRetargetTime: try #require(Int64(fields[0])),
                lastBlockTime: try #require(Int64(fields[1])),
                lastHeight: try #require(Int(fields[2])),
                lastBits: try #require(CompactTarget.parse(fields[3])),
                expected: try #require(CompactTarget.parse(fields[4]))))
        }
        return cases
    }

    @Test("Bitcoin Core's mainnet cases from retarget-cases.txt")
    func bitcoinFileCases() throws {
        let cases = try fileCases()
        #expect(cases.count == 3)
        for c in cases {
            #expect(PowParameters.bitcoin.isRetargetHeight(c.lastHeight + 1), "\(c)")
            #expect(!PowParameters.bitcoin.isRetargetHeight(c.lastHeight), "\(c)")
            let next = try Retarget.nextBits(
                lastRetargetTime: c.lastRetargetTime, lastBlockTime: c.lastBlockTime,
                lastBits: c.lastBits, params: .bitcoin)
            #expect(next == c.expected, "\(c): got \(CompactTarget.format(next))")
            #expect(Retarget.isPermittedTransition(height: c.lastHeight + 1, oldBits: c.lastBits, newBits: next, params: .bitcoin))
        }
    }

    @Test("Core's upper clamp case: a window five times too slow is treated as four times")
    func upperClamp() throws {
        let next = try Retarget.nextBits(lastRetargetTime: 1_263_163_443, lastBlockTime: 1_269_211_443, lastBits: 0x1c38_7f6f, params: .bitcoin)
        #expect(next == 0x1d00_e1fd)
    }

    @Test("the clamp bounds the measured timespan, also when the subtraction overflows")
    func clamp() {
        let p = PowParameters.bitcoin
        #expect(Retarget.clampedTimespan(lastRetargetTime: 0, lastBlockTime: 1, params: p) == 302_400)
        #expect(Retarget.clampedTimespan(lastRetargetTime: 100, lastBlockTime: 50, params: p) == 302_400)
        #expect(Retarget.clampedTimespan(lastRetargetTime: 0, lastBlockTime: 1_000_000, params: p) == 1_000_000)
        #expect(Retarget.clampedTimespan(lastRetargetTime: 0, lastBlockTime: 10_000_000, params: p) == 4_838_400)
        #expect(Retarget.clampedTimespan(lastRetargetTime: .min, lastBlockTime: .max, params: p) == 4_838_400)
        #expect(Retarget.clampedTimespan(lastRetargetTime: .max, lastBlockTime: .min, params: p) == 302_400)
    }

    @Test("Kusari networks: values computed independently with arbitrary-precision arithmetic")
    func kusariNetworks() throws {
        // A slow devnet window: 0x7fffff.. x 4 overflows 256 bits; the result is the limit, not a wrapped value.
        #expect(try Retarget.nextBits(lastRetargetTime: 0, lastBlockTime: 1000, lastBits: 0x207f_ffff, params: .kusariDevnet) == 0x207f_ffff)
        #expect(try Retarget.nextBits(lastRetargetTime: 0, lastBlockTime: 1, lastBits: 0x207f_ffff, params: .kusariDevnet) == 0x201f_ffff)
        #expect(try Retarget.nextBits(lastRetargetTime: 0, lastBlockTime: 58, lastBits: 0x1f00_ffff, params: .kusariDevnet) == 0x1f00_f776)
        #expect(try Retarget.nextBits(lastRetargetTime: 0, lastBlockTime: 43_200, lastBits: 0x1d00_ffff, params: .kusariMain) == 0x1c7f_ff80)
        #expect(try Retarget.nextBits(lastRetargetTime: 0, lastBlockTime: 1_000_000_000, lastBits: 0x1d00_ffff, params: .kusariMain) == 0x1d03_fffc)
        #expect(try Retarget.nextBits(lastRetargetTime: 100, lastBlockTime: 43_300, lastBits: 0x1e0f_ffff, params: .kusariTest) == 0x1e1f_fffe)
    }

    @Test("invalid last bits are refused with the compact error")
    func invalidBits() {
        #expect(throws: CompactTargetError.negative(bits: 0x0492_3456)) {
            try Retarget.nextBits(lastRetargetTime: 0, lastBlockTime: 1, lastBits: 0x0492_3456, params: .bitcoin)
        }
        #expect(throws: CompactTargetError.overflow(bits: 0xff12_3456)) {
            try Retarget.nextBits(lastRetargetTime: 0, lastBlockTime: 1, lastBits: 0xff12_3456, params: .bitcoin)
        }
        #expect(throws: CompactTargetError.zero(bits: 0)) {
            try Retarget.nextBits(lastRetargetTime: 0, lastBlockTime: 1, lastBits: 0, params: .bitcoin)
        }
    }

    @Test("retarget heights and the window's first block (the off-by-one)")
    func heights() {
        let p = PowParameters.bitcoin
        #expect(!p.isRetargetHeight(0))
        #expect(!p.isRetargetHeight(2015))
        #expect(p.isRetargetHeight(2016))
        #expect(p.isRetargetHeight(4032))
        #expect(!p.isRetargetHeight(-2016))
        #expect(p.retargetWindowStart(forRetargetAt: 2016) == 0)
        #expect(p.retargetWindowStart(forRetargetAt: 32256) == 30240)
        #expect(PowParameters.kusariDevnet.isRetargetHeight(30))
        #expect(!PowParameters.kusariDevnet.isRetargetHeight(31))
    }

    @Test("permitted transitions: unchanged bits between retargets, the 4x clamp and the limit at them")
    func permittedTransitions() {
        let p = PowParameters.bitcoin
        #expect(Retarget.isPermittedTransition(height: 2017, oldBits: 0x1d00_ffff, newBits: 0x1d00_ffff, params: p))
        #expect(!Retarget.isPermittedTransition(height: 2017, oldBits: 0x1d00_ffff, newBits: 0x1c00_ffff, params: p))
        // Four times harder is the most one window allows.
        #expect(Retarget.isPermittedTransition(height: 2016, oldBits: 0x1d00_ffff, newBits: 0x1c3f_ffc0, params: p))
        #expect(!Retarget.isPermittedTransition(height: 2016, oldBits: 0x1d00_ffff, newBits: 0x1c3f_ffbf, params: p))
        // Easier than the limit is never permitted.
        #expect(!Retarget.isPermittedTransition(height: 2016, oldBits: 0x1d00_ffff, newBits: 0x1d01_0000, params: p))
        // Four times easier is the most one window allows.
        #expect(Retarget.isPermittedTransition(height: 4032, oldBits: 0x1c38_7f6f, newBits: 0x1d00_e1fd, params: p))
        #expect(!Retarget.isPermittedTransition(height: 4032, oldBits: 0x1c38_7f6f, newBits: 0x1d00_e1fe, params: p))
        #expect(!Retarget.isPermittedTransition(height: 4032, oldBits: 0x0492_3456, newBits: 0x1d00_e1fd, params: p))
    }

    @Test("presets: spacing, window, limit and future-time allowance")
    func presets() {
        let expected: [(PowParameters, Int64, Int, UInt32, Int64)] = [
            (.bitcoin, 600, 2016, 0x1d00_ffff, 7200),
            (.kusariMain, 60, 1440, 0x1e00_ffff, 720),
            (.kusariTest, 30, 720, 0x1f00_ffff, 360),
            (.kusariDevnet, 2, 30, 0x207f_ffff, 86_400),
        ]
        for (p, spacing, window, limitBits, future) in expected {
            #expect(p.targetSpacing == spacing, "\(p.name)")
            #expect(p.retargetWindow == window, "\(p.name)")
            #expect(p.targetTimespan == spacing * Int64(window), "\(p.name)")
            #expect(p.powLimitBits == limitBits, "\(p.name)")
            #expect(p.maxFutureBlockTime == future, "\(p.name)")
        }
        #expect(PowParameters.bitcoin.powLimit.hexString == "00000000" + String(repeating: "f", count: 56))
    }

    @Test("custom parameters are validated")
    func validation() throws {
        let p = try PowParameters(name: "x", targetSpacing: 10, retargetWindow: 100, powLimit: .max, maxFutureBlockTime: 120)
        #expect(p.targetTimespan == 1000)
        #expect(throws: PowParametersError.nonPositiveSpacing(0)) {
            try PowParameters(name: "x", targetSpacing: 0, retargetWindow: 100, powLimit: .max, maxFutureBlockTime: 0)
        }
        #expect(throws: PowParametersError.windowTooShort(1)) {
            try PowParameters(name: "x", targetSpacing: 10, retargetWindow: 1, powLimit: .max, maxFutureBlockTime: 0)
        }
        #expect(throws: PowParametersError.unusableTimespan(spacing: 1, window: 3)) {
            try PowParameters(name: "x", targetSpacing: 1, retargetWindow: 3, powLimit: .max, maxFutureBlockTime: 0)
        }
        #expect(throws: PowParametersError.unusableTimespan(spacing: .max, window: 2)) {
            try PowParameters(name: "x", targetSpacing: .max, retargetWindow: 2, powLimit: .max, maxFutureBlockTime: 0)
        }
        #expect(throws: PowParametersError.zeroPowLimit) {
            try PowParameters(name: "x", targetSpacing: 10, retargetWindow: 100, powLimit: .zero, maxFutureBlockTime: 0)
        }
        #expect(throws: PowParametersError.negativeMaxFutureBlockTime(-1)) {
            try PowParameters(name: "x", targetSpacing: 10, retargetWindow: 100, powLimit: .max, maxFutureBlockTime: -1)
        }
    }
}
