import Foundation
import KusariCore
import WasmKit

/// An instance of a contract's module, ready for a call, with what it takes to make it new
/// again: its memory's initial image and its mutable globals' initial values.
///
/// WasmKit translates a function the first time an instance calls it, and that translation
/// costs far more than running a typical call; an instance kept between calls keeps its
/// translations. Reset, it is indistinguishable from a fresh one: its state is its memory
/// and its mutable globals (tables cannot change and segments cannot be dropped, 18.4).
final class PooledInstance {
    let store: Store
    let instance: Instance
    let memory: Memory?
    let slot: CallSlot
    let memoryImage: [UInt8]
    /// For each ``chunkSize`` bytes of the image, whether they are all zero (most of an image
    /// is: the shadow stack and the heap).
    let zeroChunks: [Bool]
    let globals: [(global: Global, initial: Value)]
    /// The unit in which ``reset()`` compares and restores memory.
    static let chunkSize = 1024
    /// ``chunkSize`` zero bytes, to compare chunks against.
    static let zeros = [UInt8](repeating: 0, count: chunkSize)

    /// Instantiates `code`, keeping its memory's initial image for ``reset()``.
    init(code: ContractCode, engine: Engine, limits: ContractLimits, schedule: GasSchedule) throws {
        store = Store(engine: engine)
        slot = CallSlot()
        let instance = try code.module.instantiate(
            store: store, imports: HostFunctions.imports(for: slot, store: store, limits: limits, schedule: schedule))
        self.instance = instance
        memory = instance.exports[memory: "memory"]
        let image = memory.map { m in m.withUnsafeBufferPointer(offset: 0, count: m.byteCount) { Array($0) } } ?? []
        memoryImage = image
        let size = Self.chunkSize
        zeroChunks = stride(from: 0, to: image.count, by: size).map { start in
            image[start..<min(start + size, image.count)].allSatisfy { $0 == 0 }
        }
        globals = code.mutableGlobals.compactMap { name in
            instance.exports[global: name].map { (global: $0, initial: $0.value) }
        }
    }

    /// Puts memory and globals back as they were after instantiation; false when that is not
    /// possible (the memory grew), and the instance must not be reused.
    ///
    /// A call writes a few KiB of a memory of 128 KiB or more, so memory is compared with the
    /// image chunk by chunk (zero chunks against zeros, without reading the image) and only
    /// the chunks that differ are copied back: afterwards every byte equals the image's, as
    /// after a copy of the whole image, which is what this replaced (it was an eighth of a
    /// token transfer's time).
    func reset() -> Bool {
        guard let memory else { return true }
        guard memory.byteCount == memoryImage.count else { return false }
        let size = Self.chunkSize
        memoryImage.withUnsafeBytes { image in
            Self.zeros.withUnsafeBytes { zeros in
                memory.withUnsafeMutableBufferPointer(offset: 0, count: image.count) { live in
                    guard let base = live.baseAddress, let original = image.baseAddress, let zero = zeros.baseAddress else { return }
                    for (i, isZero) in zeroChunks.enumerated() {
                        let start = i * size
                        let n = min(size, image.count - start)
                        let reference = isZero ? zero : original + start
                        if memcmp(base + start, reference, n) != 0 { memcpy(base + start, original + start, n) }
                    }
                }
            }
        }
        for (global, initial) in globals {
            do { try global.assign(initial) } catch { return false }
        }
        return true
    }
}

/// What a block keeps of code its calls loaded (``ContractHost/loadedCode(_:)``): the module
/// and the instance of the last call, reset and idle. While a block keeps it, calls of the code
/// pay the loaded entry price, and run on this instance (its functions translated already).
final class LoadedCode {
    let code: ContractCode
    let idle: PooledInstance

    init(code: ContractCode, idle: PooledInstance) {
        self.code = code
        self.idle = idle
    }
}

/// Idle instances by code hash, at most `perCode` for each code and `codes` codes (the code
/// used longest ago is dropped first). Thread-safe; an instance is used by one call at a time.
final class InstancePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Hash256: [PooledInstance]] = [:]
    private var order: [Hash256] = []
    let perCode: Int
    let codes: Int

    init(perCode: Int = 4, codes: Int = 64) {
        self.perCode = perCode
        self.codes = codes
    }

    func take(_ hash: Hash256) -> PooledInstance? {
        lock.lock(); defer { lock.unlock() }
        return idle[hash]?.popLast()
    }

    func give(_ instance: PooledInstance, for hash: Hash256) {
        lock.lock(); defer { lock.unlock() }
        if let index = order.firstIndex(of: hash) { order.remove(at: index) }
        order.append(hash)
        if (idle[hash]?.count ?? 0) < perCode { idle[hash, default: []].append(instance) }
        while order.count > codes { idle[order.removeFirst()] = nil }
    }
}
