import ExplainKit
import Foundation

extension PerturbationBenchmark {
    /// Shapley sampling against KernelSHAP at the same number of coalitions: relative L2 error (against a
    /// 2^15-permutation Shapley-sampling reference) and CPU time per row, on a cheap model with many features.
    ///
    /// The model is a random tanh MLP M → 16 → 1 with a 10-row background, for M = 30, 100 and 300; the budgets are
    /// KernelSHAP's default 2M + 2048 coalitions and four times that, given to Shapley sampling as that many
    /// coalitions' worth of permutations (budget / (M − 1)). Errors are means over 4 rows.
    static func methodChoice() throws {
        print("perturbation | KernelSHAP vs shapley-sampling at equal coalitions, tanh MLP M-16-1, 10 bg rows, 4 rows")
        for m in [30, 100, 300] {
            let model = mlp(inputs: m, hidden: 16, seed: UInt64(m))
            var rng = SplitMix64(seed: UInt64(m) + 1)
            let background = Background(rows: Tensor(shape: [10, m], scalars: (0..<(10 * m)).map { _ in Float(rng.nextNormal()) }))
            let rows = (0..<4).map { _ in (0..<m).map { _ in Float(rng.nextNormal() * 1.5) } }
            let reference = try ShapleySampling(background: background, permutations: 1 << 15)
            let truths = try rows.enumerated().map { i, x in
                var r = SplitMix64(seed: 99).derived(UInt64(i))
                return try reference.explain(x, predictor: model, rng: &r).values[0]
            }
            for budget in [2 * m + 2048, 4 * (2 * m + 2048)] {
                let kernel = try KernelSHAPExplainer(background: background, samples: budget)
                let sampling = try ShapleySampling(background: background, permutations: max(2, budget / (m - 1)))
                var errors = [0.0, 0.0], seconds = [0.0, 0.0]
                for (i, x) in rows.enumerated() {
                    var r1 = SplitMix64(seed: 5).derived(UInt64(i)), r2 = r1
                    var start = threadCPUSeconds()
                    let k = try kernel.explain(x, predictor: model, rng: &r1).values[0]
                    seconds[0] += threadCPUSeconds() - start
                    start = threadCPUSeconds()
                    let s = try sampling.explain(x, predictor: model, rng: &r2).values[0]
                    seconds[1] += threadCPUSeconds() - start
                    errors[0] += relativeL2(k, truths[i]) / Double(rows.count)
                    errors[1] += relativeL2(s, truths[i]) / Double(rows.count)
                }
                report("perturbation | M=\(m), \(budget) coalitions",
                       String(format: "kernelshap rel L2 %.4f %7.1f ms/row | shapley-sampling (%d perms) %.4f %7.1f ms/row",
                              errors[0], 1000 * seconds[0] / 4, sampling.permutationCount, errors[1], 1000 * seconds[1] / 4))
            }
        }
    }

    static func relativeL2(_ a: [Double], _ b: [Double]) -> Double {
        var num = 0.0, den = 0.0
        for (u, v) in zip(a, b) {
            num += (u - v) * (u - v)
            den += v * v
        }
        return (num / max(den, 1e-300)).squareRoot()
    }

    /// A random tanh MLP with one output, as a `Model` (dense first layer: both methods take the shortcut).
    static func mlp(inputs: Int, hidden: Int, seed: UInt64) -> Model {
        var rng = SplitMix64(seed: seed)
        func r(_ s: [Int], _ scale: Double) -> Tensor {
            Tensor(shape: s, scalars: (0..<s.reduce(1, *)).map { _ in Float(rng.nextNormal() * scale) })
        }
        do {
            return try Model(name: "tanh-mlp", inputShape: [inputs], featureNames: (0..<inputs).map { "f\($0)" },
                             outputNames: ["y"],
                             layers: [Dense(name: "fc1", weight: r([hidden, inputs], 2 / Double(inputs).squareRoot()), bias: r([hidden], 0.5)),
                                      Activation(name: "act", kind: .tanh),
                                      Dense(name: "fc2", weight: r([1, hidden], 1), bias: r([1], 0.1))])
        } catch {
            preconditionFailure("the benchmark's own model is invalid: \(error)")
        }
    }
}
