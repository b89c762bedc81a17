import ExplainKit
import Testing

@Suite("KernelSHAP, enumerated coalitions")
struct KernelSHAPExactTests {
    /// max |φ − φ*| / (max φ* − min φ*) over all outputs.
    static func relativeError(_ phi: [[Double]], _ truth: [[Double]]) -> Double {
        var worst = 0.0
        for (p, t) in zip(phi, truth) {
            let range = max((t.max() ?? 0) - (t.min() ?? 0), 1e-12)
            for (a, b) in zip(p, t) { worst = max(worst, abs(a - b) / range) }
        }
        return worst
    }

    @Test("random MLPs with M = 3…10 match brute-force Shapley values to 1e-5 of their range", arguments: Array(3...10))
    func matchesBruteForce(m: Int) throws {
        let softmax = m % 2 == 0
        let model = KernelSHAPTestModels.mlp(inputs: m, hidden: 6, outputs: 3, softmax: softmax, seed: UInt64(m))
        let (background, x) = KernelSHAPTestModels.data(width: m, rows: 5 + (m * 7) % 16, seed: UInt64(100 + m))
        let truth = KernelSHAPTestModels.shapley(try KernelSHAPTestModels.game(model, x: x, background: background),
                                                 players: m)
        var rng = SplitMix64(seed: 1)
        let result = try KernelSHAPExplainer(background: background).explain(x, predictor: model, rng: &rng)
        #expect(result.isExact)
        #expect(result.coalitions == (1 << m) - 2)
        #expect(Self.relativeError(result.values, truth) <= 1e-5)
        #expect(result.stdErrors.allSatisfy { $0.allSatisfy { $0 == 0 } })
        // A target other than 0, through the Explanation.
        let explanation = try result.explanation(target: .index(2), outputNames: ["a", "b", "c"])
        #expect(explanation.target == 2 && explanation.targetName == "c")
        #expect(Self.relativeError([explanation.attributions], [truth[2]]) <= 1e-5)
        #expect(explanation.diagnostics["exact"] == 1 && explanation.diagnostics["converged"] == 1)
        let evaluations = explanation.diagnostics["model_evaluations"] ?? 0
        #expect(evaluations == Double(((1 << m) - 1) * background.rows.batchSize + 1))
    }

    @Test("a linear model gets φ = w ⊙ (x − E_b[x]) exactly")
    func linearModel() throws {
        let w: [Float] = [0.5, -1.25, 2, 0, 0.75, -0.3]
        let model = KernelSHAPTestModels.linear(weights: [w, w.map { -2 * $0 }], bias: [0.1, 3])
        let (background, x) = KernelSHAPTestModels.data(width: w.count, rows: 12, seed: 7)
        var rng = SplitMix64(seed: 2)
        let result = try KernelSHAPExplainer(background: background).explain(x, predictor: model, rng: &rng)
        for j in w.indices {
            let mean = (0..<12).reduce(0.0) { $0 + background.weights[$1] * Double(background.rows.scalars[$1 * w.count + j]) }
            let expected = Double(w[j]) * (Double(x[j]) - mean)
            #expect(abs(result.values[0][j] - expected) <= 1e-5)
            #expect(abs(result.values[1][j] + 2 * expected) <= 1e-5)
        }
    }

    @Test("efficiency, symmetry, dummy and non-varying features hold on the exact path")
    func axioms() throws {
        // f = tanh(x0 + x1) · x2 + x3², with x4 unused and x5 equal to every background value.
        let model = ClosurePredictor(inputWidth: 6, outputCount: 1) { batch in
            Tensor(shape: [batch.batchSize, 1], scalars: (0..<batch.batchSize).map { r in
                let v = Array(batch.scalars[(r * 6)..<(r * 6 + 6)])
                return Math.tanh(v[0] + v[1]) * v[2] + v[3] * v[3] + v[5]
            })
        }
        var (background, x) = KernelSHAPTestModels.data(width: 6, rows: 9, seed: 11)
        var rows = background.rows
        for b in 0..<9 {
            rows.scalars[b * 6 + 5] = 4
            rows.scalars[b * 6 + 1] = rows.scalars[b * 6 + 0]   // x0 and x1 identical in every background row
        }
        background = Background(rows: rows, weights: background.weights)
        x[5] = 4
        x[1] = x[0]
        var rng = SplitMix64(seed: 3)
        let result = try KernelSHAPExplainer(background: background).explain(x, predictor: model, rng: &rng)
        let phi = result.values[0]
        #expect(abs(phi.reduce(0, +) - (result.predictions[0] - result.baseValues[0])) <= 1e-9)
        #expect(abs(phi[0] - phi[1]) <= 1e-6)
        #expect(abs(phi[4]) <= 1e-9)
        #expect(phi[5] == 0)
        #expect(result.varyingFeatureCount == 5)
        #expect(result.coalitions == 30)
    }

    @Test("one varying feature gets f(x) − E f and no coalitions; none gets zeros")
    func degenerateGames() throws {
        let model = KernelSHAPTestModels.mlp(inputs: 3, hidden: 4, outputs: 2, softmax: true, seed: 5)
        let background = Background(rows: Tensor(rows: [[1, 2, 3], [1, 5, 3]]))
        var rng = SplitMix64(seed: 4)
        let explainer = try KernelSHAPExplainer(background: background)
        let one = try explainer.explain([1, 9, 3], predictor: model, rng: &rng)
        #expect(one.coalitions == 0 && one.isExact)
        for o in 0..<2 {
            #expect(abs(one.values[o][1] - (one.predictions[o] - one.baseValues[o])) <= 1e-12)
            #expect(one.values[o][0] == 0 && one.values[o][2] == 0)
        }
        let none = try explainer.explain([1, 2, 3], predictor: model, rng: &rng)
        #expect(none.varyingFeatureCount == 1)
        let same = try KernelSHAPExplainer(background: Background(rows: Tensor(rows: [[1, 2, 3], [1, 2, 3]])))
            .explain([1, 2, 3], predictor: model, rng: &rng)
        #expect(same.varyingFeatureCount == 0 && same.modelEvaluations == 3)
        #expect(same.values.allSatisfy { $0.allSatisfy { $0 == 0 } })
    }

    @Test("the logit link stays finite at p = 0 and p = 1 and keeps efficiency in log-odds")
    func logitLink() throws {
        // p = 1 when x0 > 0, else 0; x1 shifts nothing.
        let model = ClosurePredictor(inputWidth: 2, outputCount: 1) { batch in
            Tensor(shape: [batch.batchSize, 1], scalars: (0..<batch.batchSize).map { batch.scalars[$0 * 2] > 0 ? 1 : 0 })
        }
        let background = Background(rows: Tensor(rows: [[-1, 0], [-2, 1]]))
        var rng = SplitMix64(seed: 5)
        let explainer = try KernelSHAPExplainer(background: background, link: .logit)
        let result = try explainer.explain([3, 2], predictor: model, rng: &rng)
        #expect(result.values[0].allSatisfy { $0.isFinite })
        #expect(result.predictions[0].isFinite && result.baseValues[0].isFinite)
        #expect(abs(result.values[0].reduce(0, +) - (result.predictions[0] - result.baseValues[0])) <= 1e-9)
        #expect(result.predictions[0] > 15 && result.baseValues[0] < -15)
        #expect(explainer.parameters["link"] == "logit")
    }

    @Test("invalid settings and rows throw ExplainError")
    func validation() throws {
        let background = Background(rows: Tensor(rows: [[0, 0, 0]]))
        #expect(throws: ExplainError.self) { try KernelSHAPExplainer(background: background, samples: 0) }
        #expect(throws: ExplainError.self) { try KernelSHAPExplainer(background: background, tolerance: 1.5) }
        #expect(throws: ExplainError.self) { try KernelSHAPExplainer(background: background, topFeatures: 0) }
        #expect(throws: ExplainError.self) {
            try KernelSHAPExplainer(background: Background(rows: Tensor(rows: [[Float.nan, 0, 0]])))
        }
        let explainer = try KernelSHAPExplainer(background: background)
        let model = KernelSHAPTestModels.mlp(inputs: 3, hidden: 2, outputs: 1, softmax: false, seed: 1)
        var rng = SplitMix64(seed: 0)
        #expect(throws: ExplainError.self) { try explainer.explain([1, 2], predictor: model, rng: &rng) }
        #expect(throws: ExplainError.self) { try explainer.explain([1, .infinity, 2], predictor: model, rng: &rng) }
        let wide = KernelSHAPTestModels.mlp(inputs: 4, hidden: 2, outputs: 1, softmax: false, seed: 1)
        #expect(throws: ExplainError.self) { try explainer.explain([1, 2, 3], predictor: wide, rng: &rng) }
        let result = try explainer.explain([1, 2, 3], predictor: model, rng: &rng)
        #expect(throws: ExplainError.self) { try result.explanation(target: .index(1)) }
    }

    @Test("a large background exposes a cost warning; a small one does not")
    func backgroundWarning() throws {
        let small = try KernelSHAPExplainer(background: Background(rows: Tensor(shape: [200, 4], repeating: 0)))
        #expect(small.backgroundWarning == nil)
        let large = try KernelSHAPExplainer(background: Background(rows: Tensor(shape: [201, 4], repeating: 0)))
        let warning = try #require(large.backgroundWarning)
        #expect(warning.contains("201 rows") && warning.contains("\(14 * 201)"))
        #expect(large.parameters["background_size"] == "201" && large.parameters["samples"] == "auto")
        // A sampled background: sizes 1 and M − 1 on every row, then 4 rows per other coalition (M = 12 samples).
        let wide = Background(rows: Tensor(shape: [300, 12], repeating: 0))
        let sampled = try KernelSHAPExplainer(background: wide, samples: 500, backgroundPerCoalition: 4)
        #expect(sampled.coalitionEvaluationsPerRow == 2 * 12 * 300 + (500 - 24) * 4)
        #expect(try KernelSHAPExplainer(background: wide, samples: 500).coalitionEvaluationsPerRow == 500 * 300)
    }
}
