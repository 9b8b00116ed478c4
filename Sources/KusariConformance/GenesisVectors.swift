import Foundation
import KusariCore
import KusariJSON

/// `genesis.json`: genesis files (as text) with their genesis block id, state
/// root and Merkle root, or the error the node reports for them.
enum GenesisVectors {
    static func make() throws(ConformanceError) -> [(String, JSON)] {
        let a0 = Address(publicKey: try VectorKeys.key(0).publicKey, network: .devnet).string
        let a1 = Address(publicKey: try VectorKeys.key(1).publicKey, network: .devnet).string
        let m0 = Address(publicKey: try VectorKeys.key(0).publicKey, network: .main).string
        let m1 = Address(publicKey: try VectorKeys.key(1).publicKey, network: .main).string
        let doc = "ksrt1qy8lrrhap2j3xzcntlp2qgm7jyudhhm2tpdztly"
        func file(_ network: String = "\"devnet\"", chainId: String = "3", timestamp: String = "1764000000",
                  bits: String = "\"0x207fffff\"", alloc: String) -> String {
            "{\"network\": \(network), \"chainId\": \(chainId), \"timestamp\": \(timestamp), \"bits\": \(bits), \"alloc\": \(alloc)}"
        }
        let one = "[{\"address\": \"\(doc)\", \"amount\": 1000000000}]"
        let cases: [(String, String)] = [
            ("docs/protocol.md 12.1", file(alloc: one)),
            ("no allocations: the state root is 32 zero bytes", file(alloc: "[]")),
            ("main network, two allocations, harder bits", file("\"main\"", chainId: "1", bits: "\"0x1e00ffff\"",
                alloc: "[{\"address\": \"\(m0)\", \"amount\": 2100000000000000}]".replacingOccurrences(of: "2100000000000000", with: "500000000000000")
                    .replacingOccurrences(of: "]", with: ", {\"address\": \"\(m1)\", \"amount\": 1}]"))),
            ("allocations in any order; the state root depends only on the set",
             file(alloc: "[{\"address\": \"\(a1)\", \"amount\": 7}, {\"address\": \"\(a0)\", \"amount\": 9}]")),
            ("a private chain id on test, the largest allowed", file("\"test\"", chainId: "4294967295", alloc: one)),
            ("whole numbers written as 3.0 and 1.764e9; unknown keys ignored",
             "{\"network\": \"devnet\", \"chainId\": 3.0, \"timestamp\": 1.764e9, \"bits\": \"0X207FFFFF\", \"alloc\": \(one), \"comment\": \"x\"}"),
            ("an uppercase address", file(alloc: "[{\"address\": \"\(doc.uppercased())\", \"amount\": 1000000000}]")),
            ("the whole supply in one allocation", file(alloc: "[{\"address\": \"\(doc)\", \"amount\": 2100000000000000}]")),
            ("not an object", "[1, 2]"),
            ("network missing", "{\"chainId\": 3, \"timestamp\": 0, \"bits\": \"0x207fffff\", \"alloc\": []}"),
            ("network in capitals", file("\"Devnet\"", alloc: "[]")),
            ("network not a string", file("3", alloc: "[]")),
            ("chain id 0", file(chainId: "0", alloc: "[]")),
            ("chain id 2^32", file(chainId: "4294967296", alloc: "[]")),
            ("chain id negative", file(chainId: "-3", alloc: "[]")),
            ("chain id with a fraction", file(chainId: "3.5", alloc: "[]")),
            ("chain id as a string", file(chainId: "\"3\"", alloc: "[]")),
            ("chain id true", file(chainId: "true", alloc: "[]")),
            ("timestamp missing", "{\"network\": \"devnet\", \"chainId\": 3, \"bits\": \"0x207fffff\", \"alloc\": []}"),
            ("bits without 0x", file(bits: "\"207fffff\"", alloc: "[]")),
            ("bits of 9 digits", file(bits: "\"0x1207fffff\"", alloc: "[]")),
            ("bits as a number", file(bits: "545259519", alloc: "[]")),
            ("alloc not an array", file(alloc: "{}")),
            ("alloc entry not an object", file(alloc: "[1]")),
            ("allocation amount missing", file(alloc: "[{\"address\": \"\(doc)\"}]")),
            ("allocation of 0", file(alloc: "[{\"address\": \"\(doc)\", \"amount\": 0}]")),
            ("allocation above the cap", file(alloc: "[{\"address\": \"\(doc)\", \"amount\": 2100000000000001}]")),
            ("main address on devnet", file(alloc: "[{\"address\": \"\(m0)\", \"amount\": 5}]")),
            ("the same address twice, once in capitals",
             file(alloc: "[{\"address\": \"\(a0)\", \"amount\": 5}, {\"address\": \"\(a0.uppercased())\", \"amount\": 6}]")),
            ("allocations that together pass the cap",
             file(alloc: "[{\"address\": \"\(a0)\", \"amount\": 2000000000000000}, {\"address\": \"\(a1)\", \"amount\": 100000000000001}]")),
        ]
        return [("files", .array(cases.map { description, text in
            var fields: [(String, JSON)] = [("description", .string(description)), ("json", .string(text))]
            do throws(GenesisError) {
                let genesis = try Genesis(json: Data(text.utf8))
                let block = try genesis.block()
                fields += [("id", .string(block.id.hex)), ("stateRoot", .string(block.header.stateRoot.hex)),
                           ("merkleRoot", .string(block.header.merkleRoot.hex)), ("header", .hex(block.header.encoded))]
            } catch {
                fields.append(("error", .string(error.description)))
            }
            return .object(fields)
        }))]
    }
}
