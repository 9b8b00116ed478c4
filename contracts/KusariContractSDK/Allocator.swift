#if arch(wasm32)
import KusariWasmSupport

// The heap of a contract call: a bump allocator over linear memory, from the linker's
// `__heap_base` upwards, growing the memory a page at a time. (The C names the Swift runtime
// calls, `posix_memalign` and `free`, are bound to these by the linker flags
// `--wrap=posix_memalign --wrap=free`.) Nothing is freed: a call is short, and every call
// starts from an instance in its initial state (the heap top is in memory, so it is reset
// too). When the memory reaches the maximum the module declares, the allocation traps
// (`unreachable`), so a contract that wants more memory than the chain allows stops with a
// trap, never with a corrupted heap.
nonisolated(unsafe) private var heapTop: UInt = 0

@_cdecl("__wrap_posix_memalign")
func kusari_posix_memalign(_ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ alignment: Int, _ size: Int) -> Int32 {
    if heapTop == 0 { heapTop = UInt(kusari_heap_base()) }
    let align = UInt(alignment < 16 ? 16 : alignment)
    let start = (heapTop &+ align &- 1) & ~(align &- 1)
    let (end, overflow) = start.addingReportingOverflow(UInt(size))
    if overflow { fatalError() }
    let available = UInt(kusari_memory_pages()) &* 65536
    if end > available {
        let pages = (end &- available &+ 65535) / 65536
        if kusari_memory_grow(Int(pages)) == -1 { fatalError() }
    }
    heapTop = end
    out.pointee = UnsafeMutableRawPointer(bitPattern: start)
    return 0
}

@_cdecl("__wrap_free")
func kusari_free(_ pointer: UnsafeMutableRawPointer?) {}
#endif
