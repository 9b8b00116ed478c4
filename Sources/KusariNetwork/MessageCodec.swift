import KusariCore

extension Message {
    /// The payload's canonical encoding.
    public var payload: [UInt8] {
        var w = ByteWriter()
        switch self {
        case .version(let v):
            w.writeUInt32(v.protocolVersion)
            w.writeUInt32(v.chainId)
            w.writeHash(v.genesisId)
            w.writeUInt64(v.bestHeight)
            w.writeHash(v.chainWork)
            w.writeUInt64(v.nodeId)
            w.writeUInt16(v.listenPort)
            w.writeLengthPrefixed(Array(v.userAgent.utf8.prefix(VersionInfo.maxUserAgent)))
        case .verack, .getaddr:
            break
        case .ping(let n), .pong(let n):
            w.writeUInt64(n)
        case .addr(let list):
            w.writeVarUInt(UInt64(list.count))
            for a in list { w.writeBytes(a.ip); w.writeUInt16(a.port); w.writeUInt64(a.lastSeen) }
        case .inv(let items), .getdata(let items), .notfound(let items):
            w.writeVarUInt(UInt64(items.count))
            for i in items { w.writeUInt8(i.kind.rawValue); w.writeHash(i.hash) }
        case .getheaders(let locator, let stop):
            w.writeVarUInt(UInt64(locator.count))
            for h in locator { w.writeHash(h) }
            w.writeHash(stop)
        case .headers(let headers):
            w.writeVarUInt(UInt64(headers.count))
            for h in headers { h.encode(to: &w) }
        case .block(let b):
            b.encode(to: &w)
        case .tx(let t):
            t.encode(to: &w)
        case .item(let kind, let payload):
            w.writeUInt8(kind.rawValue)
            w.writeBytes(payload)
        }
        return w.bytes
    }

    /// Decodes a payload of `type`; the whole payload must be used.
    public init(type: MessageType, payload: [UInt8]) throws(CanonicalDecodingError) {
        var r = ByteReader(payload)
        switch type {
        case .version:
            let protocolVersion = try r.readUInt32(field: "version.protocol")
            let chainId = try r.readUInt32(field: "version.chainId")
            let genesisId = try r.readHash(field: "version.genesisId")
            let bestHeight = try r.readUInt64(field: "version.bestHeight")
            let chainWork = try r.readHash(field: "version.chainWork")
            let nodeId = try r.readUInt64(field: "version.nodeId")
            let listenPort = try r.readUInt16(field: "version.listenPort")
            let agent = try r.readLengthPrefixed(field: "version.userAgent", maximum: VersionInfo.maxUserAgent)
            guard let userAgent = String(validating: agent, as: UTF8.self) else {
                throw .invalid(field: "version.userAgent", reason: "not UTF-8")
            }
            self = .version(VersionInfo(protocolVersion: protocolVersion, chainId: chainId, genesisId: genesisId,
                                        bestHeight: bestHeight, chainWork: chainWork, nodeId: nodeId,
                                        listenPort: listenPort, userAgent: userAgent))
        case .verack: self = .verack
        case .getaddr: self = .getaddr
        case .ping: self = .ping(nonce: try r.readUInt64(field: "ping.nonce"))
        case .pong: self = .pong(nonce: try r.readUInt64(field: "pong.nonce"))
        case .addr:
            let count = try Self.count(&r, field: "addr.count", maximum: WireLimits.maxAddresses, itemSize: 26)
            var list: [PeerAddress] = []
            for i in 0..<count {
                let ip = try r.readBytes(16, field: "addr[\(i)].ip")
                let port = try r.readUInt16(field: "addr[\(i)].port")
                let seen = try r.readUInt64(field: "addr[\(i)].lastSeen")
                guard let a = PeerAddress(ip: ip, port: port, lastSeen: seen) else {
                    throw .invalid(field: "addr[\(i)].ip", reason: "not 16 bytes")
                }
                list.append(a)
            }
            self = .addr(list)
        case .inv, .getdata, .notfound:
            let count = try Self.count(&r, field: "inv.count", maximum: WireLimits.maxInventory, itemSize: 33)
            var items: [Inventory] = []
            items.reserveCapacity(count)
            for i in 0..<count {
                let k = try r.readUInt8(field: "inv[\(i)].kind")
                guard let kind = Inventory.Kind(rawValue: k) else { throw .invalid(field: "inv[\(i)].kind", reason: "unknown kind \(k)") }
                items.append(Inventory(kind: kind, hash: try r.readHash(field: "inv[\(i)].hash")))
            }
            self = type == .inv ? .inv(items) : (type == .getdata ? .getdata(items) : .notfound(items))
        case .getheaders:
            let count = try Self.count(&r, field: "getheaders.count", maximum: WireLimits.maxLocator, itemSize: 32)
            var locator: [Hash256] = []
            for i in 0..<count { locator.append(try r.readHash(field: "getheaders.locator[\(i)]")) }
            self = .getheaders(locator: locator, stop: try r.readHash(field: "getheaders.stop"))
        case .headers:
            let count = try Self.count(&r, field: "headers.count", maximum: WireLimits.maxHeaders, itemSize: BlockHeader.encodedSize)
            var headers: [BlockHeader] = []
            headers.reserveCapacity(count)
            for _ in 0..<count { headers.append(try BlockHeader(from: &r)) }
            self = .headers(headers)
        case .block: self = .block(try Block(from: &r))
        case .tx: self = .tx(try Transaction(from: &r))
        case .item:
            let k = try r.readUInt8(field: "item.kind")
            guard let kind = Inventory.Kind.channel(k) else { throw .invalid(field: "item.kind", reason: "\(k) is not a channel (16 to 255)") }
            self = .item(kind: kind, payload: try r.readBytes(r.remaining, field: "item.payload"))
        }
        try r.finish()
    }

    /// A count checked against its maximum and against the bytes left.
    private static func count(_ r: inout ByteReader, field: String, maximum: Int, itemSize: Int) throws(CanonicalDecodingError) -> Int {
        let n = try r.readVarUInt(field: field, maximum: UInt64(maximum))
        guard n <= UInt64(r.remaining / itemSize) else {
            throw .oversize(field: field, length: n, maximum: UInt64(r.remaining / itemSize))
        }
        return Int(n)
    }
}
