import ArgumentParser

/// The one message for a count flag (`--samples`, `--epochs`, ...) given zero or a negative number.
///
/// Count flags parse with `parsing: .unconditional`, so `--samples -3` reads -3 as the value (not as a flag) and
/// gets this message rather than "Missing value".
enum CountFlag {
    /// Throws `ValidationError("--flag: expected a positive integer, got N")` when `value` is below 1.
    static func requirePositive(_ value: Int?, _ flag: String) throws {
        if let value, value < 1 { throw ValidationError(message(flag, "\(value)")) }
    }

    /// The message, with the value as the user typed it.
    static func message(_ flag: String, _ value: String) -> String {
        "\(flag): expected a positive integer, got \(value)"
    }
}
