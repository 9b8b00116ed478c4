import KusariConsensus
import KusariCore
import KusariJSON

/// `pow.json`: the proof-of-work arithmetic of section 13: compact bits, work,
/// retargeting (alone and along a chain) and median time past.
enum ConsensusVectors {
    static let networks: [PowParameters] = [.kusariMain, .kusariTest, .kusariDevnet, .bitcoin]

    static func make() throws(ConformanceError) -> [(String, JSON)] {
        [
            ("networks", .array(networks.map(paramsJSON))),
            ("compact", .array(compactCases())),
            ("proofOfWork", .array(try proofOfWorkCases())),
            ("retarget", .array(try retargetCases())),
            ("chainRetarget", .array(try chainCases())),
            ("medianTimePast", .array(medianCases())),
        ]
    }

    static func bits(_ b: UInt32) -> JSON { .string(CompactTarget.format(b)) }

    static func paramsJSON(_ p: PowParameters) -> JSON {
        .object([("name", .string(p.name)), ("targetSpacing", .int(p.targetSpacing)), ("window", .int(Int64(p.retargetWindow))),
                 ("targetTimespan", .int(p.targetTimespan)), ("powLimit", .string(p.powLimit.hexString)),
                 ("powLimitBits", bits(p.powLimitBits)), ("maxFutureBlockTime", .int(p.maxFutureBlockTime))])
    }

    /// Compact values decoded (target and work, or the reason they are refused),
    /// and targets encoded back.
    static func compactCases() -> [JSON] {
        let values: [UInt32] = [0x1d00ffff, 0x1e00ffff, 0x1f00ffff, 0x207fffff, 0x1b0404cb, 0x170331db, 0x03123456,
                                0x02123456, 0x01123456, 0x01003456, 0x04123456, 0x05009234, 0x20123456, 0x2100ffff,
                                0x22000001, 0x01fedcba, 0x04923456, 0x00000000, 0x00123456, 0x01000000, 0x23000001,
                                0x22000100, 0x21010000, 0x2200ffff, 0xff123456, 0x1d008000, 0x1c7fffff]
        return values.map { b in
            var fields: [(String, JSON)] = [("bits", bits(b))]
            switch Result(catching: { () throws(CompactTargetError) in try CompactTarget.decode(b) }) {
            case .success(let target):
                fields += [("target", .string(target.hexString)), ("work", .string(ChainWork.work(target: target).hexString)),
                           ("reencoded", bits(CompactTarget.encode(target)))]
            case .failure(let error):
                fields += [("error", .string(error.description))]
            }
            return .object(fields)
        }
    }

    /// Headers checked on their own (`checkStandalone`: version and proof of work)
    /// on one network, with the error the node reports.
    static func proofOfWorkCases() throws(ConformanceError) -> [JSON] {
        var out: [JSON] = []
        func add(_ d: String, _ p: PowParameters, _ header: BlockHeader) {
            var fields: [(String, JSON)] = [("description", .string(d)), ("network", .string(p.name)),
                                                  ("header", .hex(header.encoded)), ("id", .string(header.id.hex))]
            do throws(ConsensusError) {
                try ProofOfWorkEngine(params: p).checkStandalone(header)
                fields.append(("valid", .bool(true)))
            } catch {
                fields.append(("error", .string(error.description)))
            }
            out.append(.object(fields))
        }
        func header(_ bits: UInt32, nonce: UInt64, _ tag: String) -> BlockHeader {
            BlockHeader(height: 7, previousId: Hash256.sha256(Array(tag.utf8)), merkleRoot: MerkleTree.emptyRoot,
                        stateRoot: Hash256.sha256(Array("state".utf8)), timestamp: 1_764_000_014, bits: bits,
                        beneficiary: .zero, nonce: nonce)
        }
        let devnet = PowParameters.kusariDevnet
        for i in 0..<4 {
            let start = header(0x207fffff, nonce: UInt64(i) * 1_000, "devnet \(i)")
            guard let sealed = ProofOfWorkEngine(params: devnet).seal(start, shouldStop: { false }) else {
                throw .generation("devnet seal")
            }
            add("devnet: a nonce that meets the target (found by search from \(start.nonce))", devnet, sealed)
            // The first nonce at or after the sealed one whose id is above the target.
            var above = sealed
            while (try? ProofOfWork.check(bigEndianHash: above.id.bytes, bits: above.bits, powLimit: devnet.powLimit)) != nil {
                above.nonce &+= 1
            }
            add("devnet: the next nonce whose id is above the target", devnet, above)
        }
        add("devnet: a harder target than the limit (0x1f00ffff), not met", devnet, header(0x1f00ffff, nonce: 1, "hard"))
        add("main: devnet's bits are easier than main's limit", .kusariMain, header(0x207fffff, nonce: 0, "easy"))
        add("main: the limit's own bits, not met", .kusariMain, header(0x1e00ffff, nonce: 5, "limit"))
        add("test: negative bits", .kusariTest, header(0x1f80ffff, nonce: 0, "negative"))
        add("test: zero bits", .kusariTest, header(0x1f000000, nonce: 0, "zero"))
        add("test: overflowing bits", .kusariTest, header(0x2300ffff, nonce: 0, "overflow"))
        return out
    }

    static func retargetCases() throws(ConformanceError) -> [JSON] {
        var out: [JSON] = []
        func add(_ d: String, _ p: PowParameters, first: Int64, last: Int64, _ b: UInt32) throws(ConformanceError) {
            var fields: [(String, JSON)] = [("description", .string(d)), ("network", .string(p.name)),
                                                  ("lastRetargetTime", .int(first)), ("lastBlockTime", .int(last)),
                                                  ("lastBits", bits(b))]
            do {
                let next = try Retarget.nextBits(lastRetargetTime: first, lastBlockTime: last, lastBits: b, params: p)
                fields += [("clampedTimespan", .int(Retarget.clampedTimespan(lastRetargetTime: first, lastBlockTime: last, params: p))),
                           ("bits", bits(next))]
            } catch {
                fields.append(("error", .string(error.description)))
            }
            out.append(.object(fields))
        }
        let t0: Int64 = 1_764_000_000
        for p in networks {
            let e = p.targetTimespan
            let start = p.name == "bitcoin" ? Int64(1_231_006_505) : t0
            let hard = p.name == "bitcoin" ? UInt32(0x1b0404cb) : CompactTarget.encode(p.powLimit >> 12)
            try add("\(p.name): exactly on time", p, first: start, last: start + e, hard)
            try add("\(p.name): twice as fast", p, first: start, last: start + e / 2, hard)
            try add("\(p.name): twice as slow", p, first: start, last: start + 2 * e, hard)
            try add("\(p.name): ten times as fast, clamped to a quarter", p, first: start, last: start + e / 10, hard)
            try add("\(p.name): ten times as slow, clamped to four times", p, first: start, last: start + 10 * e, hard)
            try add("\(p.name): last block before the first (negative), clamped to a quarter", p, first: start, last: start - 1000, hard)
            try add("\(p.name): one second over the quarter", p, first: start, last: start + e / 4 + 1, hard)
            try add("\(p.name): at the limit and slow: capped at the limit", p, first: start, last: start + 3 * e, p.powLimitBits)
            try add("\(p.name): at the limit and fast", p, first: start, last: start + e / 3, p.powLimitBits)
            try add("\(p.name): window of spacing x (window - 1), the time a punctual chain shows", p,
                    first: start, last: start + p.targetSpacing * Int64(p.retargetWindow - 1), hard)
        }
        // Bitcoin Core's pow_tests (Tests/Fixtures/bitcoin/retarget-cases.txt).
        try add("bitcoin: the retarget at height 32256 (Core's pow_tests)", .bitcoin, first: 1_261_130_161,
                last: 1_262_152_739, 0x1d00ffff)
        try add("bitcoin: the retarget at height 2016, capped at the limit (Core's pow_tests)", .bitcoin,
                first: 1_231_006_505, last: 1_233_061_996, 0x1d00ffff)
        try add("bitcoin: the retarget at height 68544, clamped to a quarter (Core's pow_tests)", .bitcoin,
                first: 1_279_008_237, last: 1_279_297_671, 0x1c05a3f4)
        try add("devnet: near 2^256 the product target x timespan exceeds 256 bits; the exact quotient is used, then capped",
                .kusariDevnet, first: t0, last: t0 + 59, 0x2040ffff)
        try add("devnet: a target that grows but stays under the limit", .kusariDevnet, first: t0, last: t0 + 100, 0x201fffff)
        try add("times that overflow a 64-bit difference (clamped to four times)", .kusariMain, first: .min, last: .max, 0x1d00ffff)
        try add("negative bits are refused", .kusariMain, first: t0, last: t0 + 86_400, 0x1d80ffff)
        try add("zero bits are refused", .kusariMain, first: t0, last: t0 + 86_400, 0x1d000000)
        try add("overflowing bits are refused", .kusariMain, first: t0, last: t0 + 86_400, 0x2200ffff)
        return out
    }

    /// Chains of timestamps along which a node must pick the right ancestors: the
    /// bits a child of the last block must carry.
    static func chainCases() throws(ConformanceError) -> [JSON] {
        let p = PowParameters.kusariDevnet
        let w = p.retargetWindow
        var out: [JSON] = []
        func add(_ d: String, _ times: [UInt64], _ parentBits: UInt32) throws(ConformanceError) {
            let headers = times.enumerated().map { i, t in
                BlockHeader(height: UInt64(i), previousId: .zero, merkleRoot: .zero, stateRoot: .zero, timestamp: t,
                            bits: parentBits, beneficiary: .zero, nonce: 0)
            }
            guard let parent = headers.last else { return }
            let context = HeaderContext(parent: parent, now: 0) { h in h < UInt64(headers.count) ? headers[Int(h)] : nil }
            let engine = ProofOfWorkEngine(params: p)
            let next: UInt32
            do { next = try engine.nextBits(context: context) } catch { throw .generation("chain retarget: \(error)") }
            out.append(.object([("description", .string(d)), ("network", .string(p.name)),
                                ("timestamps", .array(times.map { .uint($0) })), ("bits", bits(parentBits)),
                                ("height", .uint(UInt64(times.count))), ("nextBits", bits(next)),
                                ("minimumTimestamp", .uint(engine.minimumTimestamp(context: context)))]))
        }
        let t0: UInt64 = 1_764_000_000
        let hard: UInt32 = 0x1f0fffff
        try add("height 30: 1 s apart (twice as fast); only blocks 0 and 29 count", (0..<w).map { t0 + UInt64($0) }, hard)
        try add("height 30: 2 s apart (on time, but 29 intervals)", (0..<w).map { t0 + 2 * UInt64($0) }, hard)
        try add("height 30: block 0 far in the past, the rest 1 s apart", [t0 - 1_000] + (1..<w).map { t0 + UInt64($0) }, hard)
        try add("height 30: only the times of blocks 0 and 29 matter (middle times shuffled)",
                (0..<w).map { i in i == 0 || i == w - 1 ? t0 + 2 * UInt64(i) : t0 + UInt64((i * 7) % w) }, hard)
        try add("height 31: not a retarget height, the parent's bits", (0...w).map { t0 + UInt64($0) }, hard)
        try add("height 60: the window is blocks 30 to 59", (0..<(2 * w)).map { i in i < w ? t0 + UInt64(i) : t0 + 100 + 8 * UInt64(i) }, hard)
        try add("height 5: near genesis nothing retargets", [t0, t0 + 1, t0 + 2, t0 + 3, t0 + 4], hard)
        return out
    }

    static func medianCases() -> [JSON] {
        var rng = SplitMix64(seed: 0x6b75_7361_7269_0013)
        var lists: [(String, [Int64])] = [
            ("no ancestors (only a genesis block has none)", []),
            ("one ancestor: the genesis", [1_764_000_000]),
            ("two: the upper of the two middle values", [100, 200]),
            ("two in decreasing order", [200, 100]),
            ("four, unsorted", [40, 10, 30, 20]),
            ("eleven increasing", (0..<11).map { 1000 + 60 * Int64($0) }),
            ("eleven with duplicates", [5, 5, 5, 1, 1, 9, 9, 9, 9, 2, 2]),
            ("fifteen: only the last eleven count", [1, 1, 1, 1] + (0..<11).map { 100 + Int64($0) }),
            ("twelve, the first one huge (ignored)", [Int64.max] + (0..<11).map { 500 - Int64($0) }),
        ]
        for n in [3, 6, 10, 13] { lists.append(("\(n) pseudo-random times", (0..<n).map { _ in Int64(rng.next() % 1_000_000) })) }
        return lists.map { d, times in
            let median = BlockTime.medianTimePast(times)
            return .object([("description", .string(d)), ("timestamps", .array(times.map { .int($0) })),
                            ("median", median.map { .int($0) } ?? .null)])
        }
    }
}
