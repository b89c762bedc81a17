/// Which features LIME's surrogate may use (lime's `feature_selection`); the raw values are the CLI spellings.
///
/// Every method works on the weighted, centred problem of `WeightedRidge`, exactly as lime's `LimeBase` does:
/// - `forward`: greedy forward selection; each step adds the feature that maximises the weighted R² of an
///   unpenalised (α = 0) least-squares fit with intercept on the features chosen so far plus that one.
/// - `highestWeights`: a ridge with α = 0.01 on all features; keeps the `count` largest |β_j · z_0j| (z_0 is the
///   instance's interpretable row, all ones when discretised), ties in feature order.
/// - `lassoPath`: the LARS-lasso path (Efron et al. 2004) of the √w-scaled centred data, as scikit-learn's
///   `lars_path(method="lasso")`; keeps the non-zero features of the last point of the path with at most `count`.
/// - `auto`: `forward` when `count` ≤ 6, else `highestWeights`.
/// - `none`: every feature.
public enum LIMEFeatureSelection: String, Sendable, Equatable, CaseIterable {
    case auto
    case forward
    case highestWeights = "highest-weights"
    case lassoPath = "lasso-path"
    case none

    /// The selected feature indices, increasing.
    ///
    /// - Parameters:
    ///   - ridge: the weighted problem on all M interpretable features.
    ///   - count: the number of features to keep (lime's `num_features`), at least 1.
    ///   - instance: the instance's interpretable row z_0 (M values).
    public func select(_ ridge: WeightedRidge, count: Int, instance: [Double]) -> [Int] {
        let m = ridge.columnCount
        switch self {
        case .none:
            return Array(0..<m)
        case .auto:
            return (count <= 6 ? Self.forward : Self.highestWeights).select(ridge, count: count, instance: instance)
        case .forward:
            var used = [Int]()
            for _ in 0..<Swift.min(count, m) {
                var best = 0, bestScore = -100_000_000.0
                for f in 0..<m where !used.contains(f) {
                    let score = ridge.rSquared(columns: used + [f], alpha: 0)
                    if score > bestScore { best = f; bestScore = score }
                }
                used.append(best)
            }
            return used.sorted()
        case .highestWeights:
            let beta = ridge.coefficients(columns: Array(0..<m), alpha: 0.01).values
            let order = (0..<m).sorted { i, j in
                let (a, b) = (abs(beta[i] * instance[i]), abs(beta[j] * instance[j]))
                return a != b ? a > b : i < j
            }
            return Array(order.prefix(count)).sorted()
        case .lassoPath:
            let path = Self.lassoPath(gram: ridge.gram, moments: ridge.moments, width: m, rowCount: ridge.rowCount)
            var nonzero = Array(0..<m)
            var i = path.count - 1
            while i > 0 {
                nonzero = (0..<m).filter { path[i][$0] != 0 }
                if nonzero.count <= count { break }
                i -= 1
            }
            return nonzero
        }
    }
}
