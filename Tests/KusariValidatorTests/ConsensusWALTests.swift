import Foundation
import Testing
import KusariBFT
import KusariCore
import KusariValidator

@Suite struct ConsensusWALTests {
    func open(_ dir: WALTestDirectory, keep: Int = 3) throws(WALError) -> ConsensusWAL {
        try ConsensusWAL(dataDirectory: dir.path, keepEndedFiles: keep)
    }

    var head: String { ConsensusWAL.directoryName + "/" + ConsensusWAL.headName }

    @Test func recordsRoundTripThroughAReopen() throws {
        let dir = try WALTestDirectory("wal")
        defer { dir.remove() }
        let records = try WALFixtures.heightRecords(7)
        let wal = try open(dir)
        #expect(wal.recovery.isIntact)
        #expect(wal.replay(height: 7).isEmpty)
        for r in records { try wal.append(r) }
        try wal.sync()
        wal.close()
        #expect(throws: WALError.self) { try wal.append(.endHeight(7)) }

        let reopened = try open(dir)
        #expect(reopened.recovery.isIntact)
        #expect(reopened.recovery.records == records.count)
        #expect(reopened.replay(height: 7) == records)
        #expect(reopened.replay(height: 7).compactMap(\.event).count == records.count)
        #expect(reopened.replay(height: 8).isEmpty)
        #expect(reopened.lastEndedHeight == nil)
        let file = try #require(try WALFile.read(path: dir.path + "/" + head))
        #expect(file.records == records)
        #expect(file.damage == nil)
    }

    @Test func theRecordFramingIsAsDocumented() throws {
        // endHeight(7): checksum ‖ length 8 ‖ type 6 ‖ height; the CRC-32C computed independently in Python.
        #expect(WALFile.frame(.endHeight(7)) == [0x1d, 0x15, 0x32, 0x53, 0, 0, 0, 8, 6, 0, 0, 0, 0, 0, 0, 0, 7])
        #expect(WALFile.frame(.timeout(Timeout(kind: .propose, height: 2, round: 1)))
                == [0xb4, 0x52, 0xd3, 0x5a, 0, 0, 0, 13, 5, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1])
        let vote = try WALFixtures.vote(height: 3)
        #expect(Array(WALFile.frame(.ownVote(vote)).dropFirst(4)) == [0, 0, 0, 121, 4] + vote.encoded)
        #expect(WALFile.scan(Array("KSRWAL".utf8) + [0, 1] + WALFile.frame(.endHeight(7))).records == [.endHeight(7)])
    }

    /// Writes `records` to a fresh log and returns the head's bytes and each record's offset.
    func written(_ records: [WALRecord], in dir: WALTestDirectory) throws -> (bytes: [UInt8], offsets: [Int]) {
        let wal = try open(dir)
        for r in records { try wal.append(r) }
        wal.close()
        let bytes = dir.bytes(head)
        return (bytes, WALFile.scan(bytes).offsets)
    }

    @Test func aTornLastRecordIsCutBackAtEveryByteWithTheEarlierRecordsIntact() throws {
        let dir = try WALTestDirectory("wal")
        defer { dir.remove() }
        let records = [WALRecord.vote(try WALFixtures.vote(height: 4)), .timeout(Timeout(kind: .propose, height: 4, round: 0)),
                       .ownVote(try WALFixtures.vote(.precommit, height: 4, index: 0))]
        let (bytes, offsets) = try written(records, in: dir)
        let last = offsets[2]
        for cut in (last + 1)..<bytes.count {
            try dir.write(head, Array(bytes.prefix(cut)))
            let wal = try ConsensusWAL(dataDirectory: dir.path, logger: nil)
            let r = wal.recovery
            #expect(r.cutOffset == last && r.cutBytes == cut - last && r.records == 2, "cut at \(cut): \(r)")
            #expect(r.description.contains("cut \(cut - last) bytes at offset \(last)"), "cut at \(cut)")
            #expect(wal.replay(height: 4) == Array(records.prefix(2)), "cut at \(cut)")
            #expect(dir.bytes(head).count == last, "cut at \(cut)")
            // The log goes on from the cut.
            try wal.append(records[2])
            wal.close()
            #expect(dir.bytes(head) == bytes, "cut at \(cut)")
        }
        // Cut exactly at a record boundary: nothing is damaged.
        try dir.write(head, Array(bytes.prefix(last)))
        let clean = try open(dir)
        #expect(clean.recovery.isIntact)
        #expect(clean.replay(height: 4) == Array(records.prefix(2)))
    }

    @Test func aFlippedByteInTheMiddleRecordCutsFromThere() throws {
        let dir = try WALTestDirectory("wal")
        defer { dir.remove() }
        let records = [WALRecord.timeout(Timeout(kind: .propose, height: 9, round: 0)),
                       .proposal(try WALFixtures.proposalMessage(height: 9)),
                       .vote(try WALFixtures.vote(height: 9))]
        let (bytes, offsets) = try written(records, in: dir)
        let middle = offsets[1]
        // The checksum, each length byte, the type, and bytes of the payload.
        for i in [middle, middle + 3, middle + 4, middle + 5, middle + 6, middle + 7, middle + 8, middle + 9, middle + 60,
                  offsets[2] - 1] {
            var damaged = bytes
            damaged[i] ^= 0x01
            try dir.write(head, damaged)
            let wal = try open(dir)
            #expect(wal.recovery.cutOffset == middle, "byte \(i): \(wal.recovery)")
            #expect(wal.recovery.cutBytes == bytes.count - middle, "byte \(i)")
            #expect(wal.recovery.reason != nil, "byte \(i)")
            #expect(wal.replay(height: 9) == [records[0]], "byte \(i)")
            #expect(dir.bytes(head) == Array(bytes.prefix(middle)), "byte \(i)")
            wal.close()
        }
    }

    @Test func aFileThatIsNotAWALIsMovedAsideAndATornHeaderRestarted() throws {
        let dir = try WALTestDirectory("wal")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/" + ConsensusWAL.directoryName,
                                                withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 99)
        let garbage = rng.bytes(5_000)
        try dir.write(head, garbage)
        let wal = try open(dir)
        #expect(wal.recovery.movedTo == dir.path + "/" + head + ".damaged")
        #expect(wal.recovery.cutBytes == garbage.count)
        #expect(!wal.recovery.isIntact)
        #expect(wal.replay(height: 1).isEmpty)
        #expect(dir.bytes(head + ".damaged") == garbage)
        try wal.append(.timeout(Timeout(kind: .propose, height: 1, round: 0)))
        wal.close()
        #expect(try open(dir).replay(height: 1) == [.timeout(Timeout(kind: .propose, height: 1, round: 0))])

        // A newer format version is not read either.
        try dir.write(head, Array("KSRWAL".utf8) + [0, 2] + WALFile.frame(.endHeight(1)))
        #expect(try open(dir).recovery.movedTo != nil)
        // A header torn while the file was being created is simply restarted.
        for n in 1..<8 {
            try dir.write(head, Array((Array("KSRWAL".utf8) + [0, 1]).prefix(n)))
            let torn = try open(dir)
            #expect(torn.recovery.cutOffset == 0 && torn.recovery.cutBytes == n && torn.recovery.movedTo == nil)
            #expect(dir.bytes(head) == Array("KSRWAL".utf8) + [0, 1])
        }
        // An empty file is an empty log.
        try dir.write(head, [])
        #expect(try open(dir).recovery.isIntact)
    }

    @Test func replayReturnsOnlyTheRecordsOfTheCurrentHeight() throws {
        let dir = try WALTestDirectory("wal")
        defer { dir.remove() }
        let h5 = try WALFixtures.heightRecords(5), h6 = try WALFixtures.heightRecords(6)
        // The end marker in the head (as after a crash before the rotation).
        var wal = try open(dir)
        for r in h5 { try wal.append(r) }
        try wal.append(.endHeight(5))
        for r in h6 { try wal.append(r) }
        // A message of the next height that arrived early.
        try wal.append(.vote(try WALFixtures.vote(height: 7)))
        wal.close()
        wal = try open(dir)
        #expect(wal.lastEndedHeight == 5)
        #expect(wal.replay(height: 5).isEmpty)
        #expect(wal.replay(height: 6) == h6)

        // Ended by `endHeight`, which rotates: the new head holds the current height only.
        try wal.endHeight(6)
        #expect(wal.lastEndedHeight == 6)
        #expect(wal.replay(height: 6).isEmpty)
        let h7 = try WALFixtures.heightRecords(7)
        for r in h7 { try wal.append(r) }
        wal.close()
        wal = try open(dir)
        #expect(wal.lastEndedHeight == 6)
        #expect(wal.replay(height: 6).isEmpty)
        #expect(wal.replay(height: 7) == h7)
        #expect(try WALFile.read(path: dir.path + "/" + head)?.records == h7)
        let endedFile = dir.path + "/" + ConsensusWAL.directoryName + "/ended-00000000000000000006.wal"
        #expect(try WALFile.read(path: endedFile)?.records.last == .endHeight(6))
    }

    @Test func rotationKeepsTheLogBounded() throws {
        let dir = try WALTestDirectory("wal")
        defer { dir.remove() }
        let wal = try open(dir, keep: 3)
        for h in UInt64(1)...20 {
            for r in try WALFixtures.heightRecords(h) { try wal.append(r) }
            try wal.endHeight(h)
            let ended = ConsensusWAL.endedFiles(in: wal.directory)
            #expect(ended.map(\.height) == Array((h > 2 ? h - 2 : 1)...h))
            let files = (try? FileManager.default.contentsOfDirectory(atPath: wal.directory)) ?? []
            #expect(files.count == ended.count + 1, "\(files)")
        }
        #expect(dir.bytes(head) == Array("KSRWAL".utf8) + [0, 1])
        wal.close()
        let reopened = try open(dir, keep: 3)
        #expect(reopened.lastEndedHeight == 20)
        #expect(reopened.replay(height: 21).isEmpty)

        // Keeping none removes each ended file at once.
        let none = try WALTestDirectory("wal")
        defer { none.remove() }
        let w = try open(none, keep: 0)
        try w.append(.vote(try WALFixtures.vote(height: 1)))
        try w.endHeight(1)
        #expect(ConsensusWAL.endedFiles(in: w.directory).isEmpty)
    }
}
