import ExplainKit
import Testing

@Suite("KernelSHAP, sampled background rows per coalition")
struct KernelSHAPSampledBackgroundTests {
    /// A 24-feature sparse-interaction model, a 40-row weighted background, a row, and its exact Shapley values.
    static let fixture = KernelSHAPSparseModel.fixture(backgroundRows: 40, seed: 44)

    static func run(samples: Int, perCoalition: Int = 1, sampler: KernelSHAPSampler = .default,
                    seed: UInt64) throws -> KernelSHAPResult {
        let f = fixture
        var rng = SplitMix64(seed: seed)
        return try KernelSHAPExplainer(background: f.background, samples: samples, sampler: sampler,
                                       backgroundPerCoalition: perCoalition)
            .explain(f.x, predictor: f.model.predictor, rng: &rng)
    }

    @Test("a linear model gets φ = w ⊙ (x − E_b[x]) exactly: its control variate is the game itself")
    func linearModel() throws {
        let m = 20
        var rng = SplitMix64(seed: 5)
        let w = (0..<m).map { _ in Float(rng.nextNormal()) }
        let model = KernelSHAPTestModels.linear(weights: [w], bias: [0.3])
        let (background, x) = KernelSHAPTestModels.data(width: m, rows: 30, seed: 6)
        var seed = SplitMix64(seed: 7)
        let result = try KernelSHAPExplainer(background: background, samples: 300, backgroundPerCoalition: 1)
            .explain(x, predictor: model, rng: &seed)
        #expect(!result.isExact)
        for j in 0..<m {
            let mean = (0..<30).reduce(0.0) { $0 + background.weights[$1] * Double(background.rows.scalars[$1 * m + j]) }
                / background.weights.reduce(0, +)
            let truth = Double(w[j]) * (Double(x[j]) - mean)
            #expect(abs(result.values[0][j] - truth) < 1e-4, "feature \(j)")
            #expect(result.stdErrors[0][j] < 1e-4)
        }
    }

    @Test("about 95% of values fall within 2 reported SEs of the exact Shapley values",
          arguments: KernelSHAPSampler.allCases)
    func coverage(sampler: KernelSHAPSampler) throws {
        let truth = Self.fixture.truth
        let runs = try (0..<8).map { try Self.run(samples: 600, sampler: sampler, seed: UInt64($0)) }
        for result in runs {
            let gap = result.predictions[0] - result.baseValues[0]
            #expect(abs(result.values[0].reduce(0, +) - gap) <= 1e-9 * max(1, abs(gap)))
        }
        let fraction = KernelSHAPCalibration.coverage(runs, truth: truth)
        print("KernelSHAP sampled background \(sampler) coverage:", fraction)
        #expect(fraction >= 0.85)
    }

    @Test("over repeated seeds the values centre on the exact ones and spread as their reported SEs")
    func calibrationAndBias() throws {
        let truth = Self.fixture.truth
        let runs = try (0..<40).map { try Self.run(samples: 600, seed: UInt64(2000 + $0)) }
        var ratios = [Double](), biasZ = [Double]()
        for j in truth.indices {
            let (mean, spread, reported) = KernelSHAPCalibration.spread(runs, feature: j)
            ratios.append(spread / reported)
            biasZ.append((mean - truth[j]) / (spread / Double(runs.count).squareRoot()))
        }
        print("KernelSHAP sampled background spread/SE:", ratios.map { ($0 * 100).rounded() / 100 })
        print("KernelSHAP sampled background bias z:", biasZ.map { ($0 * 100).rounded() / 100 })
        #expect(ratios.allSatisfy { $0 >= 0.5 && $0 <= 2 })
        // Unbiased: the mean of 40 runs is within 4 of its own standard errors of the truth for every feature.
        #expect(biasZ.allSatisfy { abs($0) < 4 })
    }

    @Test("the error falls as the budget grows")
    func errorFalls() throws {
        let truth = Self.fixture.truth
        var errors = [Double]()
        for samples in [300, 1200, 4800] {
            let runs = try (0..<4).map { try Self.run(samples: samples, seed: UInt64(10 + $0)) }
            errors.append(runs.reduce(0.0) { $0 + KernelSHAPSampledTests.relativeL2($1.values[0], truth) } / 4)
        }
        print("KernelSHAP sampled background rel L2 at 300/1200/4800:", errors)
        #expect(errors[1] < errors[0] && errors[2] < errors[1])
        #expect(errors[2] < errors[0] / 2.5)
    }

    @Test("a softmax MLP: every output efficient, a target other than 0 within 4 SE of brute force")
    func softmaxModel() throws {
        let m = 10
        let model = KernelSHAPTestModels.mlp(inputs: m, hidden: 12, outputs: 3, softmax: true, seed: 8)
        let (background, x) = KernelSHAPTestModels.data(width: m, rows: 20, seed: 9)
        let truth = KernelSHAPTestModels.shapley(try KernelSHAPTestModels.game(model, x: x, background: background),
                                                 players: m)
        var rng = SplitMix64(seed: 10)
        let result = try KernelSHAPExplainer(background: background, samples: 400, backgroundPerCoalition: 2)
            .explain(x, predictor: model, rng: &rng)
        #expect(!result.isExact)
        for o in 0..<3 {
            let gap = result.predictions[o] - result.baseValues[o]
            #expect(abs(result.values[o].reduce(0, +) - gap) <= 1e-9)
        }
        var within = 0
        for j in 0..<m where abs(result.values[2][j] - truth[2][j]) <= 4 * result.stdErrors[2][j] + 1e-9 { within += 1 }
        #expect(within >= m - 1)
    }

    @Test("it costs 2M·K rows for sizes 1 and M − 1, then N rows per sampled coalition")
    func evaluationCount() throws {
        let result = try Self.run(samples: 500, perCoalition: 3, seed: 1)
        let m = 24, k = 40
        #expect(result.coalitions == 500)
        #expect(result.modelEvaluations == k + 1 + 2 * m * k + 3 * (500 - 2 * m))
    }

    @Test("the same seed gives identical values; exact runs and whole-background settings are unaffected")
    func determinismAndNeutralCases() throws {
        #expect(try Self.run(samples: 400, seed: 3) == Self.run(samples: 400, seed: 3))
        #expect(try Self.run(samples: 400, seed: 3) != Self.run(samples: 400, seed: 4))
        let full = try Self.run(samples: 400, perCoalition: 40, seed: 3)
        var rng = SplitMix64(seed: 3)
        let f = Self.fixture
        #expect(try full == KernelSHAPExplainer(background: f.background, samples: 400)
            .explain(f.x, predictor: f.model.predictor, rng: &rng))
        let model = KernelSHAPTestModels.mlp(inputs: 6, hidden: 5, outputs: 1, softmax: false, seed: 11)
        let (background, x) = KernelSHAPTestModels.data(width: 6, rows: 10, seed: 12)
        var a = SplitMix64(seed: 1), b = SplitMix64(seed: 1)
        let sampled = try KernelSHAPExplainer(background: background, backgroundPerCoalition: 1)
            .explain(x, predictor: model, rng: &a)
        let exact = try KernelSHAPExplainer(background: background).explain(x, predictor: model, rng: &b)
        #expect(sampled.isExact && sampled == exact)
    }

    @Test("--tolerance keeps drawing rounds until the SEs meet it, and top features re-solve on the same values")
    func toleranceAndTopFeatures() throws {
        let f = Self.fixture
        var rng = SplitMix64(seed: 21)
        let result = try KernelSHAPExplainer(background: f.background, samples: 40_000, tolerance: 0.04,
                                             backgroundPerCoalition: 2)
            .explain(f.x, predictor: f.model.predictor, rng: &rng)
        let values = result.values[0], errors = result.stdErrors[0]
        let range = (values.max() ?? 0) - (values.min() ?? 0)
        #expect(result.isConverged && result.coalitions < 40_000)
        #expect((errors.max() ?? 0) <= 0.04 * range)
        var again = SplitMix64(seed: 21)
        let top = try KernelSHAPExplainer(background: f.background, samples: 40_000, tolerance: 0.04, topFeatures: 5,
                                          backgroundPerCoalition: 2)
            .explain(f.x, predictor: f.model.predictor, rng: &again)
        #expect(top.values[0].filter { $0 != 0 }.count == 5)
        let gap = top.predictions[0] - top.baseValues[0]
        #expect(abs(top.values[0].reduce(0, +) - gap) <= 1e-9 * max(1, abs(gap)))
    }

    @Test("invalid settings throw ExplainError")
    func validation() throws {
        let f = Self.fixture
        #expect(throws: ExplainError.self) { try KernelSHAPExplainer(background: f.background, backgroundPerCoalition: 0) }
        #expect(throws: ExplainError.self) {
            try KernelSHAPExplainer(background: f.background, link: .logit, backgroundPerCoalition: 1)
        }
    }
}
