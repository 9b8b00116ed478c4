// The host API as the contract sees it: the functions a node provides in the import module
// "kusari" (docs/protocol.md section 18.2 lists them with their WebAssembly signatures and
// gas prices). In a wasm32 build they are imports; in a native build (unit tests of a
// contract without a node) the same names are implemented over `TestHost` (TestHost.swift).
// Contract code never calls these directly: it uses `Storage`, `Context` and `contractMethod`.

#if arch(wasm32)

@_extern(wasm, module: "kusari", name: "input_size")
@_extern(c)
func kusari_input_size() -> Int32

@_extern(wasm, module: "kusari", name: "input_read")
@_extern(c)
func kusari_input_read(_ out: UnsafeMutableRawPointer?)

@_extern(wasm, module: "kusari", name: "return_data")
@_extern(c)
func kusari_return_data(_ data: UnsafeRawPointer?, _ length: Int32)

@_extern(wasm, module: "kusari", name: "revert")
@_extern(c)
func kusari_revert(_ message: UnsafeRawPointer?, _ length: Int32)

@_extern(wasm, module: "kusari", name: "storage_read")
@_extern(c)
func kusari_storage_read(_ key: UnsafeRawPointer?, _ keyLength: Int32,
                         _ out: UnsafeMutableRawPointer?, _ capacity: Int32) -> Int32

@_extern(wasm, module: "kusari", name: "storage_write")
@_extern(c)
func kusari_storage_write(_ key: UnsafeRawPointer?, _ keyLength: Int32,
                          _ value: UnsafeRawPointer?, _ valueLength: Int32)

@_extern(wasm, module: "kusari", name: "storage_remove")
@_extern(c)
func kusari_storage_remove(_ key: UnsafeRawPointer?, _ keyLength: Int32) -> Int32

@_extern(wasm, module: "kusari", name: "storage_next")
@_extern(c)
func kusari_storage_next(_ prefix: UnsafeRawPointer?, _ prefixLength: Int32,
                         _ after: UnsafeRawPointer?, _ afterLength: Int32,
                         _ out: UnsafeMutableRawPointer?) -> Int32

@_extern(wasm, module: "kusari", name: "caller")
@_extern(c)
func kusari_caller(_ out: UnsafeMutableRawPointer?)

@_extern(wasm, module: "kusari", name: "self_address")
@_extern(c)
func kusari_self_address(_ out: UnsafeMutableRawPointer?)

@_extern(wasm, module: "kusari", name: "block_height")
@_extern(c)
func kusari_block_height() -> Int64

@_extern(wasm, module: "kusari", name: "block_time")
@_extern(c)
func kusari_block_time() -> Int64

@_extern(wasm, module: "kusari", name: "attached_value")
@_extern(c)
func kusari_attached_value() -> Int64

@_extern(wasm, module: "kusari", name: "balance")
@_extern(c)
func kusari_balance(_ address: UnsafeRawPointer?) -> Int64

@_extern(wasm, module: "kusari", name: "transfer")
@_extern(c)
func kusari_transfer(_ address: UnsafeRawPointer?, _ amount: Int64) -> Int32

@_extern(wasm, module: "kusari", name: "emit_event")
@_extern(c)
func kusari_emit_event(_ topic: UnsafeRawPointer?, _ topicLength: Int32,
                       _ data: UnsafeRawPointer?, _ dataLength: Int32)

@_extern(wasm, module: "kusari", name: "send_message")
@_extern(c)
func kusari_send_message(_ contract: UnsafeRawPointer?, _ method: UnsafeRawPointer?, _ methodLength: Int32,
                         _ args: UnsafeRawPointer?, _ argsLength: Int32, _ amount: Int64)

#endif
