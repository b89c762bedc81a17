/// Closeness checks used across the test suites.
public enum Closeness {
    /// The largest absolute difference of two equally long sequences.
    public static func maxAbsDifference<A: Sequence, B: Sequence>(_ a: A, _ b: B) -> Double
        where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
        zip(a, b).reduce(0.0) { max($0, abs(Double($1.0) - Double($1.1))) }
    }
}
