import KusariCore
import WasmKit

/// The implementations of the host imports (docs/protocol.md 18.2) for one call. Each charges
/// ``GasSchedule/hostCall`` and its own price before doing anything, checks every pointer and
/// length against the memory and ``ContractLimits``, and stops the call with a
/// ``HostAbort`` on misuse.
enum HostFunctions {
    static func imports(for slot: CallSlot, store: Store, limits: ContractLimits, schedule s: GasSchedule) -> Imports {
        var imports = Imports()
        // WasmKit's buffer-based host functions: its array-based ones allocate an array of
        // arguments and one of results on every call a contract makes into the host. Every
        // host function has at most one result, which `body` returns (nil: none).
        func define(_ name: String, _ body: @escaping (CallState, UnsafeBufferPointer<Value>) throws(HostAbort) -> Value?) {
            guard let type = HostImports.signatures[name] else { return }
            let function = Function(store: store, parameters: type.parameters, results: type.results) { _, args, results in
                guard let state = slot.state else { throw HostAbort.violation("host function called outside a call") }
                try state.charge(s.hostCall)
                if let result = try body(state, args) { results[0] = result }
            }
            imports.define(module: HostImports.module, name: name, function)
        }

        define("input_size") { state, _ throws(HostAbort) in .i32(UInt32(state.call.input.count)) }
        define("input_read") { state, args throws(HostAbort) in
            try state.charge(0, perByte: s.perDataByte, bytes: state.call.input.count)
            try state.write(state.call.input, at: args[0], what: "input buffer")
            return nil
        }
        define("return_data") { state, args throws(HostAbort) in
            try state.charge(0, perByte: s.perDataByte, bytes: Int(args[1].i32))
            state.returnData = try state.read(args[0], args[1], limit: limits.maxDataLength, what: "return data")
            return nil
        }
        define("revert") { state, args throws(HostAbort) in
            try state.charge(0, perByte: s.perDataByte, bytes: Int(args[1].i32))
            throw .revert(try state.read(args[0], args[1], limit: limits.maxDataLength, what: "revert message"))
        }
        define("storage_read") { state, args throws(HostAbort) in
            let key = try state.read(args[0], args[1], limit: limits.maxKeyLength, what: "storage key")
            guard let value = state.host.storageGet(state.call.contract, key: key) else {
                try state.charge(0, perByte: s.perByteRead, bytes: key.count)
                return .i32(UInt32(bitPattern: -1))
            }
            try state.charge(0, perByte: s.perByteRead, bytes: key.count + value.count)
            let capacity = Int(args[3].i32)
            try state.write(Array(value.prefix(capacity)), at: args[2], what: "storage value buffer")
            return .i32(UInt32(value.count))
        }
        define("storage_write") { state, args throws(HostAbort) in
            try state.charge(s.storageWrite, perByte: s.perByteWritten, bytes: Int(args[1].i32) + Int(args[3].i32))
            let key = try state.read(args[0], args[1], limit: limits.maxKeyLength, what: "storage key")
            let value = try state.read(args[2], args[3], limit: limits.maxValueLength, what: "storage value")
            state.host.storageSet(state.call.contract, key: key, value: value)
            return nil
        }
        define("storage_remove") { state, args throws(HostAbort) in
            try state.charge(s.storageRemove)
            let key = try state.read(args[0], args[1], limit: limits.maxKeyLength, what: "storage key")
            return .i32(state.host.storageRemove(state.call.contract, key: key) ? 1 : 0)
        }
        define("storage_next") { state, args throws(HostAbort) in
            let prefix = try state.read(args[0], args[1], limit: limits.maxKeyLength, what: "storage prefix")
            var after: [UInt8]? = nil
            if Int32(bitPattern: args[3].i32) >= 0 {
                after = try state.read(args[2], args[3], limit: limits.maxKeyLength, what: "storage cursor")
            }
            try state.charge(0, perByte: s.perByteRead, bytes: prefix.count + (after?.count ?? 0))
            let found = state.host.storageNext(state.call.contract, prefix: prefix, after: after)
            try state.charge(0, perByte: s.storageScan, bytes: state.host.entriesExaminedByLastNext)
            guard let key = found else {
                return .i32(UInt32(bitPattern: -1))
            }
            try state.charge(0, perByte: s.perByteRead, bytes: key.count)
            try state.write(key, at: args[4], what: "storage key buffer")
            return .i32(UInt32(key.count))
        }
        define("caller") { state, args throws(HostAbort) in
            try state.write(state.call.caller.bytes, at: args[0], what: "caller buffer"); return nil
        }
        define("self_address") { state, args throws(HostAbort) in
            try state.write(state.call.contract.bytes, at: args[0], what: "address buffer"); return nil
        }
        define("block_height") { state, _ throws(HostAbort) in .i64(state.block.height) }
        define("block_time") { state, _ throws(HostAbort) in .i64(UInt64(bitPattern: state.block.time)) }
        define("attached_value") { state, _ throws(HostAbort) in .i64(state.call.value) }
        define("balance") { state, args throws(HostAbort) in
            try state.charge(s.balance)
            return .i64(state.host.balance(of: try state.address(at: args[0])))
        }
        define("transfer") { state, args throws(HostAbort) in
            try state.charge(s.transfer)
            let to = try state.address(at: args[0])
            let moved = state.host.transfer(from: state.call.contract, to: to, amount: args[1].i64)
            return .i32(moved ? 0 : 1)
        }
        define("emit_event") { state, args throws(HostAbort) in
            try state.charge(s.event, perByte: s.perEventByte, bytes: Int(args[1].i32) + Int(args[3].i32))
            guard state.events.count < limits.maxEvents else { throw .violation("more than \(limits.maxEvents) events") }
            let topic = try state.read(args[0], args[1], limit: limits.maxTopicLength, what: "event topic")
            let data = try state.read(args[2], args[3], limit: limits.maxValueLength, what: "event data")
            state.events.append(ContractEvent(contract: state.call.contract, topic: topic, data: data))
            return nil
        }
        define("send_message") { state, args throws(HostAbort) in
            try state.charge(s.message, perByte: s.perMessageByte, bytes: Int(args[2].i32) + Int(args[4].i32))
            guard state.messages.count < limits.maxMessages else { throw .violation("more than \(limits.maxMessages) messages") }
            let contract = try state.address(at: args[0])
            let method = try state.read(args[1], args[2], limit: limits.maxMethodNameLength, what: "message method")
            let input = try state.read(args[3], args[4], limit: limits.maxDataLength, what: "message arguments")
            let name = String(decoding: method, as: UTF8.self)
            guard ModuleChecker.isMethodName(name, maxLength: limits.maxMethodNameLength) else {
                throw .violation("message method is not a method name")
            }
            state.messages.append(ContractMessage(sender: state.call.contract, contract: contract, method: name,
                                                  input: input, value: args[5].i64))
            return nil
        }
        return imports
    }
}
