import ExplainMethods
import ExplainNN
import ExplainTensor
import Foundation
import Testing

/// A model behind the bare predictor protocol that records the largest batch it was given.
final class RecordingPredictor: DifferentiablePredictor, @unchecked Sendable {
    let model: Model
    private let lock = NSLock()
    private var largest = 0, calls = 0

    init(_ model: Model) { self.model = model }

    var inputWidth: Int { model.inputWidth }
    var outputCount: Int { model.outputCount }
    var largestBatch: Int { lock.lock(); defer { lock.unlock() }; return largest }
    var gradientCalls: Int { lock.lock(); defer { lock.unlock() }; return calls }

    private func record(_ batch: Tensor, gradient: Bool) {
        lock.lock(); defer { lock.unlock() }
        largest = max(largest, batch.batchSize)
        if gradient { calls += 1 }
    }

    func predict(_ batch: Tensor) throws -> Tensor {
        record(batch, gradient: false)
        return try model.predict(batch)
    }

    func gradient(_ batch: Tensor, targets: [Int]) throws -> (outputs: Tensor, gradient: Tensor) {
        record(batch, gradient: true)
        return try model.gradient(batch, targets: targets)
    }
}

@Suite("Integrated gradients")
struct IntegratedGradientsTests {
    typealias F = GradientFixtures

    @Test("on f(x) = w·x + b, IG is (x − x') ⊙ w with every rule and step count", arguments: QuadratureRule.allCases)
    func linearClosedForm(rule: QuadratureRule) throws {
        let w: [Float] = [0.5, -2, 1.25, 0, 3]
        let model = try F.linear(weights: w, bias: -0.5)
        let x = F.rows(3, width: 5, seed: 21, scale: 2)
        let base = F.rows(1, width: 5, seed: 22)
        for steps in [1, 2, 7, 50] {
            for baseline in [GradientBaseline.zeros, .rows(base)] {
                let e = try IntegratedGradients(stepCount: steps, rule: rule, baseline: baseline).explain(x, using: model)
                let start = baseline == .zeros ? [Float](repeating: 0, count: 5) : base.row(0)
                for r in 0..<3 {
                    let expected = (0..<5).map { (Double(x.row(r)[$0]) - Double(start[$0])) * Double(w[$0]) }
                    #expect(F.maxDifference(e[r].attributions, expected) < 1e-5, "\(rule) \(steps)")
                    #expect(abs(e[r].diagnostics["completeness_gap"] ?? 1) < 1e-4)
                    #expect(e[r].flags.isEmpty)
                    let fBase = zip(w, start).reduce(-0.5) { $0 + Double($1.0) * Double($1.1) }
                    #expect(abs((e[r].baseValue ?? 0) - fBase) < 1e-5)
                }
            }
        }
    }

    @Test("Gauss–Legendre nodes: the 3-point rule in closed form, weights sum to 1, degree 2n − 1 is exact")
    func gaussLegendreNodes() {
        let (a3, w3) = QuadratureRule.gaussLegendre.nodes(stepCount: 3)
        let d = (0.6).squareRoot() / 2
        #expect(F.maxDifference(a3, [0.5 - d, 0.5, 0.5 + d]) < 1e-15)
        #expect(F.maxDifference(w3, [5.0 / 18, 8.0 / 18, 5.0 / 18]) < 1e-14)
        for n in [1, 2, 5, 16, 50, 128] {
            let (alphas, weights) = QuadratureRule.gaussLegendre.nodes(stepCount: n)
            #expect(abs(weights.reduce(0, +) - 1) < 1e-13)
            #expect(zip(alphas, alphas.dropFirst()).allSatisfy { $0 < $1 } && alphas.allSatisfy { $0 > 0 && $0 < 1 })
            let degree = 2 * n - 1   // ∫₀¹ αᵈ dα = 1/(d+1)
            let integral = zip(alphas, weights).reduce(0.0) { $0 + $1.1 * pow($1.0, degree) }
            #expect(abs(integral - 1 / Double(degree + 1)) < 1e-12, "n = \(n)")
        }
        #expect(QuadratureRule.riemannTrapezoid.nodes(stepCount: 4).alphas == [0, 0.25, 0.5, 0.75, 1])
        #expect(QuadratureRule.riemannTrapezoid.nodes(stepCount: 4).weights == [0.125, 0.25, 0.25, 0.25, 0.125])
        #expect(QuadratureRule.riemannMiddle.nodes(stepCount: 2).alphas == [0.25, 0.75])
        #expect(QuadratureRule.riemannLeft.nodes(stepCount: 2).alphas == [0, 0.5])
        #expect(QuadratureRule.riemannRight.nodes(stepCount: 2).alphas == [0.5, 1])
    }

    private func pow(_ x: Double, _ d: Int) -> Double { (0..<d).reduce(1.0) { acc, _ in acc * x } }

    @Test("completeness: on a smooth MLP 50 Gauss–Legendre steps leave a relative gap below 1e-3")
    func completeness() throws {
        let model = try F.smoothMLP()
        let x = F.rows(10, width: 5, seed: 23, scale: 2)
        let e = try IntegratedGradients().explain(x, using: model)
        for r in e {
            let difference = r.prediction - (r.baseValue ?? 0)
            let gap = r.attributions.reduce(0, +) - difference
            #expect(abs(gap - (r.diagnostics["completeness_gap"] ?? .nan)) < 1e-12)
            #expect((r.diagnostics["completeness_gap_relative"] ?? 1) < 1e-3)
            #expect(abs(gap) < 1e-3 * abs(difference) + 1e-6)
            #expect(r.flags.isEmpty)
            #expect(r.diagnostics["model_evaluations"] == 50)
        }
    }

    @Test("a gap above 1% of f(x) − f(x') is flagged, below it is not")
    func gapFlag() throws {
        let model = try F.smoothMLP()
        let x = F.rows(10, width: 5, seed: 24, scale: 3)
        let coarse = try IntegratedGradients(stepCount: 1, rule: .riemannRight).explain(x, using: model)
        #expect(coarse.contains { !$0.flags.isEmpty })
        for r in coarse {
            let relative = r.diagnostics["completeness_gap_relative"] ?? 0, gap = abs(r.diagnostics["completeness_gap"] ?? 0)
            #expect(r.flags == (relative > 0.01 && gap > 1e-6 ? [IntegratedGradients.gapFlag] : []))
        }
    }

    @Test("rules converge: 2000-step trapezoid and midpoint agree with 50-step Gauss–Legendre")
    func rulesConverge() throws {
        let model = try F.smoothMLP()
        let x = F.rows(4, width: 5, seed: 25, scale: 2)
        let gl = try IntegratedGradients().explain(x, using: model, target: .index(0))
        for rule in [QuadratureRule.riemannTrapezoid, .riemannMiddle] {
            let fine = try IntegratedGradients(stepCount: 2000, rule: rule).explain(x, using: model, target: .index(0))
            for r in 0..<4 {
                #expect(F.maxDifference(gl[r].attributions, fine[r].attributions) < 1e-4 * max(1e-2, F.maxAbs(gl[r].attributions)) + 1e-6)
            }
        }
        let left = try IntegratedGradients(stepCount: 10, rule: .riemannLeft).explain(x, using: model, target: .index(0))
        #expect((0..<4).contains { F.maxDifference(gl[$0].attributions, left[$0].attributions) > 1e-4 })
    }

    @Test("several baselines average: IG equals the mean of single-baseline IGs, base value the mean of f(x')")
    func multipleBaselines() throws {
        let model = try F.smoothMLP()
        let x = F.rows(3, width: 5, seed: 26, scale: 2)
        let bases = F.rows(3, width: 5, seed: 27)
        let all = try IntegratedGradients(stepCount: 20, baseline: .rows(bases)).explain(x, using: model)
        let singles = try (0..<3).map { try IntegratedGradients(stepCount: 20, baseline: .rows(bases.rows($0..<($0 + 1)))).explain(x, using: model) }
        for r in 0..<3 {
            let mean = (0..<5).map { j in singles.reduce(0.0) { $0 + $1[r].attributions[j] } / 3 }
            #expect(F.maxDifference(all[r].attributions, mean) < 1e-7)
            let meanBase = singles.reduce(0.0) { $0 + ($1[r].baseValue ?? 0) } / 3
            #expect(abs((all[r].baseValue ?? 0) - meanBase) < 1e-12)
            #expect(all[r].diagnostics["model_evaluations"] == 60)
        }
    }

    @Test("the mean baseline comes from feature_stats, else from the weighted background mean")
    func meanBaseline() throws {
        let model = try F.smoothMLP()
        let x = F.rows(2, width: 5, seed: 28)
        let stats = FeatureStats(mean: [1, 2, -1, 0.5, 0], std: [1, 1, 1, 1, 1], min: [0, 0, 0, 0, 0], max: [1, 1, 1, 1, 1],
                                 quartiles: Array(repeating: [0, 0.5, 1], count: 5))
        let ig = IntegratedGradients(stepCount: 8, baseline: .mean)
        let fromStats = try ig.explain(x, using: model, featureStats: stats)
        let explicit = try IntegratedGradients(stepCount: 8, baseline: .rows(Tensor(rows: [[1, 2, -1, 0.5, 0]]))).explain(x, using: model)
        #expect(fromStats == explicit)
        let background = Background(rows: Tensor(rows: [[0, 0, 0, 0, 0], [3, 6, -3, 1.5, 0]]), weights: [2, 1])
        let fromBackground = try ig.explain(x, using: model, background: background)
        #expect(fromBackground == explicit)
        #expect(throws: ExplainError.self) { try ig.explain(x, using: model) }
        #expect(throws: ExplainError.self) {
            try IntegratedGradients(baseline: .rows(Tensor(rows: [[1, 2]]))).explain(x, using: model)
        }
    }

    @Test("points go through in chunks that respect the memory budget, for any differentiable predictor")
    func memoryBudget() throws {
        let model = try F.smoothMLP()
        let recorder = RecordingPredictor(model)
        let budget = GradientBatching(maxScalars: 7 * (5 + 3))   // footprint of a bare predictor: inputs + outputs
        #expect(budget.pointsPerChunk(for: recorder) == 7)
        let x = F.rows(10, width: 5, seed: 30)
        let chunked = try IntegratedGradients(batching: budget).explain(x, using: recorder)
        #expect(recorder.largestBatch <= 7)
        #expect(recorder.gradientCalls == 10 * ((50 + 6) / 7))   // a chunk never holds two rows' points
        let direct = try IntegratedGradients().explain(x, using: model)
        for r in 0..<10 {
            #expect(chunked[r].target == direct[r].target && chunked[r].targetName == "output\(direct[r].target)")
            #expect(F.maxDifference(chunked[r].attributions, direct[r].attributions) < 1e-6)
        }
        let footprint = GradientBatching.footprint(of: try F.smoothCNN())
        #expect(footprint == 72 + 108 + 2 * 36 * 18 + 108 + 27 + 27 + 4 + 4)
    }

    @Test("chunking under a tiny memory budget gives the same result; parameters use CLI spellings")
    func chunkingAndParameters() throws {
        let model = try F.smoothCNN()
        let x = F.rows(3, width: 72, seed: 29)
        let ig = IntegratedGradients(stepCount: 16, rule: .riemannMiddle)
        var tiny = ig
        tiny.batching = GradientBatching(maxScalars: 72 * 5)
        let a = try ig.explain(x, using: model), b = try tiny.explain(x, using: model)
        for r in 0..<3 {
            #expect(a[r].target == b[r].target)
            #expect(F.maxDifference(a[r].attributions, b[r].attributions) < 1e-6)
        }
        #expect(ig.parameters == ["steps": "16", "rule": "riemann-middle", "baseline": "zeros"])
        #expect(IntegratedGradients(baseline: .rows(x, source: "base.csv")).parameters["baseline"] == "base.csv")
        #expect(ig.method == "integrated-gradients")
        #expect(try ig.explain(x, using: model, rowIndices: [7, 3, 5]).map(\.row) == [7, 3, 5])
    }
}
