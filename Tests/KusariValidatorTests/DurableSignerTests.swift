import Foundation
import Testing
import KusariBFT
import KusariCore
import KusariValidator

/// A store in front of the real file that can be made to fail, and that records what
/// the file held each time a save returned.
final class FaultyStateStore: SignerStateStore, @unchecked Sendable {
    let file: SignerStateFile
    private let lock = NSLock()
    private var failing = false
    private var saves: [SignerState] = []

    init(path: String) { file = SignerStateFile(path: path) }

    var location: String { file.path }
    func setFailing(_ on: Bool) { lock.withLock { failing = on } }
    var saved: [SignerState] { lock.withLock { saves } }

    func load() throws(SignerStateError) -> SignerState? { try file.load() }

    func save(_ state: SignerState) throws(SignerStateError) {
        if lock.withLock({ failing }) { throw .write(path: file.path, reason: "injected failure") }
        try file.save(state)
        lock.withLock { saves.append(state) }
    }
}

@Suite struct DurableSignerTests {
    let key = WALFixtures.key
    let chain = WALFixtures.chainID
    let blockA = Hash256.sha256(Array("block A".utf8))
    let blockB = Hash256.sha256(Array("block B".utf8))

    func signer(_ dir: WALTestDirectory, at time: UInt64 = 1_000) throws(SignerStateError) -> DurableSigner {
        try DurableSigner(key: key, chainID: chain, dataDirectory: dir.path, timestamp: { time })
    }

    /// The state the file holds now.
    func onDisk(_ dir: WALTestDirectory) throws -> SignerState? {
        try SignerStateFile(dataDirectory: dir.path).load()
    }

    @Test func aConflictingVoteIsRefusedAfterAReopenAndTheSameVoteComesBackIdentical() throws {
        let dir = try WALTestDirectory("signer")
        defer { dir.remove() }
        let first = try signer(dir, at: 1_000)
        let nilPrevote = try #require(first.signVote(type: .prevote, height: 5, round: 0, blockID: nil, validatorIndex: 2))
        #expect(nilPrevote.hasValidSignature(chainID: chain, publicKey: key.publicKey))

        // A restart, with a later clock.
        let second = try signer(dir, at: 9_999)
        #expect(second.lastSigned?.vote == nilPrevote)
        #expect(second.signVote(type: .prevote, height: 5, round: 0, blockID: blockA, validatorIndex: 2) == nil)
        let again = second.signVote(type: .prevote, height: 5, round: 0, blockID: nil, validatorIndex: 2)
        #expect(again == nilPrevote)
        #expect(again?.signature == nilPrevote.signature)
        #expect(again?.timestamp == 1_000)
        #expect(second.lastError == nil)
        // Nothing new was signed, so the file is as the first signer left it.
        #expect(try onDisk(dir)?.message == .vote(nilPrevote))
    }

    @Test func anythingBeforeTheLastHeightRoundAndStepIsRefusedAfterAReopen() throws {
        let dir = try WALTestDirectory("signer")
        defer { dir.remove() }
        let first = try signer(dir)
        let precommit = try #require(first.signVote(type: .precommit, height: 5, round: 1, blockID: blockA, validatorIndex: 2))

        let second = try signer(dir, at: 2_000)
        #expect(second.signVote(type: .prevote, height: 5, round: 1, blockID: blockA, validatorIndex: 2) == nil)
        #expect(second.signVote(type: .precommit, height: 5, round: 0, blockID: blockA, validatorIndex: 2) == nil)
        #expect(second.signVote(type: .precommit, height: 4, round: 7, blockID: blockA, validatorIndex: 2) == nil)
        #expect(second.signProposal(height: 5, round: 1, blockID: blockA, polRound: -1, proposerIndex: 2) == nil)
        #expect(second.signVote(type: .precommit, height: 5, round: 1, blockID: blockB, validatorIndex: 2) == nil)
        #expect(second.signVote(type: .precommit, height: 5, round: 1, blockID: blockA, validatorIndex: 2) == precommit)
        // Later steps are signed, and each becomes the new floor on disk.
        let next = try #require(second.signVote(type: .prevote, height: 5, round: 2, blockID: blockB, validatorIndex: 2))
        #expect(try onDisk(dir)?.message == .vote(next))
        let third = try signer(dir, at: 3_000)
        #expect(third.signVote(type: .precommit, height: 5, round: 1, blockID: blockA, validatorIndex: 2) == nil)
    }

    @Test func aProposalSurvivesAReopenAndAConflictingOneIsRefused() throws {
        let dir = try WALTestDirectory("signer")
        defer { dir.remove() }
        let proposal = try #require(try signer(dir).signProposal(height: 8, round: 2, blockID: blockA, polRound: 1,
                                                                  proposerIndex: 0))
        let reopened = try signer(dir, at: 5_000)
        #expect(reopened.lastSigned?.proposal == proposal)
        #expect(reopened.signProposal(height: 8, round: 2, blockID: blockB, polRound: 1, proposerIndex: 0) == nil)
        #expect(reopened.signProposal(height: 8, round: 2, blockID: blockA, polRound: -1, proposerIndex: 0) == nil)
        #expect(reopened.signProposal(height: 8, round: 2, blockID: blockA, polRound: 1, proposerIndex: 0) == proposal)
        // The prevote of the same round comes after the proposal.
        #expect(reopened.signVote(type: .prevote, height: 8, round: 2, blockID: blockA, validatorIndex: 0) != nil)
    }

    @Test func theStateIsOnDiskBeforeEachSignatureIsReturnedAndAFailedSaveWithholdsIt() throws {
        let dir = try WALTestDirectory("signer")
        defer { dir.remove() }
        let store = FaultyStateStore(path: dir.path + "/" + SignerStateFile.name)
        let s = try DurableSigner(key: key, chainID: chain, store: store, timestamp: { 42 })
        var returned: [SignerState.Message] = []
        for h in UInt64(1)...4 {
            let p = try #require(s.signProposal(height: h, round: 0, blockID: blockA, polRound: -1, proposerIndex: 0))
            #expect(try onDisk(dir)?.message == .proposal(p))
            let v = try #require(s.signVote(type: .prevote, height: h, round: 0, blockID: blockA, validatorIndex: 0))
            #expect(try onDisk(dir)?.message == .vote(v))
            let c = try #require(s.signVote(type: .precommit, height: h, round: 0, blockID: nil, validatorIndex: 0))
            #expect(try onDisk(dir)?.message == .vote(c))
            returned += [.proposal(p), .vote(v), .vote(c)]
        }
        #expect(store.saved.map(\.message) == returned)

        // Saving fails: nothing is signed, the error is kept, the file still holds the last durable state.
        let before = dir.bytes(SignerStateFile.name)
        store.setFailing(true)
        #expect(s.signVote(type: .prevote, height: 5, round: 0, blockID: blockA, validatorIndex: 0) == nil)
        #expect(s.lastError == .write(path: store.location, reason: "injected failure"))
        #expect(s.lastError?.description.contains(store.location) == true)
        #expect(dir.bytes(SignerStateFile.name) == before)
        #expect(s.lastSigned?.height == 4)
        // A request the saved state already covers needs no save and is answered.
        #expect(s.signVote(type: .precommit, height: 4, round: 0, blockID: nil, validatorIndex: 0) != nil)
        // Once saving works again, signing resumes.
        store.setFailing(false)
        let v = try #require(s.signVote(type: .prevote, height: 5, round: 0, blockID: blockA, validatorIndex: 0))
        #expect(try onDisk(dir)?.message == .vote(v))
    }

    @Test func aDamagedStateFileIsATypedErrorNamingTheFileNeverAReset() throws {
        let dir = try WALTestDirectory("signer")
        defer { dir.remove() }
        _ = try #require(try signer(dir).signVote(type: .precommit, height: 5, round: 0, blockID: blockA, validatorIndex: 2))
        let good = dir.bytes(SignerStateFile.name)
        let path = dir.path + "/" + SignerStateFile.name

        func expectCorrupt(_ bytes: [UInt8], _ label: String) throws {
            try dir.write(SignerStateFile.name, bytes)
            do {
                _ = try signer(dir)
                Issue.record("\(label): a damaged state file was accepted")
            } catch {
                guard case .corrupt(let p, _) = error else { Issue.record("\(label): \(error)"); return }
                #expect(p == path, "\(label)")
                #expect(error.description.contains(path), "\(label)")
                #expect(error.description.contains("Refusing to sign"), "\(label)")
            }
            #expect(dir.bytes(SignerStateFile.name) == bytes, "\(label): the file was changed")
        }
        // Every single flipped byte, every truncation, an empty file, garbage.
        for i in good.indices {
            var flipped = good
            flipped[i] ^= 0x40
            try expectCorrupt(flipped, "byte \(i) flipped")
        }
        for n in 0..<good.count { try expectCorrupt(Array(good.prefix(n)), "cut to \(n) bytes") }
        try expectCorrupt(Array("{\"height\": \"5\"}".utf8), "garbage")
        try expectCorrupt(good + [0], "a byte too many")

        // Another validator's file.
        try dir.write(SignerStateFile.name, good)
        #expect(throws: SignerStateError.self) {
            _ = try DurableSigner(key: WALFixtures.otherKey, chainID: chain, dataDirectory: dir.path, timestamp: { 1 })
        }
        do {
            _ = try DurableSigner(key: key, chainID: chain + 1, dataDirectory: dir.path, timestamp: { 1 })
            Issue.record("another chain's state file was accepted")
        } catch {
            guard case .otherValidator(let p, _) = error else { Issue.record("\(error)"); return }
            #expect(p == path)
        }
        // Unreadable: a directory where the file should be.
        let unreadable = try WALTestDirectory("signer")
        defer { unreadable.remove() }
        try FileManager.default.createDirectory(atPath: unreadable.path + "/" + SignerStateFile.name,
                                                withIntermediateDirectories: false)
        do {
            _ = try signer(unreadable)
            Issue.record("an unreadable state file was accepted")
        } catch {
            guard case .unreadable = error else { Issue.record("\(error)"); return }
        }
    }

    @Test func aMissingFileIsAFreshSignerAndALeftoverTemporaryFileIsIgnored() throws {
        let dir = try WALTestDirectory("signer")
        defer { dir.remove() }
        #expect(try signer(dir).lastSigned == nil)
        let vote = try #require(try signer(dir).signVote(type: .prevote, height: 3, round: 0, blockID: nil,
                                                         validatorIndex: 1))
        // A crash while the next state was being written leaves a partial temporary file.
        try dir.write(SignerStateFile.name + ".tmp", Array(dir.bytes(SignerStateFile.name).prefix(40)))
        let reopened = try signer(dir)
        #expect(reopened.lastSigned?.vote == vote)
        #expect(reopened.signVote(type: .prevote, height: 4, round: 0, blockID: nil, validatorIndex: 1) != nil)
    }

    @Test func theStateFileFormatIsAsDocumented() throws {
        let dir = try WALTestDirectory("signer")
        defer { dir.remove() }
        let vote = try #require(try signer(dir).signVote(type: .precommit, height: 0x0102, round: 3, blockID: blockA,
                                                         validatorIndex: 2))
        let bytes = dir.bytes(SignerStateFile.name)
        #expect(bytes.count == 8 + 4 + 32 + 8 + 4 + 1 + Vote.encodedSize + 32)
        #expect(Array(bytes.prefix(8)) == Array("KSRSGN".utf8) + [0, 1])
        #expect(Array(bytes[8..<12]) == [0, 0, 0, 3])
        #expect(Array(bytes[12..<44]) == key.publicKey.bytes)
        #expect(Array(bytes[44..<52]) == [0, 0, 0, 0, 0, 0, 1, 2])
        #expect(Array(bytes[52..<57]) == [0, 0, 0, 3, 3])
        #expect(Array(bytes[57..<(57 + Vote.encodedSize)]) == vote.encoded)
        #expect(Array(bytes.suffix(32)) == Hash256.sha256(Array(bytes.dropLast(32))).bytes)
    }
}
