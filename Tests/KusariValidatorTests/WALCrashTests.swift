import Foundation
import Testing
import KusariBFT
import KusariCore
import KusariValidator

/// Crashes simulated by damaging the head file at random: a cut at any offset (a write
/// torn by a crash or a power cut), a flipped byte, garbage appended, over many seeds.
/// `KUSARI_WAL_SEEDS=N` runs N seeds (default 150); `KUSARI_WAL_SEED=S` replays one.
@Suite struct WALCrashTests {
    static var seeds: [UInt64] {
        let env = ProcessInfo.processInfo.environment
        if let one = env["KUSARI_WAL_SEED"].flatMap(UInt64.init) { return [one] }
        return Array(1...(env["KUSARI_WAL_SEEDS"].flatMap(UInt64.init) ?? 150))
    }

    /// A random record of `height`.
    static func record(_ height: UInt64, _ rng: inout SplitMix64) throws -> WALRecord {
        let round = UInt32(rng.next() % 3)
        switch rng.next() % 5 {
        case 0: return .proposal(try WALFixtures.proposalMessage(height: height, round: round, salt: UInt8(rng.next() % 200)))
        case 1: return .vote(try WALFixtures.vote(height: height, round: round, block: Hash256.sha256(rng.bytes(4)),
                                                   index: UInt32(rng.next() % 7)))
        case 2: return .ownVote(try WALFixtures.vote(.precommit, height: height, round: round, index: 0))
        case 3: return .ownProposal(try WALFixtures.proposalMessage(height: height, round: round, salt: 201))
        default: return .timeout(Timeout(kind: TimeoutKind(rawValue: UInt8(1 + rng.next() % 3)) ?? .propose,
                                         height: height, round: round))
        }
    }

    @Test func aDamagedHeadIsAlwaysCutBackToAnIntactPrefixAndTheLogGoesOn() throws {
        for seed in Self.seeds {
            let dir = try WALTestDirectory("walcrash")
            defer { dir.remove() }
            var rng = SplitMix64(seed: seed)
            let head = ConsensusWAL.directoryName + "/" + ConsensusWAL.headName

            // A run of a few heights; some end with a rotation, some with a bare marker
            // (as when a crash came between the marker and the rotation).
            var wal = try ConsensusWAL(dataDirectory: dir.path, keepEndedFiles: 2, logger: nil)
            var height: UInt64 = 1
            for _ in 0..<(rng.next() % 4) {
                for _ in 0..<(1 + rng.next() % 4) { try wal.append(try Self.record(height, &rng)) }
                if rng.next() % 2 == 0 { try wal.endHeight(height) } else { try wal.append(.endHeight(height)) }
                height += 1
            }
            for _ in 0..<(1 + rng.next() % 6) { try wal.append(try Self.record(height, &rng)) }
            wal.close()
            let original = dir.bytes(head)
            let scanned = WALFile.scan(original)
            let ends = scanned.offsets.dropFirst() + [original.count]

            // The damage.
            var damaged = original
            var firstBad = original.count
            var intact = false
            switch rng.next() % 3 {
            case 0:
                let cut = Int(rng.next() % UInt64(original.count + 1))
                damaged = Array(original.prefix(cut))
                firstBad = cut
                // A cut at a record boundary (or of the whole file) leaves nothing damaged.
                intact = cut == 0 || cut == 8 || ends.contains(cut)
            case 1:
                let i = Int(rng.next() % UInt64(original.count))
                damaged[i] ^= UInt8(1 + rng.next() % 255)
                firstBad = i
            default:
                damaged += rng.bytes(Int(1 + rng.next() % 300))
            }
            try dir.write(head, damaged)
            // The records that end at or before the first damaged byte survive.
            let survivors = zip(scanned.records, ends).filter { $0.1 <= firstBad }.map(\.0)
            let headerHit = firstBad < 8 && damaged.count >= 8

            wal = try ConsensusWAL(dataDirectory: dir.path, keepEndedFiles: 2, logger: nil)
            let r = wal.recovery
            #expect(r.records == (headerHit ? 0 : survivors.count), "seed \(seed): \(r)")
            #expect((r.movedTo != nil) == headerHit, "seed \(seed): \(r)")
            #expect(r.isIntact == intact, "seed \(seed): \(r)")
            let kept = headerHit ? [] : survivors
            #expect(try WALFile.read(path: dir.path + "/" + head)?.records == kept, "seed \(seed)")
            #expect(WALFile.scan(dir.bytes(head)).damage == nil, "seed \(seed)")
            // The replay is the kept records after their last end marker, of the next height.
            let marker = kept.lastIndex { if case .endHeight = $0 { return true } else { return false } }
            let current = marker.map { kept[$0].height + 1 } ?? height
            let expected = Array(kept[(marker.map { $0 + 1 } ?? 0)...]).filter { $0.height == current }
            #expect(wal.replay(height: current) == expected, "seed \(seed)")

            // The log goes on after the repair.
            let next = try Self.record(current, &rng)
            try wal.append(next)
            wal.close()
            let again = try ConsensusWAL(dataDirectory: dir.path, keepEndedFiles: 2, logger: nil)
            #expect(again.recovery.isIntact, "seed \(seed): \(again.recovery)")
            #expect(again.replay(height: current) == expected + [next], "seed \(seed)")
            again.close()
        }
    }
}
