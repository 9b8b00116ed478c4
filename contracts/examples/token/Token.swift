// A fungible token: a fixed supply minted to the deployer at init, balances, transfers,
// allowances and transfer-from, with `transfer` and `approval` events.
#if canImport(KusariContractSDK)
import KusariContractSDK
#endif

/// Who may spend whose tokens: the key of the allowance map.
struct Spending: ContractCodable {
    let owner: Address
    let spender: Address

    func encode(to writer: inout ArgumentWriter) { writer.write(owner); writer.write(spender) }
    static func decode(from reader: inout ArgumentReader) throws(Revert) -> Spending {
        Spending(owner: try reader.read(), spender: try reader.read())
    }
}

let totalSupply = StorageValue<UInt64>("supply")
let balances = StorageMap<Address, UInt64>("bal")
let allowances = StorageMap<Spending, UInt64>("allow")

func move(from: Address, to: Address, amount: UInt64) throws(Revert) {
    let fromBalance = try balances.get(from, default: 0)
    try require(fromBalance >= amount, "insufficient balance")
    balances.set(from, fromBalance - amount)
    let toBalance = try balances.get(to, default: 0)
    let (sum, overflow) = toBalance.addingReportingOverflow(amount)
    try require(!overflow, "balance overflow")
    balances.set(to, sum)
    var event = ArgumentWriter()
    event.write(from); event.write(to); event.write(amount)
    Context.emit("transfer", event)
}

/// init(supply: u64): mints `supply` to the deployer. Runs once, at deploy.
@_expose(wasm, "init") @_cdecl("token_init")
public func tokenInit() {
    contractMethod { args, _ throws(Revert) in
        let supply: UInt64 = try args.read()
        try require(try totalSupply.get() == nil, "already initialised")
        totalSupply.set(supply)
        balances.set(Context.caller, supply)
    }
}

/// transfer(to: address, amount: u64)
@_expose(wasm, "transfer") @_cdecl("token_transfer")
public func tokenTransfer() {
    contractMethod { args, _ throws(Revert) in
        let to: Address = try args.read()
        let amount: UInt64 = try args.read()
        try move(from: Context.caller, to: to, amount: amount)
    }
}

/// approve(spender: address, amount: u64): lets `spender` move up to `amount` of the caller's tokens.
@_expose(wasm, "approve") @_cdecl("token_approve")
public func tokenApprove() {
    contractMethod { args, _ throws(Revert) in
        let spender: Address = try args.read()
        let amount: UInt64 = try args.read()
        allowances.set(Spending(owner: Context.caller, spender: spender), amount)
        var event = ArgumentWriter()
        event.write(Context.caller); event.write(spender); event.write(amount)
        Context.emit("approval", event)
    }
}

/// transfer_from(owner: address, to: address, amount: u64): spends the caller's allowance.
@_expose(wasm, "transfer_from") @_cdecl("token_transfer_from")
public func tokenTransferFrom() {
    contractMethod { args, _ throws(Revert) in
        let owner: Address = try args.read()
        let to: Address = try args.read()
        let amount: UInt64 = try args.read()
        let key = Spending(owner: owner, spender: Context.caller)
        let allowed = try allowances.get(key, default: 0)
        try require(allowed >= amount, "allowance exceeded")
        allowances.set(key, allowed - amount)
        try move(from: owner, to: to, amount: amount)
    }
}

/// balance_of(owner: address) -> u64
@_expose(wasm, "balance_of") @_cdecl("token_balance_of")
public func tokenBalanceOf() {
    contractMethod { args, result throws(Revert) in
        let owner: Address = try args.read()
        result.write(try balances.get(owner, default: 0))
    }
}

/// allowance(owner: address, spender: address) -> u64
@_expose(wasm, "allowance") @_cdecl("token_allowance")
public func tokenAllowance() {
    contractMethod { args, result throws(Revert) in
        let owner: Address = try args.read()
        let spender: Address = try args.read()
        result.write(try allowances.get(Spending(owner: owner, spender: spender), default: 0))
    }
}

/// total_supply() -> u64
@_expose(wasm, "total_supply") @_cdecl("token_total_supply")
public func tokenTotalSupply() {
    contractMethod { _, result throws(Revert) in
        result.write(try totalSupply.get(default: 0))
    }
}
