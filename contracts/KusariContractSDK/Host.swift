/// The host API as byte arrays: one function per host import, the same on wasm32 (over the
/// imports) and natively (over ``TestHost``). `Storage`, `Context` and `contractMethod` are
/// built on these; contract code seldom needs them directly.
public enum Host {
    /// Keys are at most this many bytes (the node refuses longer ones: the call traps).
    public static let maxKeyLength = 128
    /// Values are at most this many bytes.
    public static let maxValueLength = 16 * 1024
    /// Event topics are at most this many bytes, event data at most `maxValueLength`.
    public static let maxTopicLength = 64

    /// The call's argument bytes (the encoded arguments, see `ArgumentReader`).
    public static func input() -> [UInt8] {
        #if arch(wasm32)
        let count = Int(kusari_input_size())
        if count == 0 { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            kusari_input_read(buffer.baseAddress)
            initialized = count
        }
        #else
        return TestHost.current.input
        #endif
    }

    /// Sets the call's return data (the last call wins).
    public static func setReturnData(_ data: [UInt8]) {
        #if arch(wasm32)
        data.withUnsafeBytes { kusari_return_data($0.baseAddress, Int32(truncatingIfNeeded: $0.count)) }
        #else
        TestHost.current.returnData = data
        #endif
    }

    /// The value stored under `key`, or nil.
    public static func storageRead(_ key: [UInt8]) -> [UInt8]? {
        #if arch(wasm32)
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = key.withUnsafeBytes { k in
            buffer.withUnsafeMutableBytes { b in
                kusari_storage_read(k.baseAddress, Int32(truncatingIfNeeded: k.count), b.baseAddress, Int32(b.count))
            }
        }
        if length < 0 { return nil }
        if Int(length) <= buffer.count { return Array(buffer.prefix(Int(length))) }
        buffer = [UInt8](repeating: 0, count: Int(length))
        _ = key.withUnsafeBytes { k in
            buffer.withUnsafeMutableBytes { b in
                kusari_storage_read(k.baseAddress, Int32(truncatingIfNeeded: k.count), b.baseAddress, Int32(b.count))
            }
        }
        return buffer
        #else
        return TestHost.current.read(key)
        #endif
    }

    /// Stores `value` under `key`.
    public static func storageWrite(_ key: [UInt8], _ value: [UInt8]) {
        #if arch(wasm32)
        key.withUnsafeBytes { k in
            value.withUnsafeBytes { v in
                kusari_storage_write(k.baseAddress, Int32(truncatingIfNeeded: k.count),
                                     v.baseAddress, Int32(truncatingIfNeeded: v.count))
            }
        }
        #else
        TestHost.current.write(key, value)
        #endif
    }

    /// Removes `key`; true when it was present.
    @discardableResult
    public static func storageRemove(_ key: [UInt8]) -> Bool {
        #if arch(wasm32)
        return key.withUnsafeBytes { kusari_storage_remove($0.baseAddress, Int32(truncatingIfNeeded: $0.count)) } == 1
        #else
        return TestHost.current.remove(key)
        #endif
    }

    /// The smallest stored key that starts with `prefix` and sorts after `after` (bytewise),
    /// or the smallest key with the prefix when `after` is nil; nil when there is none.
    public static func storageNext(prefix: [UInt8], after: [UInt8]?) -> [UInt8]? {
        #if arch(wasm32)
        var out = [UInt8](repeating: 0, count: maxKeyLength)
        let length = prefix.withUnsafeBytes { p in
            out.withUnsafeMutableBytes { o in
                if let after {
                    return after.withUnsafeBytes { a in
                        kusari_storage_next(p.baseAddress, Int32(truncatingIfNeeded: p.count),
                                            a.baseAddress, Int32(truncatingIfNeeded: a.count), o.baseAddress)
                    }
                }
                return kusari_storage_next(p.baseAddress, Int32(truncatingIfNeeded: p.count), nil, -1, o.baseAddress)
            }
        }
        if length < 0 { return nil }
        return Array(out.prefix(Int(length)))
        #else
        return TestHost.current.next(prefix: prefix, after: after)
        #endif
    }

    /// The account or contract that made this call.
    public static func caller() -> Address {
        #if arch(wasm32)
        return Address.reading { kusari_caller($0) }
        #else
        return TestHost.current.caller
        #endif
    }

    /// This contract's own address.
    public static func selfAddress() -> Address {
        #if arch(wasm32)
        return Address.reading { kusari_self_address($0) }
        #else
        return TestHost.current.contract
        #endif
    }

    /// The height of the block the call runs in.
    public static func blockHeight() -> UInt64 {
        #if arch(wasm32)
        return UInt64(bitPattern: kusari_block_height())
        #else
        return TestHost.current.blockHeight
        #endif
    }

    /// The block's timestamp (seconds since 1970, as in the block header).
    public static func blockTime() -> Int64 {
        #if arch(wasm32)
        return kusari_block_time()
        #else
        return TestHost.current.blockTime
        #endif
    }

    /// The KSR units attached to this call (already credited to this contract).
    public static func attachedValue() -> UInt64 {
        #if arch(wasm32)
        return UInt64(bitPattern: kusari_attached_value())
        #else
        return TestHost.current.attachedValue
        #endif
    }

    /// The KSR balance (in units) of `address`.
    public static func balance(_ address: Address) -> UInt64 {
        #if arch(wasm32)
        return UInt64(bitPattern: address.withBytes { kusari_balance($0) })
        #else
        return TestHost.current.balance(address)
        #endif
    }

    /// Moves `amount` KSR units from this contract to `address`; false when the contract's
    /// balance is too small.
    public static func transfer(to address: Address, amount: UInt64) -> Bool {
        #if arch(wasm32)
        return address.withBytes { kusari_transfer($0, Int64(bitPattern: amount)) } == 0
        #else
        return TestHost.current.transfer(to: address, amount: amount)
        #endif
    }

    /// Records an event (a topic and data) in the call's receipt.
    public static func emitEvent(topic: [UInt8], data: [UInt8]) {
        #if arch(wasm32)
        topic.withUnsafeBytes { t in
            data.withUnsafeBytes { d in
                kusari_emit_event(t.baseAddress, Int32(truncatingIfNeeded: t.count),
                                  d.baseAddress, Int32(truncatingIfNeeded: d.count))
            }
        }
        #else
        TestHost.current.events.append(TestHost.Event(topic: topic, data: data))
        #endif
    }

    /// Queues a call of `method` on `contract` with encoded `arguments` and `amount` KSR units
    /// attached, to run as a message after this call returns (and only if it succeeds).
    public static func sendMessage(to contract: Address, method: [UInt8], arguments: [UInt8], amount: UInt64) {
        #if arch(wasm32)
        contract.withBytes { c in
            method.withUnsafeBytes { m in
                arguments.withUnsafeBytes { a in
                    kusari_send_message(c, m.baseAddress, Int32(truncatingIfNeeded: m.count),
                                        a.baseAddress, Int32(truncatingIfNeeded: a.count), Int64(bitPattern: amount))
                }
            }
        }
        #else
        TestHost.current.messages.append(TestHost.Message(contract: contract, method: method,
                                                          arguments: arguments, amount: amount))
        #endif
    }

    /// Ends the call with a revert: nothing it did remains. On wasm32 this does not return.
    static func revert(_ message: [UInt8]) {
        #if arch(wasm32)
        message.withUnsafeBytes { kusari_revert($0.baseAddress, Int32(truncatingIfNeeded: $0.count)) }
        fatalError()
        #else
        TestHost.current.revert(message)
        #endif
    }
}
