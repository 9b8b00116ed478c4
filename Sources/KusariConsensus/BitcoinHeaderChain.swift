/// The two text formats of Bitcoin header files that `BitcoinHeaderChain` verifies.
public enum BitcoinHeaderFileFormat: String, Sendable, Hashable, CaseIterable {
    /// One raw 80-byte header in hex a line, consecutive heights from genesis (height 0).
    case headerHex
    /// One base64 record a line, 96 bytes each: 12-byte big-endian cumulative chain work,
    /// 4-byte big-endian height, the 80-byte header; heights one retarget window apart
    /// (bitcoinj's checkpoint format).
    case checkpoints
}

/// What is wrong with one line of a Bitcoin header file.
public enum BitcoinRecordProblem: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The line has a character that is not a hex digit.
    case notHex
    /// The hex line is not 160 digits (80 bytes) long.
    case wrongHexLength(digits: Int)
    /// The line is not valid padded base64.
    case notBase64
    /// The base64 record does not decode to 96 bytes.
    case wrongRecordLength(bytes: Int)
    /// The header's hash does not meet its own bits, or the bits are invalid or too easy.
    case proofOfWork(ProofOfWorkError)
    /// The first header of a header file does not have an all-zero previous hash.
    case notGenesis(previousHash: String)
    /// The header's previous hash is not the hash of the header on the line before.
    case previousHashMismatch(expected: String, found: String)
    /// The bits are not the ones the retarget rules give at this height.
    case unexpectedBits(height: Int, expected: UInt32, found: UInt32)
    /// The time is not after the median of the previous 11 blocks' times.
    case timeNotAfterMedianTimePast(time: Int64, medianTimePast: Int64)
    /// A checkpoint record's height is not a multiple of the retarget window.
    case notRetargetHeight(height: Int, window: Int)
    /// A checkpoint record's height is not one window after the previous record's.
    case heightGap(expected: Int, found: Int)
    /// A checkpoint record's bits change the target by more than the 4x retarget clamp
    /// allows (or exceed the proof-of-work limit).
    case retargetOutOfRange(height: Int, oldBits: UInt32, newBits: UInt32)
    /// A checkpoint record's cumulative chain work is not what the previous record's and
    /// the bits of the blocks in between give.
    case chainWorkMismatch(expected: UInt256, found: UInt256)
    /// The cumulative chain work no longer fits in 256 bits.
    case chainWorkOverflow

    /// A sentence a user can act on.
    public var description: String {
        switch self {
        case .notHex:
            return "not a hex string"
        case .wrongHexLength(let digits):
            return "a header is 160 hex digits (80 bytes), got \(digits) digits"
        case .notBase64:
            return "not valid base64"
        case .wrongRecordLength(let bytes):
            return "a checkpoint record is 96 bytes (chain work, height, header), got \(bytes) bytes"
        case .proofOfWork(let error):
            return "bad proof of work: \(error)"
        case .notGenesis(let previousHash):
            return "the first header must be the genesis header (previous hash all zeros), but its previous hash is \(previousHash)"
        case .previousHashMismatch(let expected, let found):
            return "previous hash \(found) is not the hash of the header before it (\(expected))"
        case .unexpectedBits(let height, let expected, let found):
            return "bits \(HexDigits.bits(found)) at height \(height), expected \(HexDigits.bits(expected))"
        case .timeNotAfterMedianTimePast(let time, let median):
            return "time \(time) is not after the median time of the previous blocks (\(median))"
        case .notRetargetHeight(let height, let window):
            return "height \(height) is not a multiple of the retarget window \(window)"
        case .heightGap(let expected, let found):
            return "height \(found) does not follow the previous record, expected \(expected)"
        case .retargetOutOfRange(let height, let oldBits, let newBits):
            return "bits \(HexDigits.bits(newBits)) at height \(height) are outside the 4x retarget range of the previous bits \(HexDigits.bits(oldBits))"
        case .chainWorkMismatch(let expected, let found):
            return "chain work \(found.hexString) does not match the work of the blocks since the previous record, expected \(expected.hexString)"
        case .chainWorkOverflow:
            return "cumulative chain work overflows 256 bits"
        }
    }
}

/// Why a Bitcoin header file does not verify.
public enum BitcoinHeaderChainError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The file has no data lines (only blank lines and `#` comments).
    case noRecords
    /// A line (1-based, counting every line of the file) is bad; it is the first bad one.
    case badLine(line: Int, problem: BitcoinRecordProblem)

    /// The 1-based line number of the bad line, if any.
    public var line: Int? {
        if case .badLine(let line, _) = self { return line }
        return nil
    }

    /// `line N: reason`, or the reason alone for a file without records.
    public var description: String {
        switch self {
        case .noRecords:
            return "no header records in the file (only blank lines and # comments)"
        case .badLine(let line, let problem):
            return "line \(line): \(problem)"
        }
    }
}

/// The result of verifying a Bitcoin header file.
public struct BitcoinChainSummary: Sendable, Hashable {
    /// The format that was detected.
    public var format: BitcoinHeaderFileFormat
    /// The number of headers or records verified.
    public var records: Int
    /// The height of the last one.
    public var tipHeight: Int
    /// The last one's block hash in display order.
    public var tipHash: String
    /// The cumulative chain work up to and including the last block.
    public var tipChainWork: UInt256

    /// Creates a summary.
    public init(format: BitcoinHeaderFileFormat, records: Int, tipHeight: Int, tipHash: String, tipChainWork: UInt256) {
        self.format = format
        self.records = records
        self.tipHeight = tipHeight
        self.tipHash = tipHash
        self.tipChainWork = tipChainWork
    }

    /// `tipChainWork` as 64 lowercase hex digits, as Bitcoin Core prints `chainwork`.
    public var tipChainWorkHex: String { tipChainWork.hexString }
}

/// Verifies files of real Bitcoin headers with this module's proof-of-work rules, as a
/// check of the arithmetic against Bitcoin's own chain.
///
/// Lines are separated by `\n` (a trailing `\r` and surrounding blanks are ignored); blank
/// lines and lines starting with `#` are skipped. The format is detected from the first
/// data line: all hex digits means `headerHex`, anything else `checkpoints`.
///
/// - `headerHex`: each header's proof of work against its own bits (and `powLimit`); the
///   first header's previous hash is zero; each previous hash is the hash of the header on
///   the line before; bits equal the parent's except at retarget heights, where they equal
///   `Retarget.nextBits`; each time is after the median of the previous 11; chain work is
///   the sum of every header's work.
/// - `checkpoints`: each record's proof of work; heights are multiples of the window, one
///   window apart; bits respect the 4x clamp against the previous record's; chain work
///   grows by (window - 1) x work(previous bits) + work(own bits), since the blocks in
///   between have the previous record's bits. The first record's chain work is taken as
///   given (nothing before it is in the file).
public enum BitcoinHeaderChain {
    /// The format of `text`, or `nil` if it has no data lines.
    public static func detectFormat(_ text: String) -> BitcoinHeaderFileFormat? {
        guard let first = dataLines(text).first else { return nil }
        return HexDigits.isHex(first.content) ? .headerHex : .checkpoints
    }

    /// Verifies a file in either format and summarises its tip; throws at the first bad line.
    public static func verify(_ text: String, params: PowParameters = .bitcoin) throws(BitcoinHeaderChainError) -> BitcoinChainSummary {
        let lines = dataLines(text)
        guard let first = lines.first else { throw .noRecords }
        if HexDigits.isHex(first.content) {
            return try verifyHeaders(lines, params: params)
        } else {
            return try verifyCheckpoints(lines, params: params)
        }
    }

    // MARK: - Lines

    struct DataLine {
        let number: Int
        let content: ArraySlice<UInt8>
    }

    static func dataLines(_ text: String) -> [DataLine] {
        let bytes = Array(text.utf8)
        var result: [DataLine] = []
        var number = 0
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            let content = trimmed(raw)
            if content.isEmpty || content.first == UInt8(ascii: "#") { continue }
            result.append(DataLine(number: number, content: content))
        }
        return result
    }

    private static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func isBlank(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        }
        var slice = line
        while let first = slice.first, isBlank(first) { slice = slice.dropFirst() }
        while let last = slice.last, isBlank(last) { slice = slice.dropLast() }
        return slice
    }

    // MARK: - Consecutive headers

    private static func verifyHeaders(_ lines: [DataLine], params: PowParameters) throws(BitcoinHeaderChainError) -> BitcoinChainSummary {
        var times: [Int64] = []
        var previous: (hash: [UInt8], bits: UInt32)? = nil
        var total = UInt256.zero
        for (height, line) in lines.enumerated() {
            func fail(_ problem: BitcoinRecordProblem) -> BitcoinHeaderChainError {
                .badLine(line: line.number, problem: problem)
            }
            guard HexDigits.isHex(line.content) else { throw fail(.notHex) }
            guard line.content.count == 2 * BitcoinHeader.size,
                  let bytes = HexDigits.decode(line.content),
                  let header = BitcoinHeader(bytes: bytes)
            else { throw fail(.wrongHexLength(digits: line.content.count)) }
            let hash = header.hash

            let target: UInt256
            do {
                target = try ProofOfWork.check(littleEndianHash: hash, bits: header.bits, powLimit: params.powLimit)
            } catch {
                throw fail(.proofOfWork(error))
            }

            if let parent = previous {
                guard header.previousBlockHash == parent.hash else {
                    throw fail(.previousHashMismatch(
                        expected: BitcoinHeader.displayHex(parent.hash), found: header.previousBlockHashHex))
                }
                let expectedBits: UInt32
                if params.isRetargetHeight(height) {
                    let start = params.retargetWindowStart(forRetargetAt: height)
                    do {
                        expectedBits = try Retarget.nextBits(
                            lastRetargetTime: times[start], lastBlockTime: times[height - 1],
                            lastBits: parent.bits, params: params)
                    } catch {
                        throw fail(.proofOfWork(.invalidBits(error)))
                    }
                } else {
                    expectedBits = parent.bits
                }
                guard header.bits == expectedBits else {
                    throw fail(.unexpectedBits(height: height, expected: expectedBits, found: header.bits))
                }
                if let median = BlockTime.medianTimePast(times), Int64(header.time) <= median {
                    throw fail(.timeNotAfterMedianTimePast(time: Int64(header.time), medianTimePast: median))
                }
            } else if header.previousBlockHash.contains(where: { $0 != 0 }) {
                throw fail(.notGenesis(previousHash: header.previousBlockHashHex))
            }

            guard let sum = ChainWork.adding(ChainWork.work(target: target), to: total) else {
                throw fail(.chainWorkOverflow)
            }
            total = sum
            times.append(Int64(header.time))
            previous = (hash, header.bits)
        }
        let tipHash = previous.map { BitcoinHeader.displayHex($0.hash) } ?? ""
        return BitcoinChainSummary(
            format: .headerHex, records: lines.count, tipHeight: lines.count - 1,
            tipHash: tipHash, tipChainWork: total)
    }

    // MARK: - Checkpoint records

    private struct Checkpoint {
        let height: Int
        let chainWork: UInt256
        let bits: UInt32
        let work: UInt256
        let hash: [UInt8]
    }

    private static func verifyCheckpoints(_ lines: [DataLine], params: PowParameters) throws(BitcoinHeaderChainError) -> BitcoinChainSummary {
        let window = params.retargetWindow
        var previous: Checkpoint? = nil
        for line in lines {
            func fail(_ problem: BitcoinRecordProblem) -> BitcoinHeaderChainError {
                .badLine(line: line.number, problem: problem)
            }
            guard let bytes = Base64.decode(line.content) else { throw fail(.notBase64) }
            guard bytes.count == 96,
                  let chainWork = UInt256(bigEndianBytes: [UInt8](repeating: 0, count: 20) + bytes[0..<12]),
                  let header = BitcoinHeader(bytes: bytes[16..<96])
            else { throw fail(.wrongRecordLength(bytes: bytes.count)) }
            let height = bytes[12..<16].reduce(0) { $0 << 8 | Int($1) }
            let hash = header.hash

            let target: UInt256
            do {
                target = try ProofOfWork.check(littleEndianHash: hash, bits: header.bits, powLimit: params.powLimit)
            } catch {
                throw fail(.proofOfWork(error))
            }
            let work = ChainWork.work(target: target)
            guard params.isRetargetHeight(height) else {
                throw fail(.notRetargetHeight(height: height, window: window))
            }

            if let parent = previous {
                guard height == parent.height + window else {
                    throw fail(.heightGap(expected: parent.height + window, found: height))
                }
                guard Retarget.isPermittedTransition(height: height, oldBits: parent.bits, newBits: header.bits, params: params) else {
                    throw fail(.retargetOutOfRange(height: height, oldBits: parent.bits, newBits: header.bits))
                }
                let (between, overflow) = parent.work.multipliedReportingOverflow(by: UInt256(UInt64(window - 1)))
                guard !overflow,
                      let partial = ChainWork.adding(between, to: parent.chainWork),
                      let expected = ChainWork.adding(work, to: partial)
                else { throw fail(.chainWorkOverflow) }
                guard chainWork == expected else {
                    throw fail(.chainWorkMismatch(expected: expected, found: chainWork))
                }
            }
            previous = Checkpoint(height: height, chainWork: chainWork, bits: header.bits, work: work, hash: hash)
        }
        guard let tip = previous else { throw .noRecords }
        return BitcoinChainSummary(
            format: .checkpoints, records: lines.count, tipHeight: tip.height,
            tipHash: BitcoinHeader.displayHex(tip.hash), tipChainWork: tip.chainWork)
    }
}
