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

    /// `text` itself, or its first `maximumCharacters` characters followed by `… (N characters)`, with control
    /// characters escaped (`escapingControls`).
    public static func text(_ text: some StringProtocol) -> String {
        let count = text.count
        guard count > maximumCharacters else { return escapingControls(String(text)) }
        return "\(escapingControls(String(text.prefix(maximumCharacters))))… (\(count) characters)"
    }

    /// `text` in double quotes, cut like `text(_:)` with the count outside the quotes: `"abc…" (900 characters)`.
    /// - Parameter escape: applied to the part shown (for example to show a newline as `\n`), before control
    ///   characters are escaped.
    public static func quoted(_ text: some StringProtocol, escape: (String) -> String = { $0 }) -> String {
        let count = text.count
        guard count > maximumCharacters else { return "\"\(escapingControls(escape(String(text))))\"" }
        return "\"\(escapingControls(escape(String(text.prefix(maximumCharacters)))))…\" (\(count) characters)"
    }

    /// `text` with every control character — C0 (U+0000–U+001F, newline and tab included), DEL (U+007F) and C1
    /// (U+0080–U+009F) — written as `\xNN`, so that text from a user's file can neither break a one-line message
    /// nor drive the terminal (`\e[31m` shows as `\x1b[31m`). Other characters are kept.
    public static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else { out.append(scalar); continue }
            let hex = String(scalar.value, radix: 16, uppercase: false)
            for c in "\\x" + (hex.count == 1 ? "0" + hex : hex) { out.append(contentsOf: c.unicodeScalars) }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The first `maximumListed` items, each cut by `text(_:)` (or `quoted(_:)`), joined by `, `, then `and N more`.
    public static func list(_ items: [String], quoted isQuoted: Bool = false) -> String {
        let shown = items.prefix(maximumListed).map { isQuoted ? quoted($0) : text($0) }.joined(separator: ", ")
        return items.count > maximumListed ? "\(shown) and \(items.count - maximumListed) more" : shown
    }
}
