import ArgumentParser
import Foundation
import KusariBFT
import KusariClient
import KusariCore
import KusariJSON

/// `kusari light verify`: a light client of a BFT chain. It trusts one block the user
/// names, then checks headers, commit certificates and validator sets fetched from a
/// node it does not trust, up to a target height, and prints the verified state root
/// (and an account checked against it).
struct LightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "light", abstract: "Verify a BFT chain as a light client.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify headers and commits from a trusted block up to a height, and optionally an account.",
            discussion: """
                Trusts HEIGHT:BLOCKID (from a source you trust), fetches the block, its commit and its validator \
                set at each height it needs, and accepts a later height when more than a third of a trusted set and \
                more than two thirds of its own set signed it (bisecting when not). Prints the verified height, \
                block id and state root; with --address, the account's proof checked against that root.
                """)

        @Option(help: "The node's API, HOST:PORT or a URL.") var api = "127.0.0.1:8645"
        @Option(help: "The trusted block, HEIGHT:BLOCKID.") var trust: String
        @Option(help: "The height to verify (default: the node's tip).") var height: UInt64?
        @Option(help: "An address whose account to check against the verified state root.") var address: String?

        func run() async throws {
            let parts = trust.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let trustedHeight = UInt64(parts[0]), let trustedId = try? Hash256(hex: parts[1]) else {
                throw CLIError("trust: expected HEIGHT:BLOCKID (a decimal height and 64 hex digits), got '\(trust)'")
            }
            let client = HTTPClient(base: api.hasPrefix("http") ? api : "http://" + api)
            let status = try await LightSource.object(client, "/v1/status")
            guard let chainId = (status["chainId"] as? NSNumber)?.uint32Value,
                  let networkName = status["network"] as? String, let network = Network(rawValue: networkName) else {
                throw CLIError("api: /v1/status has no chainId or network")
            }
            let source = LightSource(client: client, network: network)
            let trusted = try await source.lightBlock(trustedHeight)
            guard trusted.header.id == trustedId else {
                throw CLIError("trust: \(LightClientError.trustedBlockMismatch(height: trustedHeight, expected: trustedId, found: trusted.header.id))")
            }
            do { try LightVerifier.checkSelf(trusted, chainID: chainId) } catch { throw CLIError("trust: \(error)") }
            let target = height ?? ((status["height"] as? NSNumber)?.uint64Value ?? trustedHeight)
            var verified = trusted
            var trace = LightVerifier.Trace(verified: [], skipped: false)
            if target > trustedHeight {
                do {
                    (verified, trace) = try await LightVerifier.verify(trusted: trusted, targetHeight: target, chainID: chainId) {
                        try await source.lightBlock($0)
                    }
                } catch let e as LightClientError { throw CLIError("refused: \(e)") }
            } else if target < trustedHeight {
                throw CLIError("height: \(target) is below the trusted height \(trustedHeight) (a light client only moves forward)")
            }
            var fields: [(String, JSON)] = [
                ("verified", .bool(true)), ("height", .uint(verified.height)), ("blockId", .string(verified.header.id.hex)),
                ("stateRoot", .string(verified.header.stateRoot.hex)),
                ("validatorsHash", .string(verified.validators.hash.hex)),
                ("trusted", .string("\(trustedHeight):\(trustedId.hex)")),
                ("path", .array(trace.verified.map { JSON.uint($0) })), ("skipped", .bool(trace.skipped)),
            ]
            if let address {
                let parsed = try Arguments.address(address, network: network, field: "address")
                let account = try await source.account(parsed, height: verified.height, root: verified.header.stateRoot)
                var shown: [(String, JSON)] = [("address", .string(parsed.string)), ("balance", .uint(account.balance)),
                                                ("nonce", .uint(account.nonce))]
                if let code = account.codeHash {
                    shown += [("codeHash", .string(code.hex)), ("storageRoot", .string(account.storageRoot.hex))]
                }
                fields.append(("account", .object(shown + [("proofVerified", .bool(true))])))
            }
            Output.print(.object(fields))
        }
    }
}

/// Fetches what the light client checks from a node's API (it trusts none of it).
struct LightSource: Sendable {
    let client: HTTPClient
    let network: Network

    static func object(_ client: HTTPClient, _ path: String) async throws -> [String: Any] {
        let reply: HTTPClient.Reply
        do { reply = try await client.get(path) } catch { throw CLIError("\(error)") }
        guard reply.status == 200 else { throw CLIError("api: \(path): \(reply.errorMessage ?? "status \(reply.status)")") }
        return reply.json
    }

    /// The header, commit and validator set of `height`.
    func lightBlock(_ height: UInt64) async throws -> LightBlock {
        let block = try await Self.object(client, "/v1/blocks/\(height)")
        guard let h = block["header"] as? [String: Any] else { throw CLIError("api: block \(height) has no header") }
        let header = try headerFrom(h, height: height)
        let commitJSON = try await Self.object(client, "/v1/blocks/\(height)/commit")
        guard let hex = commitJSON["hex"] as? String, let bytes = try? Hex.decode(hex), let commit = try? BlockCommit(decoding: bytes) else {
            throw CLIError("api: the commit of height \(height) does not decode")
        }
        let setJSON = try await Self.object(client, "/v1/validators?height=\(height)")
        guard let list = setJSON["validators"] as? [[String: Any]] else { throw CLIError("api: no validators for height \(height)") }
        var members: [ValidatorUpdate] = []
        for v in list {
            guard let keyHex = v["publicKey"] as? String, let keyBytes = try? Hex.decode(keyHex), let key = PublicKey(bytes: keyBytes),
                  let power = (v["power"] as? NSNumber)?.uint64Value else {
                throw CLIError("api: a validator of height \(height) has no valid publicKey or power")
            }
            members.append(ValidatorUpdate(publicKey: key, votingPower: power))
        }
        let set: ValidatorSet
        do { set = try ValidatorSet(members) } catch { throw CLIError("refused: height \(height): the validator set: \(error)") }
        return LightBlock(header: header, commit: commit, validators: set)
    }

    /// A version 2 header from the API's fields (the id is computed here, not taken).
    func headerFrom(_ h: [String: Any], height: UInt64) throws -> BlockHeader {
        func hash(_ object: [String: Any], _ key: String) throws -> Hash256 {
            guard let text = object[key] as? String, let value = try? Hash256(hex: text) else {
                throw CLIError("api: header \(height): \(key) is not 64 hex digits")
            }
            return value
        }
        guard let bft = h["bft"] as? [String: Any] else { throw CLIError("refused: \(LightClientError.notBFT(height: height))") }
        guard let proposerText = bft["proposer"] as? String,
              let proposer = try? Address(parsing: proposerText, network: network) else {
            throw CLIError("api: header \(height): bft.proposer is not an address")
        }
        guard (h["height"] as? NSNumber)?.uint64Value == height, let timestamp = (h["timestamp"] as? NSNumber)?.uint64Value else {
            throw CLIError("api: header \(height): wrong height or no timestamp")
        }
        return BlockHeader(height: height, previousId: try hash(h, "previousId"), merkleRoot: try hash(h, "merkleRoot"),
                           stateRoot: try hash(h, "stateRoot"), timestamp: timestamp, proposer: proposer.payload,
                           bft: BFTHeaderFields(validatorsHash: try hash(bft, "validatorsHash"),
                                                nextValidatorsHash: try hash(bft, "nextValidatorsHash"),
                                                lastCommitHash: try hash(bft, "lastCommitHash"),
                                                evidenceHash: try hash(bft, "evidenceHash")))
    }

    /// The account of `address` at `height`, its proof checked against `root`.
    func account(_ address: Address, height: UInt64, root: Hash256) async throws -> Account {
        let json = try await Self.object(client, "/v1/accounts/\(address.string)?height=\(height)")
        guard let proof = json["proof"] as? [String: Any], let siblingsText = proof["siblings"] as? [String],
              let terminal = proof["terminal"] as? [String: Any], let kind = terminal["kind"] as? String else {
            throw CLIError("api: the account has no proof")
        }
        var siblings: [Hash256] = []
        for s in siblingsText {
            guard let h = try? Hash256(hex: s) else { throw CLIError("api: a proof sibling is not 64 hex digits") }
            siblings.append(h)
        }
        let balance = (terminal["balance"] as? NSNumber)?.uint64Value ?? 0, nonce = (terminal["nonce"] as? NSNumber)?.uint64Value ?? 0
        // A contract's leaf also holds its code hash and storage root (docs/protocol.md 10.5).
        func hash(_ name: String) throws -> Hash256? {
            guard let text = terminal[name] as? String else { return nil }
            guard let h = try? Hash256(hex: text) else { throw CLIError("api: the proof's \(name) is not 64 hex digits") }
            return h
        }
        let code = try hash("codeHash"), storageRoot = try hash("storageRoot") ?? .zero
        func leafAccount() -> Account { Account(balance: balance, nonce: nonce, codeHash: code, storageRoot: code == nil ? .zero : storageRoot) }
        let end: StateProof.Terminal
        switch kind {
        case "account": end = .account(leafAccount())
        case "empty": end = .empty
        case "otherLeaf":
            guard let keyText = terminal["key"] as? String, let bytes = try? Hex.decode(keyText), let key = AddressPayload(bytes: bytes) else {
                throw CLIError("api: the proof's other leaf has no key")
            }
            end = .otherLeaf(key: key, account: leafAccount())
        default: throw CLIError("api: the proof's terminal kind '\(kind)' is unknown")
        }
        let stateProof = StateProof(key: address.payload, siblings: siblings, terminal: end)
        guard stateProof.verify(root: root) else {
            throw CLIError("refused: the account proof does not hash to the verified state root \(root.hex)")
        }
        return stateProof.account
    }
}
