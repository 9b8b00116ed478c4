import Hummingbird
import KusariCore
import KusariNode

/// The routes of BFT consensus: a block's commit certificate, the validator set of a
/// height, and included evidence (docs/openapi.yaml, tag `consensus`). On a proof-of-work
/// chain each answers 404 and says why.
extension API {
    /// The code of the 404 that `/v1/validators` and `/v1/evidence` answer on a proof-of-work chain.
    static let noValidatorsCode = "no_validators"

    static func addBFTRoutes(to router: Router<APIContext>, node: Node, views: Views) {
        router.get("/v1/blocks/:ref/commit") { _, context -> Response in
            let ref = try Path.blockRef(context.parameters.get("ref") ?? "")
            switch try await node.commitCertificate(ref) {
            case .proofOfWork:
                throw APIError(.notFound, "not_found",
                               "this chain runs proof of work: its blocks are justified by their nonce, not by a commit certificate")
            case .genesis:
                throw APIError(.notFound, "not_found", "block 0 is the genesis: nothing votes on it, so it has no commit certificate")
            case .found(_, let view):
                return JSONBody.response(views.commitCertificate(view))
            }
        }

        router.get("/v1/validators") { request, _ -> Response in
            let height = try Query.uint(request, "height")
            if height == 0 {
                throw APIError(.badRequest, "bad_request", "height: the genesis (height 0) is not voted on; heights start at 1")
            }
            guard let set = try await node.validatorSet(atHeight: height) else { throw noValidators("validators") }
            return JSONBody.response(views.validatorSet(set))
        }

        router.get("/v1/evidence") { request, _ -> Response in
            let limit = try Query.limit(request)
            guard let list = try await node.includedEvidence(limit: limit) else { throw noValidators("evidence of double signing") }
            return JSONBody.response(View.EvidenceList(evidence: list.map(views.includedEvidence)))
        }
    }

    /// The 404 of a BFT route on a proof-of-work chain.
    static func noValidators(_ what: String) -> APIError {
        APIError(.notFound, noValidatorsCode, "this chain runs proof of work: it has no validators, so no \(what)")
    }
}
