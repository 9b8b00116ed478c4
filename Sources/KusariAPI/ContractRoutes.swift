import Foundation
import Hummingbird
import KusariContracts
import KusariCore
import KusariNode

/// The routes of contracts (docs/openapi.yaml, tag `contracts`): a contract's code and
/// methods, its storage by prefix, one storage key with its proofs, and read-only queries
/// that cost nothing and change nothing. Deploys and calls are transactions (`POST /v1/txs`).
extension API {
    static func addContractRoutes(to router: Router<APIContext>, node: Node, network: Network, views: Views) {
        router.get("/v1/contracts/:address") { _, context -> Response in
            let address = try Path.address(context.parameters.get("address") ?? "", network: network)
            return JSONBody.response(views.contract(try await node.contract(address)))
        }

        router.get("/v1/contracts/:address/storage") { request, context -> Response in
            let address = try Path.address(context.parameters.get("address") ?? "", network: network)
            let prefix = try Query.hexBytes(request, "prefix") ?? []
            let after = try Query.hexBytes(request, "after")
            let limit = try Query.limit(request, maximum: Node.maxStorageListing, fallback: 100)
            let entries = try await node.storage(address, prefix: prefix, after: after, limit: limit)
            // A page that stopped at its entry or byte budget may have more after it.
            let bytes = entries.reduce(0) { $0 + $1.key.count + $1.value.count }
            let full = entries.count == limit || bytes >= Node.maxStorageListingBytes
            let next = full ? entries.last.map { Hex.encode($0.key) } : nil
            return JSONBody.response(View.StorageListing(contract: views.address(address),
                                                         entries: entries.map { View.StorageEntry(key: Hex.encode($0.key), value: Hex.encode($0.value)) },
                                                         next: next))
        }

        router.get("/v1/contracts/:address/storage/:key") { _, context -> Response in
            let address = try Path.address(context.parameters.get("address") ?? "", network: network)
            let key = try Path.hexBytes(context.parameters.get("key") ?? "", field: "key", maximum: ContractLimits.standard.maxKeyLength)
            return JSONBody.response(views.storage(try await node.storageProof(address, key: key)))
        }

        router.post("/v1/contracts/:address/query") { request, context -> Response in
            let address = try Path.address(context.parameters.get("address") ?? "", network: network)
            let body = try await Body.collect(request, limit: 2 * ContractInvocation.maxInputLength + 4096)
            let object = try Body.object(body)
            guard let methodValue = object["method"] else { throw APIError(.badRequest, "bad_request", "method: missing") }
            guard let method = methodValue as? String else { throw APIError(.unprocessableContent, "wrong_type", "method: must be a string") }
            guard ContractInvocation.isValidMethod(method) else {
                throw APIError(.badRequest, "bad_request", "method: 1-64 characters from a-z, 0-9 and _")
            }
            var input: [UInt8] = []
            if let argsValue = object["args"] {
                guard let hex = argsValue as? String else { throw APIError(.unprocessableContent, "wrong_type", "args: must be a string of hex") }
                do { input = try Hex.decode(hex, field: "args") } catch { throw APIError(.badRequest, "bad_request", "\(error)") }
            }
            var caller = AddressPayload.zero
            if let callerValue = object["caller"] {
                guard let text = callerValue as? String else { throw APIError(.unprocessableContent, "wrong_type", "caller: must be an address") }
                do { caller = try Address(parsing: text, network: network).payload } catch {
                    throw APIError(.badRequest, "bad_address", "caller: \(error)")
                }
            }
            _ = try await node.contract(address)   // 404 when there is no contract
            let q = await node.queryContext()
            let (args, from) = (input, caller)
            let outcome = await QueryLane.shared.run {
                q.engine.query(q.state, contract: address, method: method, input: args, caller: from,
                               gasLimit: Node.maxQueryGas, block: q.block)
            }
            return JSONBody.response(views.query(outcome, height: q.block.height))
        }
    }
}

extension Query {
    /// An optional query parameter of even-length hex, as bytes.
    static func hexBytes(_ request: Request, _ name: String) throws -> [UInt8]? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        return try Path.hexBytes(text, field: name, maximum: ContractLimits.standard.maxKeyLength)
    }
}

extension Path {
    /// Even-length hex of at most `maximum` bytes.
    package static func hexBytes(_ text: String, field: String, maximum: Int) throws -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(text, field: field) } catch { throw APIError(.badRequest, "bad_request", "\(error)") }
        guard bytes.count <= maximum else {
            throw APIError(.badRequest, "bad_request", "\(field): \(bytes.count) bytes, at most \(maximum)")
        }
        return bytes
    }
}

/// Runs read-only queries one at a time on a thread of their own, so that however many
/// clients query, contract code never holds the cooperative threads the node and its
/// peers run on (a query may take milliseconds).
final class QueryLane: Sendable {
    static let shared = QueryLane()
    private let queue = DispatchQueue(label: "kusari.api.queries")

    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in queue.async { continuation.resume(returning: body()) } }
    }
}
