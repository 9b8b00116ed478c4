import Foundation
import KusariContracts
import KusariCore
import Testing

/// docs/protocol.md section 18's worked example and tables must be what the code does.
@Suite struct ContractProtocolTests {
    let document: String

    init() throws {
        document = try String(contentsOf: packageRoot.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
    }

    func fields(after marker: String) throws -> [String: String] {
        let start = try #require(document.range(of: marker), "\(marker) not found in docs/protocol.md")
        let rest = document[start.upperBound...]
        let open = try #require(rest.range(of: "```text\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        var result: [String: String] = [:]
        for line in rest[open.upperBound..<close.lowerBound].split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    @Test func theArgumentExampleIsWhatTheCodecProduces() throws {
        let f = try fields(after: "<!-- worked-example:contract-arguments -->")
        let toHex = try #require(f["to"])
        let to = try #require(AddressPayload(bytes: try Hex.decode(toHex)))
        let amountText = try #require(f["amount"])
        let amount = try #require(UInt64(amountText))
        let arguments: [ContractValue] = [.address(to), .u64(amount)]
        #expect(Hex.encode(ContractValue.encode(arguments)) == f["arguments"])
        let argumentsHex = try #require(f["arguments"])
        #expect(try ContractValue.decode(try Hex.decode(argumentsHex)) == arguments)
        let list = ContractValue.list([.bytes(Array("alice".utf8)), .bytes(Array("ann".utf8))])
        #expect(Hex.encode(list.encoded) == f["list"])
        let mixed: [ContractValue] = [.i64(-2), .bool(true), .string("é")]
        #expect(Hex.encode(ContractValue.encode(mixed)) == f["mixed"])
        let mixedHex = try #require(f["mixed"])
        #expect(try ContractValue.decode(try Hex.decode(mixedHex)) == mixed)
    }

    @Test func malformedArgumentsAreRefusedWithTheirOffset() {
        #expect(throws: ContractValueError.truncated(offset: 1)) { try ContractValue.decode([0x01, 0, 0]) }
        #expect(throws: ContractValueError.unknownTag(0x09, offset: 0)) { try ContractValue.decode([0x09]) }
        #expect(throws: ContractValueError.invalidBool(2, offset: 0)) { try ContractValue.decode([0x03, 0x02]) }
        #expect(throws: ContractValueError.invalidUTF8(offset: 0)) { try ContractValue.decode([0x05, 0, 0, 0, 1, 0xFF]) }
        #expect(throws: ContractValueError.truncated(offset: 0)) { try ContractValue.decode([0x07, 0xFF, 0xFF, 0xFF, 0xFF]) }
    }

    @Test func theHostImportTableIsTheDocumentedOne() throws {
        for (name, type) in HostImports.signatures {
            #expect(document.contains("| `\(name)` | `\(HostImports.describe(type))` |"), "\(name) is not documented as \(HostImports.describe(type))")
        }
    }

    @Test func theDocumentedLimitsAndBuildFlagsAreTheCodes() {
        let limits = ContractLimits.standard
        #expect(limits.maxCodeSize == 131_072 && document.contains("at most 131,072 bytes"))
        #expect(limits.maxMemoryPages == 16 && document.contains("at most 16 pages"))
        #expect(limits.stackSize == 256 * 1024 && document.contains("interpreter stack of a call is 256 KiB"))
        #expect(document.contains(ContractBuilder.linkerFlags.prefix(3).joined(separator: " ")))
        let schedule = GasSchedule.standard
        #expect(schedule.callBase == 5_000 && schedule.perCodeKiB == 500_000
                && document.contains("5,000, plus 500,000 per KiB of code (rounded up) unless the code is loaded"))
        #expect(GasSchedule.maxLoadedCodes == 64 && document.contains("at most **64** codes (`GasSchedule.maxLoadedCodes`)"))
        #expect(schedule.storageWrite == 2_000 && schedule.perByteWritten == 20 && document.contains("2,000 + 20 per byte of key and value"))
    }
}
