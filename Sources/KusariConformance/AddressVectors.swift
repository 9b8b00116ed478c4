import KusariCore
import KusariJSON

/// `addresses.json`: payloads with their addresses on each prefix, accepted
/// spellings, and refused strings with the node's message.
enum AddressVectors {
    static func make() throws(ConformanceError) -> [(String, JSON)] {
        var valid: [JSON] = []
        var keys: [(String, PublicKey?, AddressPayload)] = []
        for i in 0..<8 {
            let key = try VectorKeys.key(i)
            keys.append(("key \(i)", key.publicKey, AddressPayload(publicKey: key.publicKey)))
        }
        keys.append(("all-zero payload", nil, .zero))
        keys.append(("all-ones payload", nil, AddressPayload(bytes: [UInt8](repeating: 0xff, count: 20)) ?? .zero))
        for (description, publicKey, payload) in keys {
            var fields: [(String, JSON)] = [("description", .string(description))]
            if let publicKey { fields.append(("publicKey", .string(publicKey.hex))) }
            fields += [
                ("payload", .string(payload.hex)),
                ("ksr", .string(Address(payload: payload, network: .main).string)),
                ("ksrt", .string(Address(payload: payload, network: .devnet).string)),
            ]
            valid.append(.object(fields))
        }
        let sample = Address(payload: keys[0].2, network: .devnet).string
        let mainSample = Address(payload: keys[0].2, network: .main).string
        var parse: [JSON] = []
        func add(_ d: String, _ text: String, network: Network? = nil) {
            var fields: [(String, JSON)] = [("description", .string(d)), ("input", .string(text))]
            if let network { fields.append(("network", .string(network.rawValue))) }
            do throws(AddressError) {
                let a: Address
                if let network { a = try Address(parsing: text, network: network) } else { a = try Address(parsing: text) }
                fields += [("prefix", .string(a.prefix)), ("payload", .string(a.payload.hex))]
            } catch {
                fields.append(("error", .string(error.description)))
            }
            parse.append(.object(fields))
        }
        let payload5 = Bech32m.convertBits(keys[0].2.bytes, from: 8, to: 5, pad: true) ?? []
        add("lowercase devnet address", sample)
        add("uppercase is accepted and folded to lowercase", sample.uppercased())
        add("main address where main is required", mainSample, network: .main)
        add("mixed case", "ksrt1" + sample.dropFirst(5).prefix(1).uppercased() + sample.dropFirst(6))
        add("last character changed", String(sample.dropLast()) + (sample.hasSuffix("q") ? "p" : "q"))
        add("two characters swapped", String(sample.prefix(10)) + String(sample.dropFirst(11).prefix(1))
            + String(sample.dropFirst(10).prefix(1)) + String(sample.dropFirst(12)))
        add("bech32 (BIP-173) checksum instead of bech32m", bech32(hrp: "ksrt", data: [0] + payload5))
        add("unknown prefix", Bech32m.encode(hrp: "btc", data: [0] + payload5))
        add("address version 1", Bech32m.encode(hrp: "ksrt", data: [1] + payload5))
        add("address version 31", Bech32m.encode(hrp: "ksr", data: [31] + payload5))
        add("no data values at all (no version)", Bech32m.encode(hrp: "ksrt", data: []))
        add("payload of 19 bytes", Bech32m.encode(hrp: "ksrt", data: [0] + fiveBit(Array(keys[0].2.bytes.prefix(19)))))
        add("payload of 21 bytes", Bech32m.encode(hrp: "ksrt", data: [0] + fiveBit(keys[0].2.bytes + [0x00])))
        add("31 data values: 155 bits, padding bits not zero", Bech32m.encode(hrp: "ksrt", data: [0] + Array(payload5.prefix(30)) + [31]))
        add("one data value too few: 31 values, 155 bits leave 3 padding bits",
            Bech32m.encode(hrp: "ksrt", data: [0] + Array(payload5.prefix(31))))
        add("devnet address where main is required", sample, network: .main)
        add("main address where devnet is required", mainSample, network: .devnet)
        add("test and devnet share ksrt", sample, network: .test)
        add("91 characters", "ksrt1" + String(repeating: "q", count: 86))
        add("a space inside", String(sample.prefix(8)) + " " + String(sample.dropFirst(9)))
        add("a character outside ASCII", "ksrt1" + "é" + String(sample.dropFirst(6)))
        add("no separator", "ksrtqqqqqqqqqqqq")
        add("empty human-readable part", "1" + String(sample.dropFirst(5)))
        add("fewer than 6 characters after the separator", "ksrt1qqqqq")
        add("data character 'b' (not in the charset)", "ksrt1" + "b" + String(sample.dropFirst(6)))
        add("data character 'i' (not in the charset)", "ksrt1qqqqqiqqqqq")
        add("the last '1' is the separator: an hrp containing '1'", Bech32m.encode(hrp: "ksrt1x", data: [0] + payload5))
        add("empty string", "")
        return [("encode", .array(valid)), ("parse", .array(parse))]
    }

    static func fiveBit(_ bytes: [UInt8]) -> [UInt8] { Bech32m.convertBits(bytes, from: 8, to: 5, pad: true) ?? [] }

    /// A BIP-173 bech32 string (checksum constant 1), which Kusari must refuse.
    static func bech32(hrp: String, data: [UInt8]) -> String {
        // bech32m's checksum is the bech32 one XOR 0x2bc830a3 XOR 1; recompute it with constant 1.
        let m = Bech32m.encode(hrp: hrp, data: data)
        let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")
        var checksum: UInt32 = 0
        for c in m.suffix(6) { checksum = checksum << 5 | UInt32(charset.firstIndex(of: c) ?? 0) }
        checksum ^= 0x2bc830a3 ^ 1
        let tail = (0..<6).map { charset[Int((checksum >> UInt32(5 * (5 - $0))) & 31)] }
        return String(m.dropLast(6)) + String(tail)
    }
}
