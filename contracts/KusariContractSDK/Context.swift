/// The call's environment: who called, this contract, the block, KSR, events and messages.
public enum Context {
    /// The account or contract that made this call.
    public static var caller: Address { Host.caller() }
    /// This contract's address.
    public static var selfAddress: Address { Host.selfAddress() }
    /// The height of the block the call runs in.
    public static var blockHeight: UInt64 { Host.blockHeight() }
    /// The block's timestamp in seconds since 1970.
    public static var blockTime: Int64 { Host.blockTime() }
    /// The KSR units the caller attached to this call (already in this contract's balance).
    public static var attachedValue: UInt64 { Host.attachedValue() }

    /// The KSR balance of `address` in units.
    public static func balance(of address: Address) -> UInt64 { Host.balance(address) }

    /// Sends `amount` KSR units from this contract to `address`; reverts when the contract
    /// holds less.
    public static func transfer(to address: Address, amount: UInt64) throws(Revert) {
        guard Host.transfer(to: address, amount: amount) else { throw Revert.insufficientFunds }
    }

    /// Records an event with `topic` and the values written into `data`.
    public static func emit(_ topic: StaticString, _ data: ArgumentWriter = ArgumentWriter()) {
        Host.emitEvent(topic: staticBytes(topic), data: data.bytes)
    }

    /// Queues a call of `method` on `contract`, run after this call returns successfully.
    public static func send(to contract: Address, method: StaticString, arguments: ArgumentWriter = ArgumentWriter(),
                            amount: UInt64 = 0) {
        Host.sendMessage(to: contract, method: staticBytes(method), arguments: arguments.bytes, amount: amount)
    }
}

/// Runs one contract method: reads the call's arguments, runs `body`, and either sets what
/// it wrote as the return data or, when it throws, reverts the call with the message.
/// Every exported method of a contract is a one-line call of this:
///
/// ```swift
/// @_expose(wasm, "transfer") @_cdecl("token_transfer")
/// public func transfer() { contractMethod { args, result throws(Revert) in ... } }
/// ```
///
/// `@_expose(wasm, NAME)` names the export (the method); `@_cdecl` gives the function the C
/// calling convention, without which Swift adds two hidden `i32` parameters on wasm32 and
/// the node refuses the method (methods are `[] -> []`). The C name only has to be unique
/// among the contracts a native test links together.
///
/// Arguments left unread revert the call (`invalid arguments`).
public func contractMethod(_ body: (inout ArgumentReader, inout ArgumentWriter) throws(Revert) -> Void) {
    var reader = ArgumentReader(Host.input())
    var writer = ArgumentWriter()
    do {
        try body(&reader, &writer)
        try reader.finish()
        Host.setReturnData(writer.bytes)
    } catch {
        Host.revert(error.message)
    }
}
