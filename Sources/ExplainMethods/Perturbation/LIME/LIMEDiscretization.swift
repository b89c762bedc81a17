/// How LIME turns a feature into an interpretable one (lime's `discretizer`, or `discretize_continuous=False`).
///
/// The raw values are the CLI spellings (`--discretizer quartile|decile|none`).
public enum LIMEDiscretization: String, Sendable, Equatable, CaseIterable {
    /// Bins at the 25th, 50th and 75th training percentiles; the interpretable feature is "same bin as x" (lime's
    /// default).
    case quartile
    /// Bins at the 10th, 20th, …, 90th training percentiles.
    case decile
    /// No bins: the interpretable features are the samples standardised by the training mean and std.
    case none

    /// The percentile levels (in [0, 1]) whose distinct values are the bin boundaries; empty for `.none`.
    public var percentileLevels: [Double] {
        switch self {
        case .quartile: return [0.25, 0.5, 0.75]
        case .decile: return (1...9).map { Double($0) / 10 }
        case .none: return []
        }
    }
}
