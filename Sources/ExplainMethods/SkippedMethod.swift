/// A method that a multi-method run (`--method all`) could not run on this model or data, and why.
///
/// Recorded in the attribution JSON's top-level `skipped` array (CONTRACT.md §5) and on the report's title page.
public struct SkippedMethod: Codable, Sendable, Equatable {
    /// The CONTRACT method name (`lime`, `smoothgrad`, ...).
    public var method: String
    /// One line saying what is missing, with the flag or file that would supply it.
    public var reason: String

    public init(method: String, reason: String) {
        self.method = method
        self.reason = reason
    }
}
