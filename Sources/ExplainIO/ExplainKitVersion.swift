/// The version of ExplainKit, as `explain --version` prints it.
///
/// Semantic versioning: the file formats of CONTRACT.md only grow within a major version.
public enum ExplainKitVersion {
    /// `major.minor.patch`.
    public static let current = "0.2.0"
}
