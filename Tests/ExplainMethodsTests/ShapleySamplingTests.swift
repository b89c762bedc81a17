import ExplainKit
import Foundation
import Testing

@Suite("Shapley sampling")
struct ShapleySamplingTests {
    typealias Models = KernelSHAPTestModels

    /// A test game: a random tanh MLP on M features with a weighted background, and its exact Shapley values.
    static func game(m: Int, seed: UInt64) throws -> (model: ClosurePredictor, background: Background, x: [Float],
                                                      truth: [[Double]]) {
        let model = Models.mlp(inputs: m, hidden: 6, outputs: 3, softmax: m % 2 == 0, seed: seed)
        let (background, x) = Models.data(width: m, rows: 5 + Int(seed % 7), seed: 100 + seed)
        return (model, background, x, Models.shapley(try Models.game(model, x: x, background: background), players: m))
    }

    @Test("within 2 SE of the exact Shapley values: over 5 models × 6 seeds, |z| > 2 about as often as a t with 31 df")
    func calibrated() throws {
        var z = [Double]()
        for (i, m) in [4, 5, 6, 7, 8].enumerated() {
            let g = try Self.game(m: m, seed: UInt64(10 + i))
            let explainer = try ShapleySampling(background: g.background, permutations: 64)
            for seed in 0..<6 {
                var rng = SplitMix64(seed: UInt64(seed)).derived(UInt64(m))
                let result = try explainer.explain(g.x, predictor: g.model, rng: &rng)
                let errors = try #require(result.stdErrors)
                for o in 0..<3 {
                    for j in 0..<m where errors[o][j] > 0 { z.append((result.values[o][j] - g.truth[o][j]) / errors[o][j]) }
                }
            }
        }
        #expect(z.count > 500)
        // P(|t₃₁| > 2) = 0.054; with about 500 (correlated) values, 3 % to 9 % is the sound range.
        let outside = Double(z.filter { abs($0) > 2 }.count) / Double(z.count)
        #expect(outside >= 0.02 && outside <= 0.09, "|z| > 2 for \(outside) of \(z.count)")
        let meanSquare = z.map { $0 * $0 }.reduce(0, +) / Double(z.count)
        #expect(meanSquare >= 0.7 && meanSquare <= 1.4, "E z² = \(meanSquare)")
    }

    @Test("efficiency: Σφ = f(x) − E f to float precision for every output, on closures and the model shortcut",
          arguments: [3, 9, 30])
    func efficiency(m: Int) throws {
        let closure = Models.mlp(inputs: m, hidden: 8, outputs: 3, softmax: true, seed: UInt64(m))
        let model = try FeatureAblationTests.model(width: m, seed: UInt64(m))
        let (background, x) = Models.data(width: m, rows: 10, seed: UInt64(m) + 1)
        let explainer = try ShapleySampling(background: background, permutations: 6)
        for predictor in [AnyPredictor(closure), AnyPredictor(model)] {
            var rng = SplitMix64(seed: 3)
            let result = try explainer.explain(x, predictor: predictor, rng: &rng)
            for o in 0..<3 {
                let gap = result.outputs[o] - result.baseValues[o]
                #expect(abs(result.values[o].reduce(0, +) - gap) <= 1e-12 * max(1, abs(gap)))
                let e = try result.explanation(target: .index(o))
                #expect(abs(e.diagnostics["additivity_gap"] ?? 1) <= 1e-12)
            }
        }
        var rng = SplitMix64(seed: 3)
        let withShortcut = try explainer.explain(x, predictor: model, rng: &rng)
        #expect(abs(withShortcut.values[0].reduce(0, +) - (withShortcut.outputs[0] - withShortcut.baseValues[0])) <= 1e-12)
    }

    @Test("the error falls as 1/√permutations: the log-log slope of the RMS error is −0.5 ± 0.1")
    func convergenceRate() throws {
        let g = try Self.game(m: 7, seed: 3)
        let budgets = [8, 32, 128, 512]
        var logErrors = [Double]()
        for n in budgets {
            let explainer = try ShapleySampling(background: g.background, permutations: n)
            var total = 0.0, count = 0
            for seed in 0..<12 {
                var rng = SplitMix64(seed: UInt64(1000 + seed))
                let result = try explainer.explain(g.x, predictor: g.model, rng: &rng)
                for o in 0..<3 {
                    for j in 0..<7 {
                        let d = result.values[o][j] - g.truth[o][j]
                        total += d * d
                        count += 1
                    }
                }
            }
            logErrors.append(0.5 * log(total / Double(count)))
        }
        let logBudgets: [Double] = budgets.map { log(Double($0)) }
        let meanX: Double = logBudgets.reduce(0, +) / 4, meanY: Double = logErrors.reduce(0, +) / 4
        var covariance = 0.0, variance = 0.0
        for (u, v) in zip(logBudgets, logErrors) {
            covariance += (u - meanX) * (v - meanY)
            variance += (u - meanX) * (u - meanX)
        }
        let slope = covariance / variance
        #expect(slope >= -0.6 && slope <= -0.4, "slope \(slope)")
    }

    @Test("seeded: the same seed gives the same bytes whatever the chunk budget; another seed differs")
    func determinism() throws {
        let g = try Self.game(m: 6, seed: 2)
        let a = try ShapleySampling(background: g.background, permutations: 20)
        let b = try ShapleySampling(background: g.background, permutations: 20, chunkBudget: 37)
        var r1 = SplitMix64(seed: 9), r2 = SplitMix64(seed: 9), r3 = SplitMix64(seed: 10)
        let one = try a.explain(g.x, predictor: g.model, rng: &r1)
        #expect(one == (try b.explain(g.x, predictor: g.model, rng: &r2)))
        #expect(one.values != (try a.explain(g.x, predictor: g.model, rng: &r3)).values)
    }

    @Test("many permutations span several batches and agree with the exact values; the shortcut agrees with rows")
    func batchesAndShortcut() throws {
        let m = 12
        let model = try FeatureAblationTests.model(width: m, seed: 4)
        let (background, x) = Models.data(width: m, rows: 6, seed: 8)
        // 4096 coalitions per batch hold 186 pairs at M = 12; 400 pairs take three batches.
        let explainer = try ShapleySampling(background: background, permutations: 800)
        var r1 = SplitMix64(seed: 1), r2 = SplitMix64(seed: 1)
        let fast = try explainer.explain(x, predictor: model, rng: &r1)
        let plain = try explainer.explain(x, predictor: AnyPredictor(model), rng: &r2)
        for o in 0..<3 { for j in 0..<m { #expect(abs(fast.values[o][j] - plain.values[o][j]) <= 1e-5) } }
        let truth = Models.shapley(try Models.game(model, x: x, background: background), players: m)
        let errors = try #require(fast.stdErrors)
        for o in 0..<3 { for j in 0..<m { #expect(abs(fast.values[o][j] - truth[o][j]) <= 4 * errors[o][j] + 1e-6) } }
        #expect(fast.diagnostics["permutations"] == 800)
    }

    @Test("features equal to every background row get 0 ± 0; one varying feature gets f(x) − E f; odd counts round up")
    func edgeCases() throws {
        let closure = Models.mlp(inputs: 4, hidden: 3, outputs: 2, softmax: false, seed: 5)
        var (background, x) = Models.data(width: 4, rows: 5, seed: 6)
        var rows = background.rows
        for b in 0..<5 { rows.scalars[b * 4 + 2] = 1.5; rows.scalars[b * 4 + 0] = 0; rows.scalars[b * 4 + 3] = 2 }
        background = Background(rows: rows, weights: background.weights)
        x[2] = 1.5
        x[0] = 0
        x[3] = 2
        let explainer = try ShapleySampling(background: background, permutations: 3)
        #expect(explainer.permutationCount == 4 && explainer.parameters["samples"] == "4")
        var rng = SplitMix64(seed: 1)
        let result = try explainer.explain(x, predictor: closure, rng: &rng)
        for o in 0..<2 {
            #expect(result.values[o][0] == 0 && result.values[o][2] == 0 && result.values[o][3] == 0)
            #expect(abs(result.values[o][1] - (result.outputs[o] - result.baseValues[o])) <= 1e-12)
            #expect(result.stdErrors?[o].allSatisfy { $0 == 0 } == true)
        }
        #expect(result.modelEvaluations == 6)
        let g = try Self.game(m: 4, seed: 1)
        var r = SplitMix64(seed: 2)
        let single = try ShapleySampling(background: g.background, permutations: 2).explain(g.x, predictor: g.model, rng: &r)
        #expect(single.flags == [ShapleySampling.tooFewPairsFlag])
    }

    @Test("bad backgrounds and budgets are refused")
    func validation() throws {
        let g = try Self.game(m: 3, seed: 1)
        #expect(throws: ExplainError.self) { try ShapleySampling(background: g.background, permutations: 0) }
        #expect(throws: ExplainError.self) {
            try ShapleySampling(background: Background(rows: g.background.rows, weights: [Double](repeating: 0, count: g.background.rows.batchSize)))
        }
        var rng = SplitMix64(seed: 1)
        #expect(throws: ExplainError.self) { try ShapleySampling(background: g.background).explain([1, 2], predictor: g.model, rng: &rng) }
    }
}
