import ExplainKit

/// Checks of KernelSHAP's standard errors against known Shapley values, shared by the sampled-path suites.
enum KernelSHAPCalibration {
    /// The fraction of output-0 values within 2 reported SEs of `truth`, over all runs and features.
    static func coverage(_ runs: [KernelSHAPResult], truth: [Double]) -> Double {
        var inside = 0
        for result in runs {
            for j in truth.indices where abs(result.values[0][j] - truth[j]) <= 2 * result.stdErrors[0][j] { inside += 1 }
        }
        return Double(inside) / Double(runs.count * truth.count)
    }

    /// For output 0's feature j over repeated seeds: the mean, the empirical spread, and the root-mean-square
    /// reported SE.
    static func spread(_ runs: [KernelSHAPResult], feature j: Int) -> (mean: Double, spread: Double, reported: Double) {
        let values = runs.map { $0.values[0][j] }
        let mean = values.reduce(0, +) / Double(values.count)
        let spread = (values.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
        let reported = (runs.reduce(0.0) { $0 + $1.stdErrors[0][j] * $1.stdErrors[0][j] } / Double(runs.count)).squareRoot()
        return (mean, spread, reported)
    }
}
