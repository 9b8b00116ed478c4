// Typed storage over the contract's key-value store. Keys are a fixed prefix (a short
// name chosen by the contract) followed by the encoded key; values are encoded with the
// argument encoding, so stored state is readable by anyone who knows the layout.

/// One stored value under a fixed key.
public struct StorageValue<Value: ContractCodable>: Sendable {
    /// The storage key.
    public let key: [UInt8]

    /// A value stored under the UTF-8 bytes of `name`.
    public init(_ name: StaticString) { self.key = staticBytes(name) }

    /// The stored value, or nil when nothing is stored.
    public func get() throws(Revert) -> Value? {
        guard let bytes = Host.storageRead(key) else { return nil }
        return try decodeStored(bytes)
    }

    /// The stored value, or `fallback` when nothing is stored.
    public func get(default fallback: Value) throws(Revert) -> Value { try get() ?? fallback }

    /// Stores `value`.
    public func set(_ value: Value) {
        var w = ArgumentWriter(); w.write(value)
        Host.storageWrite(key, w.bytes)
    }

    /// Removes the value.
    public func remove() { Host.storageRemove(key) }
}

/// A map from keys to values, all under one prefix.
public struct StorageMap<Key: ContractCodable, Value: ContractCodable>: Sendable {
    /// The prefix of every key of this map.
    public let prefix: [UInt8]

    /// A map whose storage keys start with the UTF-8 bytes of `name` and a `/`.
    public init(_ name: StaticString) { self.prefix = staticBytes(name) + [0x2F] }

    /// The storage key of `key`.
    public func storageKey(_ key: Key) -> [UInt8] {
        var w = ArgumentWriter(); w.write(key)
        return prefix + w.bytes
    }

    /// The value stored for `key`, or nil.
    public func get(_ key: Key) throws(Revert) -> Value? {
        guard let bytes = Host.storageRead(storageKey(key)) else { return nil }
        return try decodeStored(bytes)
    }

    /// The value stored for `key`, or `fallback`.
    public func get(_ key: Key, default fallback: Value) throws(Revert) -> Value { try get(key) ?? fallback }

    /// Stores `value` for `key`.
    public func set(_ key: Key, _ value: Value) {
        var w = ArgumentWriter(); w.write(value)
        Host.storageWrite(storageKey(key), w.bytes)
    }

    /// Removes `key`; true when it was present.
    @discardableResult
    public func remove(_ key: Key) -> Bool { Host.storageRemove(storageKey(key)) }

    /// Calls `body` for each entry in the order of the encoded keys (bytewise), at most
    /// `limit` entries, starting after `after` when given.
    public func forEach(after: Key? = nil, limit: Int = Int.max,
                        _ body: (Key, Value) throws(Revert) -> Void) throws(Revert) {
        var cursor: [UInt8]? = nil
        if let after { cursor = storageKey(after) }
        var seen = 0
        while seen < limit, let next = Host.storageNext(prefix: prefix, after: cursor) {
            var reader = ArgumentReader(Array(next[prefix.count...]))
            let key = try Key.decode(from: &reader)
            try reader.finish()
            guard let stored = Host.storageRead(next) else { throw Revert("storage changed during iteration") }
            try body(key, try decodeStored(stored))
            cursor = next
            seen += 1
        }
    }
}

func decodeStored<Value: ContractCodable>(_ bytes: [UInt8]) throws(Revert) -> Value {
    var reader = ArgumentReader(bytes)
    do {
        let value = try Value.decode(from: &reader)
        try reader.finish()
        return value
    } catch {
        throw Revert("stored value does not decode")
    }
}

func staticBytes(_ s: StaticString) -> [UInt8] {
    Array(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
}
