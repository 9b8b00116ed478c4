import Foundation
import Testing
import KusariConsensus
import KusariCore

/// The messages docs/protocol.md gives as templates are the ones the node prints,
/// and its retarget worked example is what the code computes.
@Suite struct DocumentMessageTests {
    static let document = (try? String(contentsOf: SuitePaths.packageRoot.appendingPathComponent("docs/protocol.md"),
                                       encoding: .utf8)) ?? ""

    /// `template` (as written in the document, between backticks) with its
    /// placeholders replaced must be `actual`.
    func check(_ template: String, _ values: [String: String], _ actual: String) {
        #expect(Self.document.contains("`" + template + "`"), "docs/protocol.md does not give the template \(template)")
        var filled = template
        for (placeholder, value) in values.sorted(by: { $0.key.count > $1.key.count }) {
            filled = filled.replacingOccurrences(of: placeholder, with: value)
        }
        #expect(filled == actual)
    }

    @Test func decodingMessages() {
        check("FIELD: truncated (needs N bytes, A left)", ["FIELD": "nonce", "N": "8", "A": "3"],
              CanonicalDecodingError.truncated(field: "nonce", needed: 8, available: 3).description)
        #expect(CanonicalDecodingError.truncated(field: "memo.length", needed: 1, available: 0).description
                == "memo.length: truncated (needs 1 byte, 0 left)")
        check("end: C unexpected trailing bytes", ["C": "1"], CanonicalDecodingError.trailingBytes(count: 1).description)
        check("FIELD: non-minimal integer encoding", ["FIELD": "memo.length"],
              CanonicalDecodingError.nonMinimal(field: "memo.length").description)
        check("FIELD: value V is out of range (maximum M)", ["FIELD": "fee", "V": "7", "M": "5"],
              CanonicalDecodingError.outOfRange(field: "fee", value: 7, maximum: 5).description)
        check("FIELD: length L exceeds the maximum of M", ["FIELD": "memo", "L": "257", "M": "256"],
              CanonicalDecodingError.oversize(field: "memo", length: 257, maximum: 256).description)
        check("FIELD: hex string has an odd number of digits", ["FIELD": "tx"], HexError.oddLength(field: "tx").description)
        check("FIELD: not a hex digit at position P", ["FIELD": "tx", "P": "4"],
              HexError.invalidCharacter(field: "tx", position: 4).description)
        check("FIELD: expected E bytes, got A", ["FIELD": "seed", "E": "32", "A": "3"],
              HexError.wrongLength(field: "seed", expected: 32, actual: 3).description)
        check("signature: not a valid signature of this transaction by publicKey", [:], TransactionError.badSignature.description)
    }

    @Test func blockMessages() {
        let h = Hash256.sha256([1]), c = Hash256.sha256([2])
        let t = { (e: TransactionError) in BlockError.transaction(index: 2, e).description }
        check("transactions: N is more than a block may hold", ["N": "100001"], BlockError.tooManyTransactions(100_001).description)
        check("header.merkleRoot: header says HEADER, transactions give COMPUTED", ["HEADER": h.hex, "COMPUTED": c.hex],
              BlockError.merkleRootMismatch(header: h, computed: c).description)
        check("transactions[i].signature: not a valid signature of this transaction by publicKey", ["[i]": "[2]"], t(.badSignature))
        check("transactions[i].chainId: transaction is for chain FOUND, this chain is EXPECTED",
              ["[i]": "[2]", "FOUND": "1", "EXPECTED": "3"], t(.wrongChain(expected: 3, found: 1)))
        check("transactions[i].nonce: expected EXPECTED, got FOUND", ["[i]": "[2]", "EXPECTED": "4", "FOUND": "5"],
              t(.wrongNonce(expected: 4, found: 5)))
        check("transactions[i].amount: balance KSR(balance) KSR does not cover amount + fee KSR(needed) KSR",
              ["[i]": "[2]", "KSR(balance)": "8.49999000", "KSR(needed)": "10.00000001"],
              t(.insufficientBalance(balance: 849_999_000, needed: 1_000_000_001)))
        check("transactions[i].nonce: account nonce is exhausted", ["[i]": "[2]"], t(.field("nonce", "account nonce is exhausted")))
        check("transactions[i].amount: recipient balance would exceed the supply cap", ["[i]": "[2]"], t(.balanceOverflow))
        check("header.beneficiary: subsidy and fees would exceed the supply cap", [:], BlockError.coinbaseOverflow.description)
        check("header.stateRoot: header says HEADER, applying the block gives COMPUTED", ["HEADER": h.hex, "COMPUTED": c.hex],
              BlockError.stateRootMismatch(header: h, computed: c).description)
    }

    @Test func addressAndCompactMessages() {
        let cases: [(String, [String: String], String)] = [
            ("address too long (N characters, at most 90)", ["N": "91"], AddressError.encoding(.tooLong(91)).description),
            ("address contains a character outside printable ASCII", [:], AddressError.encoding(.invalidCharacter).description),
            ("address mixes upper and lower case", [:], AddressError.encoding(.mixedCase).description),
            ("address has no separator '1'", [:], AddressError.encoding(.missingSeparator).description),
            ("address has an empty human-readable part", [:], AddressError.encoding(.emptyHRP).description),
            ("address is too short to hold a checksum", [:], AddressError.encoding(.checksumTooShort).description),
            ("address contains 'C', which is not a bech32 data character", ["C": "b"],
             AddressError.encoding(.invalidDataCharacter("b")).description),
            ("address has a wrong checksum (a mistyped character?)", [:], AddressError.encoding(.badChecksum).description),
            ("address prefix 'HRP' is not a Kusari network (expected ksr or ksrt)", ["HRP": "btc"],
             AddressError.unknownPrefix("btc").description),
            ("address has no version", [:], AddressError.missingVersion.description),
            ("address version V is not supported (expected 0)", ["V": "1"], AddressError.unsupportedVersion(1).description),
            ("address data has invalid padding", [:], AddressError.badPadding.description),
            ("address payload is N bytes, expected 20", ["N": "19"], AddressError.wrongLength(19).description),
            ("address is for another network (prefix 'FOUND', expected 'EXPECTED')", ["FOUND": "ksrt", "EXPECTED": "ksr"],
             AddressError.wrongNetwork(expected: "ksr", found: "ksrt").description),
            ("compact target B is negative (sign bit 0x00800000 set with a non-zero mantissa)", ["B": "0x1d80ffff"],
             CompactTargetError.negative(bits: 0x1d80ffff).description),
            ("compact target B overflows: it does not fit in 256 bits", ["B": "0x2200ffff"],
             CompactTargetError.overflow(bits: 0x2200ffff).description),
            ("compact target B is zero, which no block hash can meet", ["B": "0x1d000000"],
             CompactTargetError.zero(bits: 0x1d000000).description),
        ]
        for (template, values, actual) in cases { check(template, values, actual) }
    }

    @Test func headerMessages() throws {
        let limit = PowParameters.kusariMain.powLimit
        let target = try CompactTarget.decode(0x1d00ffff)
        let hash = try #require(UInt256(hex: String(repeating: "ab", count: 32)))
        let cases: [(String, [String: String], String)] = [
            ("header.height: expected E, found F", ["E": "5", "F": "7"], ConsensusError.wrongHeight(expected: 5, found: 7).description),
            ("header.previousId: does not name the parent", [:], ConsensusError.wrongParent.description),
            ("header.version: V is not supported", ["V": "2"], ConsensusError.unsupportedVersion(2).description),
            ("header.bits: target B is easier than the network's limit L", ["B": "0x207fffff", "L": "0x1e00ffff"],
             ConsensusError.proofOfWork(.targetAboveLimit(bits: 0x207fffff, powLimit: limit)).description),
            ("header.nonce: hash H is above the target T", ["H": hash.hexString, "T": target.hexString],
             ConsensusError.proofOfWork(.hashAboveTarget(hash: hash, target: target)).description),
            ("header.bits: expected E, found F", ["E": "0x1d00ffff", "F": "0x1c7fff80"],
             ConsensusError.wrongBits(expected: 0x1d00ffff, found: 0x1c7fff80).description),
            ("header.timestamp: T is out of range", ["T": "9223372036854775808"],
             ConsensusError.timestampOutOfRange(9_223_372_036_854_775_808).description),
            ("header.timestamp: block time T is not after the median time of the previous blocks (M)", ["T": "5", "M": "6"],
             ConsensusError.time(.notAfterMedianTimePast(time: 5, medianTimePast: 6)).description),
            ("header.timestamp: block time T is too far in the future (latest allowed L)", ["T": "9", "L": "8"],
             ConsensusError.time(.tooFarInFuture(time: 9, latestAllowed: 8)).description),
        ]
        for (template, values, actual) in cases { check(template, values, actual) }
    }

    @Test func genesisMessages() {
        func message(_ json: String) -> String {
            do { _ = try Genesis(json: Data(json.utf8)); return "" } catch { return error.description }
        }
        let head = #"{"network": "devnet", "chainId": 3, "timestamp": 0, "bits": "0x207fffff", "alloc": "#
        check("genesis: not a JSON object", [:], message("[]"))
        check("FIELD: missing", ["FIELD": "network"], message("{}"))
        check("FIELD: must be a string", ["FIELD": "network"], message(#"{"network": null}"#))
        check("FIELD: N is above the maximum M", ["FIELD": "chainId", "N": "4294967296", "M": "4294967295"],
              message(#"{"network": "devnet", "chainId": 4294967296}"#))
        check("network: unknown network 'X' (expected main, test or devnet)", ["X": "Main"], message(#"{"network": "Main"}"#))
        check("bits: expected a compact target such as 0x207fffff", [:],
              message(#"{"network": "devnet", "chainId": 3, "timestamp": 0, "bits": "207fffff"}"#))
        check("alloc: missing or not an array", [:], message(head + "{}}"))
        check("alloc[i]: not an object", ["[i]": "[0]"], message(head + "[1]}"))
        check("chainId: must not be 0", [:], message(head.replacingOccurrences(of: "3", with: "0") + "[]}"))
        check("alloc[i].amount: must be positive", ["[i]": "[0]"],
              message(head + #"[{"address": "ksrt1qy8lrrhap2j3xzcntlp2qgm7jyudhhm2tpdztly", "amount": 0}]}"#))
        let a = "ksrt1qy8lrrhap2j3xzcntlp2qgm7jyudhhm2tpdztly"
        check("alloc[i].address: TEXT is allocated twice", ["[i]": "[1]", "TEXT": a],
              message(head + #"[{"address": "\#(a)", "amount": 1}, {"address": "\#(a)", "amount": 1}]}"#))
    }

    @Test func retargetWorkedExampleIsWhatTheCodeComputes() throws {
        let next = try Retarget.nextBits(lastRetargetTime: 1_764_000_000, lastBlockTime: 1_764_043_200, lastBits: 0x1d00ffff,
                                         params: .kusariMain)
        #expect(CompactTarget.format(next) == "0x1c7fff80")
        #expect(Self.document.contains("`bits` =\n`0x1c7fff80`") || Self.document.contains("`bits` = `0x1c7fff80`"))
        let old = try CompactTarget.decode(0x1d00ffff)
        #expect(Self.document.contains("`0x" + old.hexString + "`"))
        #expect(Self.document.contains("`0x" + (old >> 1).hexString + "`"))
        #expect(PowParameters.kusariMain.targetTimespan == 86_400)
    }
}
