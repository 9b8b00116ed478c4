// A name registry: anyone registers a free name by paying the price set at init (the KSR
// stays in the contract), owns it, transfers or releases it; anyone resolves a name or lists
// the names in order. Names are 1-32 bytes of a-z, 0-9 and '-'.
#if canImport(KusariContractSDK)
import KusariContractSDK
#endif

let price = StorageValue<UInt64>("price")
let owners = StorageMap<[UInt8], Address>("name")

func checkName(_ name: [UInt8]) throws(Revert) {
    try require(!name.isEmpty && name.count <= 32, "name must be 1-32 bytes")
    for b in name {
        let ok = (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D
        try require(ok, "name may hold only a-z, 0-9 and -")
    }
}

/// init(price: u64): the price of a registration in KSR units.
@_expose(wasm, "init") @_cdecl("registry_init")
public func registryInit() {
    contractMethod { args, _ throws(Revert) in
        let amount: UInt64 = try args.read()
        try require(try price.get() == nil, "already initialised")
        price.set(amount)
    }
}

/// register(name: bytes), with at least the price attached.
@_expose(wasm, "register") @_cdecl("registry_register")
public func registryRegister() {
    contractMethod { args, _ throws(Revert) in
        let name: [UInt8] = try args.read()
        try checkName(name)
        try require(Context.attachedValue >= (try price.get(default: 0)), "attach the registration price")
        try require(try owners.get(name) == nil, "name is taken")
        owners.set(name, Context.caller)
        var event = ArgumentWriter(); event.write(name); event.write(Context.caller)
        Context.emit("registered", event)
    }
}

/// owner(name: bytes) -> address; reverts when the name is free.
@_expose(wasm, "owner") @_cdecl("registry_owner")
public func registryOwner() {
    contractMethod { args, result throws(Revert) in
        let name: [UInt8] = try args.read()
        guard let owner = try owners.get(name) else { throw Revert("name is not registered") }
        result.write(owner)
    }
}

/// transfer_name(name: bytes, to: address): the owner gives the name away.
@_expose(wasm, "transfer_name") @_cdecl("registry_transfer_name")
public func registryTransferName() {
    contractMethod { args, _ throws(Revert) in
        let name: [UInt8] = try args.read()
        let to: Address = try args.read()
        try require(try owners.get(name) == Context.caller, "only the owner may transfer a name")
        owners.set(name, to)
        var event = ArgumentWriter(); event.write(name); event.write(to)
        Context.emit("transferred", event)
    }
}

/// release(name: bytes): the owner frees the name (the price is not refunded).
@_expose(wasm, "release") @_cdecl("registry_release")
public func registryRelease() {
    contractMethod { args, _ throws(Revert) in
        let name: [UInt8] = try args.read()
        try require(try owners.get(name) == Context.caller, "only the owner may release a name")
        owners.remove(name)
        var event = ArgumentWriter(); event.write(name)
        Context.emit("released", event)
    }
}

/// list(limit: u64) -> list of bytes: the registered names in the order of their encoded keys
/// (length first, so shorter names first), at most `limit` (<= 100).
@_expose(wasm, "list") @_cdecl("registry_list")
public func registryList() {
    contractMethod { args, result throws(Revert) in
        let limit: UInt64 = try args.read()
        try require(limit <= 100, "limit is at most 100")
        var names: [[UInt8]] = []
        try owners.forEach(limit: Int(limit)) { name, _ throws(Revert) in names.append(name) }
        result.writeListHeader(count: names.count)
        for name in names { result.write(name) }
    }
}
