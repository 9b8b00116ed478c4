import Foundation
import Testing
import KusariConsensus

@Suite("Bitcoin header chain verification")
struct BitcoinHeaderChainTests {
    static let genesisHash = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"

    func headers() throws -> String { try TestData.bitcoin("mainnet-headers-0-11.hex") }
    func checkpoints() throws -> String { try TestData.bitcoin("mainnet-checkpoints.txt") }

    /// The file's lines, and the 0-based indices of its data lines.
    func lines(_ text: String) -> (lines: [String], data: [Int]) {
        let lines = text.components(separatedBy: "\n")
        let data = lines.indices.filter { !lines[$0].isEmpty && !lines[$0].hasPrefix("#") }
        return (lines, data)
    }

    func expectBadLine(_ text: String, line: Int, sourceLocation: SourceLocation = #_sourceLocation,
                       _ matches: (BitcoinRecordProblem) -> Bool) {
        do {
            let summary = try BitcoinHeaderChain.verify(text)
            Issue.record("expected line \(line) to fail, but the file verified: \(summary)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
            if case .badLine(_, let problem) = error {
                #expect(matches(problem), "\(error)", sourceLocation: sourceLocation)
            }
            #expect(error.description.hasPrefix("line \(line): "), sourceLocation: sourceLocation)
        }
    }

    // MARK: Valid files

    @Test("headers 0-11 verify: 12 records, tip height 11, chain work 12 x 0x100010001")
    func headerFile() throws {
        let text = try headers()
        #expect(BitcoinHeaderChain.detectFormat(text) == .headerHex)
        let summary = try BitcoinHeaderChain.verify(text)
        #expect(summary.format == .headerHex)
        #expect(summary.records == 12)
        #expect(summary.tipHeight == 11)
        #expect(summary.tipChainWork == UInt256(0xc_000c_000c))
        #expect(summary.tipChainWorkHex == String(repeating: "0", count: 55) + "c000c000c")
        // The tip hash is the hash the (absent) block 12 would name as its parent.
        let last = try #require(lines(text).data.last.map { lines(text).lines[$0] })
        let tip = try #require(hexBytes(last).flatMap { BitcoinHeader(bytes: $0) })
        #expect(summary.tipHash == tip.hashHex)
        #expect(summary.tipHash == "0000000097be56d606cdd9c54b04d4747e957d3608abe69198c661f2add73073")
    }

    @Test("the first header alone is the genesis block")
    func genesisOnly() throws {
        let text = try headers()
        let (all, data) = lines(text)
        let summary = try BitcoinHeaderChain.verify(all[data[0]] + "\n")
        #expect(summary.records == 1)
        #expect(summary.tipHeight == 0)
        #expect(summary.tipHash == Self.genesisHash)
        #expect(summary.tipChainWork == UInt256(0x1_0001_0001))
    }

    @Test("the checkpoints file verifies, with the tip of its last record")
    func checkpointFile() throws {
        let text = try checkpoints()
        #expect(BitcoinHeaderChain.detectFormat(text) == .checkpoints)
        let summary = try BitcoinHeaderChain.verify(text)
        let (all, data) = lines(text)
        #expect(summary.format == .checkpoints)
        #expect(summary.records == data.count)
        #expect(summary.records == 200)
        #expect(summary.tipHeight == 403_200)
        // The tip chain work is the last record's own field, decoded independently here.
        let lastRecord = try #require(Data(base64Encoded: all[data[data.count - 1]]))
        let work = try #require(UInt256(bigEndianBytes: [UInt8](repeating: 0, count: 20) + lastRecord.prefix(12)))
        #expect(summary.tipChainWork == work)
        #expect(summary.tipHash == "000000000000000000c4272a5c68b4f55e5af734e88ceab09abf73e9ac3b6d01")
    }

    @Test("Windows line endings and trailing blanks are accepted")
    func crlf() throws {
        let text = try headers().replacingOccurrences(of: "\n", with: " \r\n")
        #expect(try BitcoinHeaderChain.verify(text).tipHeight == 11)
    }

    @Test("a file with no records is refused")
    func empty() {
        #expect(throws: BitcoinHeaderChainError.noRecords) { try BitcoinHeaderChain.verify("") }
        #expect(throws: BitcoinHeaderChainError.noRecords) { try BitcoinHeaderChain.verify("# only a comment\n\n") }
        #expect(BitcoinHeaderChain.detectFormat("# nothing\n") == nil)
    }

    // MARK: Tampered header files

    @Test("a flipped byte in a header fails on that header's line", arguments: [0, 5, 11])
    func flippedHeaderByte(dataIndex: Int) throws {
        var (all, data) = lines(try headers())
        var bytes = try #require(hexBytes(all[data[dataIndex]]))
        bytes[79] ^= 0x01  // a nonce byte: the hash changes
        all[data[dataIndex]] = bytes.map { String(format: "%02x", $0) }.joined()
        expectBadLine(all.joined(separator: "\n"), line: data[dataIndex] + 1) {
            if case .proofOfWork(.hashAboveTarget) = $0 { return true }
            return false
        }
    }

    @Test("a flipped byte in a previous-hash field breaks the link")
    func flippedPreviousHash() throws {
        var (all, data) = lines(try headers())
        // The previous hash is part of what is hashed, so the header fails on its own line
        // (proof of work is checked before the link).
        var bytes = try #require(hexBytes(all[data[6]]))
        bytes[10] ^= 0x80
        all[data[6]] = bytes.map { String(format: "%02x", $0) }.joined()
        expectBadLine(all.joined(separator: "\n"), line: data[6] + 1) {
            if case .proofOfWork(.hashAboveTarget) = $0 { return true }
            return false
        }
    }

    @Test("a removed header breaks the link on the line that follows it")
    func removedHeader() throws {
        var (all, data) = lines(try headers())
        all.remove(at: data[4])
        expectBadLine(all.joined(separator: "\n"), line: data[4] + 1) {
            if case .previousHashMismatch = $0 { return true }
            return false
        }
    }

    @Test("a first header that is not genesis is refused")
    func notGenesis() throws {
        var (all, data) = lines(try headers())
        all.remove(at: data[0])
        expectBadLine(all.joined(separator: "\n"), line: data[0] + 1) {
            if case .notGenesis = $0 { return true }
            return false
        }
    }

    @Test("a short header line and a non-hex line are refused on their lines")
    func shortAndGarbageHex() throws {
        var (all, data) = lines(try headers())
        let original = all
        all[data[3]] = String(all[data[3]].dropLast(2))
        expectBadLine(all.joined(separator: "\n"), line: data[3] + 1) { $0 == .wrongHexLength(digits: 158) }
        all = original
        all[data[3]] = String(all[data[3]].dropLast(1))
        expectBadLine(all.joined(separator: "\n"), line: data[3] + 1) { $0 == .wrongHexLength(digits: 159) }
        all = original
        all[data[3]] = "zz" + all[data[3]].dropFirst(2)
        expectBadLine(all.joined(separator: "\n"), line: data[3] + 1) { $0 == .notHex }
    }

    // MARK: Tampered checkpoint files

    func record(_ line: String) throws -> [UInt8] {
        [UInt8](try #require(Data(base64Encoded: line)))
    }

    func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    @Test("a flipped byte in a checkpoint header fails on its line")
    func flippedCheckpointHeader() throws {
        var (all, data) = lines(try checkpoints())
        var bytes = try record(all[data[50]])
        bytes[95] ^= 0x01
        all[data[50]] = encode(bytes)
        expectBadLine(all.joined(separator: "\n"), line: data[50] + 1) {
            if case .proofOfWork(.hashAboveTarget) = $0 { return true }
            return false
        }
    }

    @Test("a changed chain work fails on its line, or on the next for the first record")
    func changedChainWork() throws {
        let (original, data) = lines(try checkpoints())
        var all = original
        var bytes = try record(all[data[100]])
        bytes[11] &+= 1
        all[data[100]] = encode(bytes)
        expectBadLine(all.joined(separator: "\n"), line: data[100] + 1) {
            if case .chainWorkMismatch = $0 { return true }
            return false
        }
        all = original
        bytes = try record(all[data[0]])
        bytes[5] ^= 0x10
        all[data[0]] = encode(bytes)
        expectBadLine(all.joined(separator: "\n"), line: data[1] + 1) {
            if case .chainWorkMismatch = $0 { return true }
            return false
        }
    }

    @Test("a removed checkpoint record leaves a height gap on the next line")
    func removedRecord() throws {
        var (all, data) = lines(try checkpoints())
        all.remove(at: data[120])
        expectBadLine(all.joined(separator: "\n"), line: data[120] + 1) {
            $0 == .heightGap(expected: 2016 * 121, found: 2016 * 122)
        }
    }

    @Test("a height off the retarget grid is refused")
    func offGridHeight() throws {
        var (all, data) = lines(try checkpoints())
        var bytes = try record(all[data[10]])
        bytes[15] &+= 1
        all[data[10]] = encode(bytes)
        expectBadLine(all.joined(separator: "\n"), line: data[10] + 1) {
            if case .notRetargetHeight = $0 { return true }
            return false
        }
    }

    @Test("garbage base64 and short records are refused on their lines")
    func garbageAndShortRecords() throws {
        let (original, data) = lines(try checkpoints())
        var all = original
        all[data[7]] = "this is not base64!"
        expectBadLine(all.joined(separator: "\n"), line: data[7] + 1) { $0 == .notBase64 }
        all = original
        all[data[7]] = String(original[data[7]].prefix(100))  // 75 bytes
        expectBadLine(all.joined(separator: "\n"), line: data[7] + 1) { $0 == .wrongRecordLength(bytes: 75) }
        all = original
        all[data[7]] = String(original[data[7]].prefix(101))  // not a multiple of four
        expectBadLine(all.joined(separator: "\n"), line: data[7] + 1) { $0 == .notBase64 }
        all = original
        all[data[7]] = encode(try record(original[data[7]]) + [0])  // 97 bytes
        expectBadLine(all.joined(separator: "\n"), line: data[7] + 1) { $0 == .wrongRecordLength(bytes: 97) }
    }

    @Test("a header line in a checkpoint file is not base64 of a record")
    func mixedFormats() throws {
        var (all, data) = lines(try checkpoints())
        let header = lines(try headers())
        all[data[3]] = header.lines[header.data[0]]
        // 160 hex digits are also 160 base64 characters: 120 bytes, not a 96-byte record.
        expectBadLine(all.joined(separator: "\n"), line: data[3] + 1) { $0 == .wrongRecordLength(bytes: 120) }
    }
}
