/// Why a devnet request, argument or start failed; reads as `field: reason`,
/// as every error of the Kusari libraries does.
public struct DevnetError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The argument, request field or file that is wrong.
    public let field: String
    /// Why.
    public let reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
