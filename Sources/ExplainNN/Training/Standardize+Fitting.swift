import ExplainTensor

extension Standardize {
    /// A standardize layer fitted to training rows: per feature for tabular inputs, per channel for `[C, H, W]` images
    /// (so that convolutions see one scale across positions).
    ///
    /// Uses the population standard deviation; a constant feature (std 0) gets std 1, as scikit-learn's
    /// `StandardScaler` does.
    ///
    /// - Parameters:
    ///   - rows: `[N, width]` training rows in raw units.
    ///   - inputShape: `[width]` or `[C, H, W]`.
    public static func fitted(name: String, to rows: Tensor, inputShape: [Int]) -> Standardize {
        let width = inputShape.reduce(1, *)
        precondition(rows.sampleCount == width, "Standardize.fitted: rows of \(rows.sampleCount), shape \(inputShape)")
        let groups = inputShape.count == 3 ? inputShape[0] : width
        let groupSize = width / max(groups, 1)
        var sums = [Double](repeating: 0, count: groups), squares = sums
        let n = rows.batchSize
        rows.scalars.withUnsafeBufferPointer { x in
            for r in 0..<n {
                for j in 0..<width {
                    let v = Double(x[r * width + j])
                    sums[j / groupSize] += v
                    squares[j / groupSize] += v * v
                }
            }
        }
        let count = Double(max(n * groupSize, 1))
        var mean = [Float](), std = [Float]()
        for g in 0..<groups {
            let m = sums[g] / count
            let s = max(squares[g] / count - m * m, 0).squareRoot()
            mean.append(Float(m))
            std.append(s > 1e-12 * max(abs(m), 1) ? Float(s) : 1)
        }
        let perValueMean = (0..<width).map { mean[$0 / groupSize] }
        let perValueStd = (0..<width).map { std[$0 / groupSize] }
        return Standardize(name: name, mean: perValueMean, std: perValueStd)
    }
}
