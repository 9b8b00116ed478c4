import KusariCore
import WasmKit

/// Why a host function stopped the call. Thrown out of a host function, it unwinds the
/// WebAssembly stack and ``ContractRuntime`` turns it into the call's ``ContractError``.
enum HostAbort: Error {
    case revert([UInt8])
    case outOfGas
    case violation(String)
}

/// The state of one running call, seen by the host functions of its instance through a
/// ``CallSlot``: the host, the call, the gas (the store's fuel), the memory, and what the
/// call produced.
final class CallState {
    let host: any ContractHost
    let call: ContractCall
    let block: BlockContext
    let limits: ContractLimits
    let schedule: GasSchedule
    /// Unowned: the store owns the host functions, which reach this state through their slot.
    unowned let store: Store
    /// The instance's memory.
    let memory: Memory?
    var returnData: [UInt8] = []
    var events: [ContractEvent] = []
    var messages: [ContractMessage] = []

    init(host: any ContractHost, call: ContractCall, block: BlockContext, limits: ContractLimits, schedule: GasSchedule,
         store: Store, memory: Memory?) {
        self.memory = memory
        self.host = host
        self.call = call
        self.block = block
        self.limits = limits
        self.schedule = schedule
        self.store = store
    }

    /// Takes `amount` gas from the store's fuel; out of gas when there is less.
    func charge(_ amount: UInt64) throws(HostAbort) {
        let remaining = store.fuel?.remaining ?? 0
        guard remaining >= amount else {
            store.fuel = Fuel(remaining: 0)
            throw .outOfGas
        }
        store.fuel = Fuel(remaining: remaining - amount)
    }

    /// Charges `base` plus `perByte` for each of `bytes`, saturating.
    func charge(_ base: UInt64, perByte: UInt64, bytes: Int) throws(HostAbort) {
        let (variable, overflow) = perByte.multipliedReportingOverflow(by: UInt64(max(0, bytes)))
        let (total, overflow2) = base.addingReportingOverflow(variable)
        try charge(overflow || overflow2 ? .max : total)
    }

    /// `length` bytes of the instance's memory from `pointer`; a violation when outside it or
    /// longer than `limit`.
    func read(_ pointer: Value, _ length: Value, limit: Int, what: String) throws(HostAbort) -> [UInt8] {
        let count = Int(length.i32)
        guard count <= limit else { throw .violation("\(what) of \(count) bytes, the limit is \(limit)") }
        let offset = UInt64(pointer.i32)
        guard let memory, offset + UInt64(count) <= UInt64(memory.byteCount) else {
            throw .violation("\(what) at \(offset)..<\(offset + UInt64(count)) is outside the memory")
        }
        if count == 0 { return [] }
        return memory.withUnsafeBufferPointer(offset: UInt(offset), count: count) { Array($0) }
    }

    /// Writes `bytes` into the instance's memory at `pointer`; a violation when outside it.
    func write(_ bytes: [UInt8], at pointer: Value, what: String) throws(HostAbort) {
        let offset = UInt64(pointer.i32)
        guard let memory, offset + UInt64(bytes.count) <= UInt64(memory.byteCount) else {
            throw .violation("\(what) at \(offset)..<\(offset + UInt64(bytes.count)) is outside the memory")
        }
        if bytes.isEmpty { return }
        memory.withUnsafeMutableBufferPointer(offset: UInt(offset), count: bytes.count) { buffer in
            buffer.copyBytes(from: bytes)
        }
    }

    func address(at pointer: Value) throws(HostAbort) -> AddressPayload {
        let bytes = try read(pointer, .i32(20), limit: 20, what: "address")
        guard let address = AddressPayload(bytes: bytes) else { throw .violation("address is not 20 bytes") }
        return address
    }
}

/// Where an instance's host functions find the call that is running: set for the length of
/// a call, empty in between (an instance is reused by later calls, see ``InstancePool``).
final class CallSlot {
    var state: CallState?
}
