import ExplainKit
import Testing

/// Measures the two samplers on models with known exact Shapley values, at equal budgets, and checks that
/// `KernelSHAPSampler.default` is the one with the lower error per model evaluation.
@Suite("KernelSHAP sampler comparison")
struct KernelSHAPSamplerComparisonTests {
    struct Case {
        var name: String
        var predictor: ClosurePredictor
        var background: Background
        var x: [Float]
        var truth: [[Double]]
    }

    static func cases() throws -> [Case] {
        var out = [Case]()
        for (width, seed) in [(24, UInt64(42)), (30, UInt64(7))] {
            let model = KernelSHAPSparseModel(width: width, termCount: width / 2 + 2, seed: seed)
            let (background, x) = KernelSHAPTestModels.data(width: width, rows: 5, seed: seed + 1)
            out.append(Case(name: "sparse M=\(width)", predictor: model.predictor, background: background, x: x,
                            truth: [model.shapley(x: x, background: background)]))
        }
        let mlp = KernelSHAPTestModels.mlp(inputs: 12, hidden: 8, outputs: 2, softmax: true, seed: 12)
        let (background, x) = KernelSHAPTestModels.data(width: 12, rows: 5, seed: 13)
        let truth = KernelSHAPTestModels.shapley(try KernelSHAPTestModels.game(mlp, x: x, background: background), players: 12)
        out.append(Case(name: "softmax MLP M=12", predictor: mlp, background: background, x: x, truth: truth))
        return out
    }

    /// Mean relative L2 error over seeds and outputs, and mean model evaluations.
    static func error(_ c: Case, sampler: KernelSHAPSampler, samples: Int, seeds: Int) throws -> (error: Double, evaluations: Double) {
        var total = 0.0, evaluations = 0.0
        let explainer = try KernelSHAPExplainer(background: c.background, samples: samples, sampler: sampler)
        for seed in 0..<seeds {
            var rng = SplitMix64(seed: UInt64(seed) &* 7919)
            let result = try explainer.explain(c.x, predictor: c.predictor, rng: &rng)
            evaluations += Double(result.modelEvaluations)
            for (values, truth) in zip(result.values, c.truth) {
                total += KernelSHAPSampledTests.relativeL2(values, truth) / Double(c.truth.count)
            }
        }
        return (total / Double(seeds), evaluations / Double(seeds))
    }

    @Test("the default sampler has the lower error per model evaluation across models and budgets")
    func defaultIsBetter() throws {
        var logRatio = 0.0, count = 0.0
        for c in try Self.cases() {
            for samples in [300, 1200] {
                let kernel = try Self.error(c, sampler: .kernel, samples: samples, seeds: 10)
                let leverage = try Self.error(c, sampler: .leverage, samples: samples, seeds: 10)
                // Error × √evaluations: the error scales as 1/√n, so this compares error per evaluation.
                let k = kernel.error * kernel.evaluations.squareRoot()
                let l = leverage.error * leverage.evaluations.squareRoot()
                print("sampler-comparison | \(c.name) | \(samples) | kernel \(kernel.error) (\(kernel.evaluations) evals) | leverage \(leverage.error) (\(leverage.evaluations) evals)")
                let (best, other) = KernelSHAPSampler.default == .kernel ? (k, l) : (l, k)
                logRatio += Math.log(best / other)
                count += 1
            }
        }
        #expect(logRatio / count <= 0)
    }
}
