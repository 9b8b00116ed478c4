// A three-party escrow: the buyer (who deploys it) names a seller, an arbiter and a
// deadline; the buyer deposits KSR; the buyer or the arbiter releases it to the seller; the
// seller or the arbiter refunds it to the buyer, and so may the buyer once the deadline
// (a block time) has passed. Each step is recorded as an event.
#if canImport(KusariContractSDK)
import KusariContractSDK
#endif

let buyer = StorageValue<Address>("buyer")
let seller = StorageValue<Address>("seller")
let arbiter = StorageValue<Address>("arbiter")
let deadline = StorageValue<Int64>("deadline")
/// 0: open, 1: released, 2: refunded.
let status = StorageValue<UInt64>("status")

func parties() throws(Revert) -> (buyer: Address, seller: Address, arbiter: Address) {
    guard let b = try buyer.get(), let s = try seller.get(), let a = try arbiter.get() else {
        throw Revert("escrow is not initialised")
    }
    return (b, s, a)
}

func settle(to recipient: Address, newStatus: UInt64, topic: StaticString) throws(Revert) {
    try require(try status.get(default: 0) == 0, "escrow is already settled")
    let amount = Context.balance(of: Context.selfAddress)
    try require(amount > 0, "nothing deposited")
    status.set(newStatus)
    try Context.transfer(to: recipient, amount: amount)
    var event = ArgumentWriter(); event.write(recipient); event.write(amount)
    Context.emit(topic, event)
}

/// init(seller: address, arbiter: address, deadline: i64)
@_expose(wasm, "init") @_cdecl("escrow_init")
public func escrowInit() {
    contractMethod { args, _ throws(Revert) in
        let s: Address = try args.read()
        let a: Address = try args.read()
        let d: Int64 = try args.read()
        try require(try buyer.get() == nil, "already initialised")
        buyer.set(Context.caller); seller.set(s); arbiter.set(a); deadline.set(d); status.set(0)
    }
}

/// deposit(), with KSR attached: only the buyer, only while open.
@_expose(wasm, "deposit") @_cdecl("escrow_deposit")
public func escrowDeposit() {
    contractMethod { _, _ throws(Revert) in
        let p = try parties()
        try require(Context.caller == p.buyer, "only the buyer deposits")
        try require(try status.get(default: 0) == 0, "escrow is already settled")
        try require(Context.attachedValue > 0, "attach the amount to deposit")
        var event = ArgumentWriter(); event.write(Context.attachedValue)
        Context.emit("deposited", event)
    }
}

/// release(): the buyer or the arbiter pays the seller everything held.
@_expose(wasm, "release") @_cdecl("escrow_release")
public func escrowRelease() {
    contractMethod { _, _ throws(Revert) in
        let p = try parties()
        try require(Context.caller == p.buyer || Context.caller == p.arbiter, "only the buyer or the arbiter releases")
        try settle(to: p.seller, newStatus: 1, topic: "released")
    }
}

/// refund(): the seller or the arbiter, or the buyer after the deadline, returns everything to the buyer.
@_expose(wasm, "refund") @_cdecl("escrow_refund")
public func escrowRefund() {
    contractMethod { _, _ throws(Revert) in
        let p = try parties()
        let caller = Context.caller
        let late = Context.blockTime > (try deadline.get(default: Int64.max))
        try require(caller == p.seller || caller == p.arbiter || (caller == p.buyer && late),
                    "only the seller or the arbiter refunds (the buyer after the deadline)")
        try settle(to: p.buyer, newStatus: 2, topic: "refunded")
    }
}

/// state() -> u64 status, u64 amount held
@_expose(wasm, "state") @_cdecl("escrow_state")
public func escrowState() {
    contractMethod { _, result throws(Revert) in
        result.write(try status.get(default: 0))
        result.write(Context.balance(of: Context.selfAddress))
    }
}
