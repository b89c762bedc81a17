import ExplainTensor

extension SplitMix64 {
    /// Shuffles `values` in place with Fisher–Yates, drawing j uniform in 0...i for i from the end down.
    ///
    /// Written out (rather than `Array.shuffle(using:)`) so the order depends only on the seed, not on the standard
    /// library's implementation.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, nextInt(below: i + 1))
        }
    }
}
