import ArgumentParser
import Foundation
import KusariContracts
import KusariCore
import KusariJSON

extension ContractCommand {
    /// `kusari contract deploy FILE`.
    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deploy a module (from `contract build`) with a key file; prints the new contract's address.")

        @Argument(help: "The module (.wasm).") var file: String
        @Option(parsing: .upToNextOption, help: "Arguments of init (TYPE:VALUE or a bare value; see `contract call --help`).") var `init`: [String] = []
        @OptionGroup var tx: ContractTxOptions

        func run() async throws {
            let (node, keyPair) = try await tx.connect()
            let code = try Files.read(file, limit: ContractDeploy.maxCodeLength + 1)
            guard code.count <= ContractDeploy.maxCodeLength else {
                throw CLIError("\(file): more than \(ContractDeploy.maxCodeLength) bytes, the largest module a deploy takes")
            }
            do { _ = try ContractCode(bytes: [UInt8](code)) } catch { throw CLIError("\(file): \(error)") }
            let input = ContractValue.encode(try ContractArguments.parse(self.`init`, network: node.network))
            let nonce = try await ContractTx.nonce(node, keyPair)
            let units = try ContractTx.amount(tx.amount)
            // Storing the code, then `init` as the first call of the code in its block (18.5).
            let schedule = GasSchedule.standard
            let gas = tx.gas ?? schedule.callGas(codeSize: code.count, run: 5_000_000)
            let signed = try ContractTx.sign(node: node, gas: gas, price: tx.gasPrice) { terms in
                try Transaction(chainId: node.chainId, key: keyPair, nonce: nonce,
                                deploy: ContractDeploy(code: [UInt8](code), input: input, gas: terms), amount: units)
            }
            try await ContractTx.post(signed, node: node, wait: tx.wait, timeout: tx.timeout,
                                      extra: [("contract", .string(Address(payload: signed.to, network: node.network).string))])
        }
    }

    /// `kusari contract call ADDRESS METHOD ARGS...`.
    struct Call: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Call a contract's method in a transaction signed with a key file.",
            discussion: """
            Arguments are TYPE:VALUE with TYPE one of u64, i64, bool, bytes (hex), string, address; or a bare
            value: digits are a u64, a minus sign and digits an i64, true/false a bool, 0x and hex bytes, an
            address of the node's network an address, anything else a string.
            """)

        @Argument(help: "The contract's address.") var contract: String
        @Argument(help: "The method.") var method: String
        @Argument(help: "The method's arguments.") var args: [String] = []
        @OptionGroup var tx: ContractTxOptions

        func run() async throws {
            let (node, keyPair) = try await tx.connect()
            let target = try Arguments.address(contract, network: node.network, field: "contract")
            guard ContractInvocation.isValidMethod(method) else { throw CLIError("method: 1-64 characters from a-z, 0-9 and _") }
            let input = ContractValue.encode(try ContractArguments.parse(args, network: node.network))
            let nonce = try await ContractTx.nonce(node, keyPair)
            let units = try ContractTx.amount(tx.amount)
            let gas: UInt64
            if let given = tx.gas { gas = given } else {
                // Enough to be the first call of the contract's code in its block (18.5).
                let info = try await node.client.get("/v1/contracts/\(target.string)")
                guard info.status == 200, let size = jsonUInt(info.json["codeSize"]) else {
                    throw CLIError("contract: \(info.errorMessage ?? "status \(info.status)")")
                }
                gas = GasSchedule.standard.callGas(codeSize: Int(clamping: size))
            }
            let signed = try ContractTx.sign(node: node, gas: gas, price: tx.gasPrice) { terms in
                try Transaction(chainId: node.chainId, key: keyPair, nonce: nonce, contract: target.payload,
                                call: ContractInvocation(method: method, input: input, gas: terms), amount: units)
            }
            try await ContractTx.post(signed, node: node, wait: tx.wait, timeout: tx.timeout, extra: [])
        }
    }

    /// `kusari contract query ADDRESS METHOD ARGS...`.
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a contract's method read-only at a node: free, nothing is kept. Arguments as for `contract call`.")

        @Argument(help: "The contract's address.") var contract: String
        @Argument(help: "The method.") var method: String
        @Argument(help: "The method's arguments.") var args: [String] = []
        @Option(help: "The caller the method sees (default: the all-zero address).") var caller: String?
        @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"

        func run() async throws {
            let node = try await WalletNode.connect(api: api, network: nil)
            let target = try Arguments.address(contract, network: node.network, field: "contract")
            let input = ContractValue.encode(try ContractArguments.parse(args, network: node.network))
            var body: [String: Any] = ["method": method, "args": Hex.encode(input)]
            if let caller { body["caller"] = try Arguments.address(caller, network: node.network, field: "caller").string }
            let reply = try await node.client.post("/v1/contracts/\(target.string)/query", json: body)
            guard reply.status == 200 else { throw CLIError("query: \(reply.errorMessage ?? "status \(reply.status)")") }
            let output = (try? Hex.decode(reply.json["output"] as? String ?? "", field: "output")) ?? []
            var fields: [(String, JSON)] = [("succeeded", .bool(reply.json["succeeded"] as? Bool ?? false))]
            if let failure = reply.json["failure"] as? String { fields.append(("failure", .string(failure))) }
            fields += [("result", ContractArguments.json(output, network: node.network)),
                       ("gasUsed", .uint(jsonUInt(reply.json["gasUsed"]) ?? 0)), ("height", .uint(jsonUInt(reply.json["height"]) ?? 0))]
            Output.print(.object(fields))
            if reply.json["succeeded"] as? Bool != true { throw ExitCode(1) }
        }
    }

    /// `kusari contract inspect ADDRESS`.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a contract: code hash and size, methods, balance, storage root and its first storage entries.")

        @Argument(help: "The contract's address.") var contract: String
        @Option(help: "How many storage entries to show.") var entries = 20
        @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"

        func run() async throws {
            let node = try await WalletNode.connect(api: api, network: nil)
            let target = try Arguments.address(contract, network: node.network, field: "contract")
            let info = try await node.client.get("/v1/contracts/\(target.string)")
            guard info.status == 200 else { throw CLIError("contract: \(info.errorMessage ?? "status \(info.status)")") }
            let limit = max(1, min(entries, 1_000))
            let storage = try await node.client.get("/v1/contracts/\(target.string)/storage?limit=\(limit)")
            let list = (storage.json["entries"] as? [[String: Any]] ?? []).map { e -> JSON in
                .object([("key", .string(e["key"] as? String ?? "")), ("value", .string(e["value"] as? String ?? ""))])
            }
            Output.print(.object([
                ("address", .string(target.string)), ("codeHash", .string(info.json["codeHash"] as? String ?? "")),
                ("codeSize", .uint(jsonUInt(info.json["codeSize"]) ?? 0)),
                ("methods", .array((info.json["methods"] as? [String] ?? []).map(JSON.string))),
                ("balance", .uint(jsonUInt(info.json["balance"]) ?? 0)),
                ("storageRoot", .string(info.json["storageRoot"] as? String ?? "")),
                ("storageKeys", .uint(jsonUInt(info.json["storageKeys"]) ?? 0)), ("storage", .array(list)),
            ]))
        }
    }
}

/// The options a deploy and a call share.
struct ContractTxOptions: ParsableArguments {
    @Option(help: "Key file of the sender.") var key: String
    @Option(help: "Gas limit (default: enough to load the code as the first call of it in a block, 18.5 of docs/protocol.md, plus 5,000,000 for a deploy, 2,000,000 for a call).") var gas: UInt64?
    @Option(help: "Gas price in base units (default: enough for the node's minimum fee).") var gasPrice: UInt64?
    @Option(help: "KSR attached to the contract (base units, or KSR with the suffix ksr).") var amount = "0"
    @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"
    @Flag(help: "Wait until it is mined and print its receipt.") var wait = false
    @Option(help: "Seconds to wait with --wait.") var timeout: Double = 120

    /// The node and the sender's key.
    func connect() async throws -> (WalletNode, KeyPair) {
        let node = try await WalletNode.connect(api: api, network: nil)
        return (node, try loadKey(key).key)
    }
}

/// What deploy and call share: the nonce, the gas price, posting and the receipt.
enum ContractTx {
    static func nonce(_ node: WalletNode, _ key: KeyPair) async throws -> UInt64 {
        let sender = Address(publicKey: key.publicKey, network: node.network)
        let account = try await node.client.get("/v1/accounts/\(sender.string)")
        guard account.status == 200, let nonce = jsonUInt(account.json["pendingNonce"]) else {
            throw CLIError("api: cannot read the sender's account: \(account.errorMessage ?? "status \(account.status)")")
        }
        return nonce
    }

    static func amount(_ text: String) throws -> UInt64 {
        guard let units = Amount.parse(text) else { throw CLIError("amount: '\(text)' is not an amount") }
        return units
    }

    /// Signs with `price`, or with the lowest price whose fee (gas x price) meets twice the
    /// node's minimum fee for the transaction's size.
    static func sign(node: WalletNode, gas: UInt64, price: UInt64?,
                     _ make: (GasTerms) throws -> Transaction) throws -> Transaction {
        guard gas > 0, gas <= GasTerms.maxGasLimit else { throw CLIError("gas: 1 to \(GasTerms.maxGasLimit)") }
        if let price { return try make(GasTerms(limit: gas, price: price)) }
        let size = try make(GasTerms(limit: gas, price: 0)).encodedSize
        let needed = node.autoFee(size: size)
        return try make(GasTerms(limit: gas, price: max(1, (needed + gas - 1) / gas)))
    }

    static func post(_ tx: Transaction, node: WalletNode, wait: Bool, timeout: Double, extra: [(String, JSON)]) async throws {
        let (id, confirmed) = try await node.post(tx, wait: wait, timeout: timeout)
        var fields: [(String, JSON)] = [("id", .string(id))] + extra + [("maxFee", .uint(tx.fee))]
        guard let info = confirmed else {
            Output.print(.object(fields + [("status", .string("pending"))]))
            return
        }
        fields += [("status", .string("confirmed")), ("height", .uint(jsonUInt(info["height"]) ?? 0))]
        if let receipt = info["receipt"] as? [String: Any] {
            let succeeded = receipt["succeeded"] as? Bool ?? false
            fields += [("succeeded", .bool(succeeded)), ("gasUsed", .uint(jsonUInt(receipt["gasUsed"]) ?? 0))]
            if let failure = receipt["failure"] as? String { fields.append(("failure", .string(failure))) }
            let output = (try? Hex.decode(receipt["output"] as? String ?? "", field: "output")) ?? []
            fields.append(("result", ContractArguments.json(output, network: node.network)))
            let events = (receipt["events"] as? [[String: Any]] ?? []).map { e -> JSON in
                let data = (try? Hex.decode(e["data"] as? String ?? "", field: "data")) ?? []
                return .object([("topic", .string(e["topic"] as? String ?? "")), ("data", ContractArguments.json(data, network: node.network))])
            }
            fields.append(("events", .array(events)))
            Output.print(.object(fields))
            if !succeeded { throw ExitCode(1) }
            return
        }
        Output.print(.object(fields))
    }
}
