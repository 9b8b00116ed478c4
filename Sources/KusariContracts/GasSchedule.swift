import KusariCore

/// What a call costs in gas (docs/protocol.md 18.5). One gas is one unit of WasmKit fuel
/// (roughly one executed WebAssembly instruction; bulk memory operations add one per 64
/// bytes moved); host functions and the call itself cost the prices below on top. Calibrated
/// by `kusari bench contracts`: 1.2 to 1.7 million gas per millisecond of metered execution on
/// the 2-core reference machine, with fuel and host prices in proportion (docs/benchmarks.md).
public struct GasSchedule: Sendable, Equatable {
    /// Every call.
    public var callBase: UInt64
    /// Per KiB of code (rounded up), for a call of code its block has not loaded: loading,
    /// instantiating and translating it.
    public var perCodeKiB: UInt64
    /// Per 64 KiB page of memory the instance has when the call ends.
    public var perMemoryPage: UInt64
    /// Every host function call, before its own price.
    public var hostCall: UInt64
    /// Per byte of input read or return data set.
    public var perDataByte: UInt64
    /// Per byte of key and value read (`storage_read`, `storage_next`).
    public var perByteRead: UInt64
    /// Every `storage_write`.
    public var storageWrite: UInt64
    /// Per byte of key and value written.
    public var perByteWritten: UInt64
    /// Every `storage_remove`.
    public var storageRemove: UInt64
    /// Every `balance`.
    public var balance: UInt64
    /// Every `transfer`.
    public var transfer: UInt64
    /// Every `emit_event`.
    public var event: UInt64
    /// Per byte of event topic and data.
    public var perEventByte: UInt64
    /// Every `send_message`.
    public var message: UInt64
    /// Per byte of message method and arguments.
    public var perMessageByte: UInt64
    /// Per entry a `storage_next` examines: the result, and the block's writes to the
    /// contract and its removed keys that the scan steps over (docs/protocol.md 18.5).
    public var storageScan: UInt64

    /// The schedule in force (docs/protocol.md 18.5).
    public static let standard = GasSchedule(
        callBase: 5_000, perCodeKiB: 500_000, perMemoryPage: 500, hostCall: 100, perDataByte: 1,
        perByteRead: 2, storageWrite: 2_000, perByteWritten: 20, storageRemove: 500, balance: 200,
        transfer: 1_000, event: 500, perEventByte: 4, message: 2_000, perMessageByte: 4, storageScan: 20)

    /// A schedule with every price given.
    public init(callBase: UInt64, perCodeKiB: UInt64, perMemoryPage: UInt64, hostCall: UInt64, perDataByte: UInt64,
                perByteRead: UInt64, storageWrite: UInt64, perByteWritten: UInt64, storageRemove: UInt64,
                balance: UInt64, transfer: UInt64, event: UInt64, perEventByte: UInt64, message: UInt64,
                perMessageByte: UInt64, storageScan: UInt64 = 20) {
        self.callBase = callBase
        self.perCodeKiB = perCodeKiB
        self.perMemoryPage = perMemoryPage
        self.hostCall = hostCall
        self.perDataByte = perDataByte
        self.perByteRead = perByteRead
        self.storageWrite = storageWrite
        self.perByteWritten = perByteWritten
        self.storageRemove = storageRemove
        self.balance = balance
        self.transfer = transfer
        self.event = event
        self.perEventByte = perEventByte
        self.message = message
        self.perMessageByte = perMessageByte
        self.storageScan = storageScan
    }

    /// The most codes a block keeps loaded (docs/protocol.md 18.5): a call of another code
    /// while this many are loaded pays to load it, and its code is not kept.
    public static let maxLoadedCodes = 64

    /// The entry price of a call of code of `codeSize` bytes that its block has not loaded.
    public func coldEntryCost(codeSize: Int) -> UInt64 {
        callBase + perCodeKiB * UInt64((codeSize + 1023) / 1024)
    }

    /// A gas limit that covers a call of code of `codeSize` bytes when it is the first of its
    /// code in a block, with `run` gas for the call itself (the command line's default).
    public func callGas(codeSize: Int, run: UInt64 = 2_000_000) -> UInt64 {
        min(GasTerms.maxGasLimit, coldEntryCost(codeSize: codeSize) + run)
    }

    /// The fixed cost of a call of `code`, charged before it runs: `callBase`, plus
    /// `perCodeKiB` per KiB of code (rounded up) unless the code is `loaded`, kept from an
    /// earlier call in the same block (docs/protocol.md 18.5).
    public func entryCost(of code: ContractCode, loaded: Bool) -> UInt64 {
        loaded ? callBase : coldEntryCost(codeSize: code.bytes.count)
    }
}
