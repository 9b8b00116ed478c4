import Hummingbird
import Synchronization

/// The methods each route path serves, taken from the router once every route is
/// added: a request for a known path with another method is answered `405 Method
/// Not Allowed` with an `Allow` header (RFC 9110, 15.5.6), not `404`.
final class RouteMethods: Sendable {
    private let table = Mutex<[(path: RouterPath, methods: [HTTPRequest.Method])]>([])

    /// Takes the routes of `router` (call after the last route is added).
    func record(_ router: Router<APIContext>) {
        var grouped: [(path: RouterPath, methods: [HTTPRequest.Method])] = []
        for route in router.routes {
            if let i = grouped.firstIndex(where: { $0.path == route.path }) {
                if !grouped[i].methods.contains(route.method) { grouped[i].methods.append(route.method) }
            } else {
                grouped.append((route.path, [route.method]))
            }
        }
        table.withLock { $0 = grouped }
    }

    /// The methods served at `path`, empty for a path no route matches.
    func allowed(at path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return table.withLock { routes in
            var methods: [HTTPRequest.Method] = []
            for route in routes where Self.matches(route.path, segments) {
                for m in route.methods where !methods.contains(m) { methods.append(m) }
            }
            return methods
        }
    }

    private static func matches(_ route: RouterPath, _ segments: [Substring]) -> Bool {
        let components = route.components
        if components.contains(where: { $0 == .recursiveWildcard }) {
            return zip(components.prefix { $0 != .recursiveWildcard }, segments).allSatisfy { $0 ~= $1 }
        }
        return components.count == segments.count && zip(components, segments).allSatisfy { $0 ~= $1 }
    }
}
