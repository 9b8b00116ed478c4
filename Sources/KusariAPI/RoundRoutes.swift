import Hummingbird
import KusariCore
import KusariNode
import KusariValidator

/// The routes of consensus rounds as this node saw them (docs/openapi.yaml, tag
/// `consensus`): the recent heights, and one height's rounds with their proposals,
/// votes, power, timeouts and decision. The record is in memory, for the last
/// `RoundRecorder.maxHeights` heights this node's consensus driver ran.
extension API {
    static func addRoundRoutes(to router: Router<APIContext>, node: Node, views: Views) {
        router.get("/v1/consensus/heights") { request, _ -> Response in
            let limit = try Query.limit(request)
            guard let recent = node.recentConsensusRounds(limit: limit) else { throw noValidators("consensus rounds") }
            guard let role = recent.role else { throw notTakingPart }
            return JSONBody.response(views.consensusHeights(recent.heights, role: role, current: recent.current))
        }

        router.get("/v1/consensus/heights/:height") { _, context -> Response in
            let text = context.parameters.get("height") ?? ""
            guard let height = Digits.uint64(text, maxDigits: 19) else {
                throw APIError(.badRequest, "bad_request", "height: '\(text)' is not a height (1 to 19 decimal digits)")
            }
            let lookup = node.consensusRounds(atHeight: height)
            guard case .found(let record, let role, let set, let current) = lookup else {
                throw roundsError(lookup, height: height) ?? notTakingPart
            }
            return JSONBody.response(views.consensusHeight(record, role: role, validators: set, current: current))
        }
    }

    /// The 404 of a node that runs no consensus driver.
    static let notTakingPart = APIError(.notFound, "not_found",
                                        "this node does not take part in consensus: it runs no consensus driver, so it has seen no rounds")

    /// Why `height`'s rounds are not shown, as the 404 to answer (nil when they are found).
    package static func roundsError(_ lookup: Node.RoundsLookup, height: UInt64) -> APIError? {
        switch lookup {
        case .found: return nil
        case .proofOfWork: return noValidators("consensus rounds")
        case .notTakingPart: return notTakingPart
        case .genesis:
            return APIError(.notFound, "not_found", "height 0 is the genesis: nothing votes on it, so it has no rounds")
        case .notStarted(let current):
            return APIError(.notFound, "not_found", "height \(height) has not started on this node yet (it is deciding height \(current))")
        case .tooOld(let oldest):
            return APIError(.notFound, "not_found",
                            "height \(height) is older than the rounds this node keeps in memory (the last \(RoundRecorder.maxHeights) heights, "
                                + "from \(oldest)); its commit is at /v1/blocks/\(height)/commit")
        case .notSeen:
            return APIError(.notFound, "not_found",
                            "this node did not run the rounds of height \(height): the block came by block sync or before the node "
                                + "last started (rounds are kept in memory only); its commit is at /v1/blocks/\(height)/commit")
        }
    }
}
