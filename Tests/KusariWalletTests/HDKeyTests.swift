import Foundation
import KusariCore
import Testing
@testable import KusariWallet

/// One chain of a SLIP-0010 vector.
struct SLIP10Chain {
    let path: String
    let chainCode: String
    let privateKey: String
    let publicKey: String
}

/// One SLIP-0010 test vector: a seed and its chains.
struct SLIP10Vector {
    let title: String
    let seed: String
    var chains: [SLIP10Chain]
}

/// Parses Tests/Fixtures/slip10/ed25519-vectors.md: "### Test vector N", "Seed (hex): ...",
/// then "* Chain m/0<sub>H</sub>" items with "chain code", "private" and "public" lines.
func slip10Vectors() throws -> [SLIP10Vector] {
    let url = TestPaths.fixtures.appendingPathComponent("slip10/ed25519-vectors.md")
    let text = try String(contentsOf: url, encoding: .utf8)
    var vectors: [SLIP10Vector] = []
    var chain: (path: String, fields: [String: String])?

    func finishChain() throws {
        guard let c = chain else { return }
        chain = nil
        guard let code = c.fields["chain code"], let priv = c.fields["private"], let pub = c.fields["public"],
              !vectors.isEmpty else {
            throw TestDataError(description: "\(url.path): incomplete chain \(c.path)")
        }
        vectors[vectors.count - 1].chains.append(SLIP10Chain(path: c.path, chainCode: code, privateKey: priv, publicKey: pub))
    }

    for rawLine in text.split(separator: "\n") {
        let line = rawLine.trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("### ") {
            try finishChain()
            vectors.append(SLIP10Vector(title: String(line.dropFirst(4)), seed: "", chains: []))
        } else if line.hasPrefix("Seed (hex):"), !vectors.isEmpty {
            vectors[vectors.count - 1] = SLIP10Vector(
                title: vectors[vectors.count - 1].title,
                seed: line.dropFirst("Seed (hex):".count).trimmingCharacters(in: .whitespaces), chains: [])
        } else if line.hasPrefix("* Chain ") {
            try finishChain()
            let path = line.dropFirst("* Chain ".count).replacingOccurrences(of: "<sub>H</sub>", with: "H")
            chain = (path, [:])
        } else if line.hasPrefix("* "), let colon = line.firstIndex(of: ":"), chain != nil {
            let key = line[line.index(line.startIndex, offsetBy: 2)..<colon].trimmingCharacters(in: .whitespaces)
            chain?.fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    try finishChain()
    return vectors
}

@Suite struct HDKeyTests {
    @Test func slip10Ed25519Vectors() throws {
        let vectors = try slip10Vectors()
        #expect(vectors.count == 2)
        #expect(vectors.map(\.chains.count) == [6, 6])
        for vector in vectors {
            let master = try HDKey(seed: try Hex.decode(vector.seed))
            for chain in vector.chains {
                let key = try master.derive(chain.path)
                #expect(Hex.encode(key.chainCode) == chain.chainCode, "\(vector.title) \(chain.path)")
                #expect(Hex.encode(key.privateKey) == chain.privateKey, "\(vector.title) \(chain.path)")
                #expect(Hex.encode(key.slip10PublicKey) == chain.publicKey, "\(vector.title) \(chain.path)")
                #expect(Hex.encode(key.publicKey) == String(chain.publicKey.dropFirst(2)))
                // the path is kept, in the ' notation
                #expect(key.path == (try DerivationPath(parsing: chain.path)))
                // KusariCore's key of the same private key has the same public key
                let pair = try key.keyPair()
                #expect(pair.publicKey.bytes == key.publicKey)
                #expect(pair.seed == key.privateKey)
            }
        }
    }

    @Test func stepByStepEqualsWholePath() throws {
        let master = try HDKey(seed: Array(0..<64))
        let stepped = try master.hardenedChild(44).hardenedChild(9999).hardenedChild(0).hardenedChild(0).hardenedChild(5)
        let whole = try master.derive(WalletPath.kusari(account: 0, index: 5))
        #expect(stepped == whole)
        #expect(whole.path.description == "m/44'/9999'/0'/0'/5'")
        #expect(try master.derive("m/44'/9999'/0'/0'/5'") == whole)
        #expect(try master.derive("m/44h/9999H/0'/0h/5H") == whole)
        #expect(try master.derive("m") == master)
        #expect(whole.description == "HDKey(m/44'/9999'/0'/0'/5')")
    }

    @Test func nonHardenedDerivationIsATypedError() throws {
        let master = try HDKey(seed: Array(0..<32))
        #expect(throws: HDKeyError.notHardened(index: 0, position: 1)) { try master.derive("m/0") }
        #expect(throws: HDKeyError.notHardened(index: 7, position: 2)) { try master.derive("m/44'/7/1'") }
        #expect(throws: HDKeyError.notHardened(index: 3, position: 1)) { try master.child(3) }
        let child = try master.hardenedChild(1)
        #expect(throws: HDKeyError.notHardened(index: 3, position: 2)) { try child.child(3) }
        #expect(HDKeyError.notHardened(index: 7, position: 2).description.contains("component 2"))
        #expect(throws: HDKeyError.path(.indexOutOfRange(field: "index", value: 1 << 31))) {
            try master.hardenedChild(1 << 31)
        }
    }

    @Test func seedLengthIsChecked() {
        #expect(throws: HDKeyError.wrongSeedLength(15)) { try HDKey(seed: Array(repeating: 1, count: 15)) }
        #expect(throws: HDKeyError.wrongSeedLength(65)) { try HDKey(seed: Array(repeating: 1, count: 65)) }
    }

    @Test func walletPathChecksItsIndices() throws {
        #expect(try WalletPath.kusari(account: 2, index: 7).description == "m/44'/9999'/2'/0'/7'")
        #expect(throws: DerivationPathError.indexOutOfRange(field: "account", value: 1 << 31)) {
            try WalletPath.kusari(account: 1 << 31, index: 0)
        }
        #expect(throws: DerivationPathError.indexOutOfRange(field: "index", value: UInt32.max)) {
            try WalletPath.kusari(account: 0, index: .max)
        }
    }
}

@Suite struct DerivationPathTests {
    @Test func parsesAndPrints() throws {
        let path = try DerivationPath(parsing: "m/44'/9999'/0'/0'/5'")
        let h = DerivationPath.hardenedOffset
        #expect(path.indices == [44 + h, 9999 + h, 0 + h, 0 + h, 5 + h])
        #expect(path.description == "m/44'/9999'/0'/0'/5'")
        #expect(try DerivationPath(parsing: "m/1/2h").indices == [1, 2 + h])
        #expect(try DerivationPath(parsing: "m").indices.isEmpty)
        #expect(try DerivationPath(parsing: "m/2147483647'").indices == [UInt32.max])
    }

    @Test func badComponentsAreNamed() {
        let cases: [(String, String, Int)] = [
            ("m/44'/abc'", "abc'", 2),
            ("m//1'", "", 1),
            ("m/1'/", "", 2),
            ("m/2147483648'", "2147483648'", 1),
            ("m/99999999999999999999'", "99999999999999999999'", 1),
            ("m/-1'", "-1'", 1),
            ("m/1''", "1''", 1),
            ("m/ 1'", " 1'", 1),
            ("m/'", "'", 1),
            ("m/١'", "١'", 1),
        ]
        for (text, component, position) in cases {
            let error = #expect(throws: DerivationPathError.self, "\(text)") { try DerivationPath(parsing: text) }
            guard case .badComponent(let c, let p, _)? = error else {
                Issue.record("\(text): \(String(describing: error))")
                continue
            }
            #expect(c == component && p == position, "\(text)")
        }
        #expect(throws: DerivationPathError.missingMaster("44'/0'")) { try DerivationPath(parsing: "44'/0'") }
        #expect(throws: DerivationPathError.missingMaster("")) { try DerivationPath(parsing: "") }
        let error = DerivationPathError.badComponent(component: "abc'", position: 2, reason: "x")
        #expect(error.description.contains("component 2"))
        #expect(error.description.contains("abc'"))
    }

    @Test func depthIsCapped() {
        let deep = "m" + String(repeating: "/1'", count: 256)
        #expect(throws: DerivationPathError.tooDeep(256)) { try DerivationPath(parsing: deep) }
    }
}
