/// User text quoted in error and note messages, cut to a readable length.
///
/// Values, names and lists of names come from the user's files, and a message is one line: a version number of a
/// million digits or a header of a million columns must not become a megabyte of stderr. Every message that echoes
/// text from outside goes through here: `expected an integer, got 1000000000… (1000001 characters)`,
/// `ignoring columns id, label, c3, c4, c5 and 999995 more`.
public enum Echo {
    /// The characters of a value shown before it is cut.
    public static let maximumCharacters = 60
    /// The names of a list shown before `and N more`.
    public static let maximumListed = 5

    /// `text` itself, or its first `maximumCharacters` characters followed by `… (N characters)`.
    public static func text(_ text: some StringProtocol) -> String {
        let count = text.count
        guard count > maximumCharacters else { return String(text) }
        return "\(text.prefix(maximumCharacters))… (\(count) characters)"
    }

    /// `text` in double quotes, cut like `text(_:)` with the count outside the quotes: `"abc…" (900 characters)`.
    /// - Parameter escape: applied to the part shown (for example to show a newline as `\n`).
    public static func quoted(_ text: some StringProtocol, escape: (String) -> String = { $0 }) -> String {
        let count = text.count
        guard count > maximumCharacters else { return "\"\(escape(String(text)))\"" }
        return "\"\(escape(String(text.prefix(maximumCharacters))))…\" (\(count) characters)"
    }

    /// The first `maximumListed` items, each cut by `text(_:)` (or `quoted(_:)`), joined by `, `, then `and N more`.
    public static func list(_ items: [String], quoted isQuoted: Bool = false) -> String {
        let shown = items.prefix(maximumListed).map { isQuoted ? quoted($0) : text($0) }.joined(separator: ", ")
        return items.count > maximumListed ? "\(shown) and \(items.count - maximumListed) more" : shown
    }
}
