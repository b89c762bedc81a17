/// The one error type of ExplainKit: what went wrong, and where in the user's input.
///
/// `description` is the single line the CLI prints: `m.json: layers[3].weight: expected 64×30, got 64×29`.
public struct ExplainError: Error, CustomStringConvertible, Sendable {
    /// A stable category for callers and tests.
    public enum Code: String, Sendable {
        case invalidModel, invalidInput, invalidArgument, io, unknownLayer, unsupported, numerical, callback
    }

    public var code: Code
    public var message: String
    /// Where the problem is: a file, a JSON path, a line and column; empty when not tied to user input.
    public var location: String
    /// For errors thrown by a caller's closure, the original error.
    public var underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, at location: String = "", underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.underlying = underlying
    }

    public var description: String { location.isEmpty ? message : "\(location): \(message)" }

    /// The same error with `prefix` put before its location (for example the file name).
    public func located(in prefix: String) -> ExplainError {
        var e = self
        e.location = location.isEmpty ? prefix : (location.hasPrefix("[") ? prefix + location : "\(prefix): \(location)")
        return e
    }
}
