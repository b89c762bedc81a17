@testable import ExplainMethods
import ExplainKit
import Testing

@Suite("Feature ablation")
struct FeatureAblationTests {
    /// f(x) − (1/K) Σ_b f(x with the inputs of `set` taken from baseline row b), one model call per row.
    static func bruteForce(_ predictor: some BatchPredictor, x: [Float], set: [Int], baselines: [[Float]]) throws -> [Double] {
        let fx = try predictor.predict(Tensor(rows: [x])).scalars.map(Double.init)
        var mean = [Double](repeating: 0, count: predictor.outputCount)
        for b in baselines {
            var row = x
            for i in set { row[i] = b[i] }
            let out = try predictor.predict(Tensor(rows: [row])).scalars
            for o in mean.indices { mean[o] += Double(out[o]) / Double(baselines.count) }
        }
        return zip(fx, mean).map { $0 - $1 }
    }

    /// A standardize–dense–tanh–dense–softmax model, whose first dense layer takes the exact first-layer shortcut.
    static func model(width: Int, seed: UInt64) throws -> Model {
        var rng = SplitMix64(seed: seed)
        func r(_ s: [Int]) -> Tensor { Tensor(shape: s, scalars: (0..<s.reduce(1, *)).map { _ in Float(rng.nextNormal()) }) }
        return try Model(name: "mlp", inputShape: [width], featureNames: (0..<width).map { "f\($0)" },
                         outputNames: ["a", "b", "c"],
                         layers: [Standardize(name: "z", mean: [Float](repeating: 0.5, count: width),
                                              std: [Float](repeating: 2, count: width)),
                                  Dense(name: "fc1", weight: r([7, width]), bias: r([7])),
                                  Activation(name: "act", kind: .tanh),
                                  Dense(name: "fc2", weight: r([3, 7]), bias: r([3])), Softmax(name: "softmax")])
    }

    @Test("equals a brute-force loop on a closure MLP (2 baseline rows) and a model with the first-layer shortcut (16)",
          arguments: [false, true])
    func bruteForceLoop(useModel: Bool) throws {
        let width = 6, k = useModel ? SetAblation.shortcutBaselineRows : 2
        let closure = KernelSHAPTestModels.mlp(inputs: width, hidden: 5, outputs: 3, softmax: true, seed: 4)
        let model = try Self.model(width: width, seed: 9)
        var (background, x) = KernelSHAPTestModels.data(width: width, rows: k, seed: 21)
        let baselines = (0..<k).map { background.rows.row($0) }
        x[3] = baselines[0][3]  // varies against one baseline row only
        background = Background(rows: Tensor(rows: baselines))
        let explainer = try FeatureAblation(baseline: .rows(background.rows))
        let result = useModel ? try explainer.explain(x, row: 7, predictor: model)
            : try explainer.explain(x, row: 7, predictor: closure)
        #expect(result.row == 7 && result.values.count == 3)
        for i in 0..<width {
            let expected = useModel ? try Self.bruteForce(model, x: x, set: [i], baselines: baselines)
                : try Self.bruteForce(closure, x: x, set: [i], baselines: baselines)
            for o in 0..<3 { #expect(abs(result.values[o][i] - expected[o]) <= 1e-6, "feature \(i) output \(o)") }
        }
        // The instance, the baselines, and K rows per feature.
        #expect(result.modelEvaluations == 1 + k + k * width)
        let e = try result.explanation(target: .index(1), outputNames: ["a", "b", "c"])
        #expect(e.targetName == "b" && e.attributions == result.values[1] && e.stdErrors == nil)
        let fBaseline = try Self.bruteForce(useModel ? AnyPredictor(model) : AnyPredictor(closure), x: x,
                                            set: Array(0..<width), baselines: baselines)
        #expect(abs((e.prediction - e.baseValue!) - fBaseline[1]) <= 1e-6)
    }

    @Test("groups are ablated together and every member gets the group's difference; others get 0")
    func groups() throws {
        let closure = KernelSHAPTestModels.mlp(inputs: 7, hidden: 6, outputs: 2, softmax: false, seed: 8)
        let (_, x) = KernelSHAPTestModels.data(width: 7, rows: 1, seed: 3)
        let groups = [[0, 4], [2], [6, 1, 5]]
        let result = try FeatureAblation(groups: groups).explain(x, predictor: closure)
        let zeros = [[Float](repeating: 0, count: 7)]
        for group in groups {
            let expected = try Self.bruteForce(closure, x: x, set: group, baselines: zeros)
            for i in group { for o in 0..<2 { #expect(abs(result.values[o][i] - expected[o]) <= 1e-6) } }
        }
        #expect(result.values.allSatisfy { $0[3] == 0 })
        #expect(result.modelEvaluations == 2 + groups.count)
    }

    @Test("features equal to the baseline get exactly 0 without a model evaluation; the mean baseline")
    func unchangedFeatures() throws {
        let closure = KernelSHAPTestModels.mlp(inputs: 5, hidden: 4, outputs: 2, softmax: true, seed: 1)
        let (background, _) = KernelSHAPTestModels.data(width: 5, rows: 6, seed: 2)
        let mean = try GradientBaseline.mean.resolved(width: 5, background: background).row(0)
        var x = mean
        x[1] += 1
        x[4] -= 2
        let result = try FeatureAblation(baseline: .mean).explain(x, predictor: closure, background: background)
        #expect(result.values.allSatisfy { $0[0] == 0 && $0[2] == 0 && $0[3] == 0 })
        #expect(result.modelEvaluations == 2 + 2)
        let expected = try Self.bruteForce(closure, x: x, set: [4], baselines: [mean])
        #expect(abs(result.values[0][4] - expected[0]) <= 1e-6)
        #expect(try FeatureAblation(baseline: .mean).parameters == ["baseline": "mean", "players": "features"])
    }

    @Test("bad groups and rows are refused with their location")
    func validation() throws {
        #expect(throws: ExplainError.self) { try FeatureAblation(groups: [[0, 1], [1]]) }
        #expect(throws: ExplainError.self) { try FeatureAblation(groups: [[]]) }
        #expect(throws: ExplainError.self) { try FeatureAblation(groups: [[-1]]) }
        let closure = KernelSHAPTestModels.mlp(inputs: 3, hidden: 2, outputs: 1, softmax: false, seed: 1)
        #expect(throws: ExplainError.self) { try FeatureAblation(groups: [[3]]).explain([1, 2, 3], predictor: closure) }
        #expect(throws: ExplainError.self) { try FeatureAblation().explain([1, 2], predictor: closure) }
        #expect(throws: ExplainError.self) { try FeatureAblation().explain([1, .nan, 2], predictor: closure) }
    }

    @Test("equals captum's FeatureAblation (zero baseline) on the exported MLP and CNN", arguments: ["mlp", "cnn"])
    func captumParity(kind: String) throws {
        let fixtures = try CaptumPerturbationFixtures()
        let model = try fixtures.model(kind)
        let theirs = CaptumPerturbationFixtures.matrix(fixtures.expected[kind]?["feature_ablation"])
        let targets = fixtures.targets(kind)
        let explainer = try FeatureAblation()
        for (r, x) in fixtures.inputs(kind).enumerated() {
            let e = try explainer.explain(x, row: r, predictor: model).explanation()
            #expect(e.target == targets[r])
            let scale = max(theirs[r].map(abs).max() ?? 0, 1e-3)
            for (a, b) in zip(e.attributions, theirs[r]) { #expect(abs(a - b) <= 1e-5 * scale + 1e-7, "\(kind) row \(r): \(a) vs captum \(b)") }
        }
    }
}

/// Any batch predictor behind one concrete type, so a test can pick a model or a closure at run time.
struct AnyPredictor: BatchPredictor {
    let inputWidth: Int
    let outputCount: Int
    private let body: @Sendable (Tensor) throws -> Tensor

    init(_ predictor: some BatchPredictor) {
        inputWidth = predictor.inputWidth
        outputCount = predictor.outputCount
        body = { try predictor.predict($0) }
    }

    func predict(_ batch: Tensor) throws -> Tensor { try body(batch) }
}
