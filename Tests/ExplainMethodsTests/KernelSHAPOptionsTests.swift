import ExplainKit
import Testing

@Suite("KernelSHAP options: determinism, tolerance, top features, chunking, fallback")
struct KernelSHAPOptionsTests {
    static let fixture = KernelSHAPSampledTests.fixture

    static func explainer(samples: Int? = 500, sampler: KernelSHAPSampler = .default, tolerance: Double? = nil,
                          topFeatures: Int? = nil, chunkBudget: Int = KernelSHAPExplainer.defaultChunkBudget) throws
        -> KernelSHAPExplainer {
        try KernelSHAPExplainer(background: fixture.background, samples: samples, sampler: sampler,
                                tolerance: tolerance, topFeatures: topFeatures, chunkBudget: chunkBudget)
    }

    static func explain(_ explainer: KernelSHAPExplainer, seed: UInt64) throws -> KernelSHAPResult {
        var rng = SplitMix64(seed: seed)
        return try explainer.explain(fixture.x, predictor: fixture.model.predictor, rng: &rng)
    }

    @Test("a linear model gets φ = w ⊙ (x − E_b[x]) exactly on the sampled path, with zero SEs",
          arguments: KernelSHAPSampler.allCases)
    func linearSampled(sampler: KernelSHAPSampler) throws {
        var rng = SplitMix64(seed: 77)
        let w = (0..<26).map { _ in Float(rng.nextNormal()) }
        let model = KernelSHAPTestModels.linear(weights: [w], bias: [0.5])
        let (background, x) = KernelSHAPTestModels.data(width: 26, rows: 7, seed: 78)
        let result = try KernelSHAPExplainer(background: background, samples: 300, sampler: sampler)
            .explain(x, predictor: model, rng: &rng)
        #expect(!result.isExact)
        for j in w.indices {
            let mean = (0..<7).reduce(0.0) { $0 + background.weights[$1] * Double(background.rows.scalars[$1 * 26 + j]) }
            #expect(abs(result.values[0][j] - Double(w[j]) * (Double(x[j]) - mean)) <= 1e-5)
            #expect(result.stdErrors[0][j] <= 1e-5)
        }
    }

    @Test("efficiency holds to float precision on every path", arguments: [nil, 3] as [Int?])
    func efficiency(topFeatures: Int?) throws {
        for sampler in KernelSHAPSampler.allCases {
            let result = try Self.explain(try Self.explainer(sampler: sampler, topFeatures: topFeatures), seed: 5)
            let gap = result.predictions[0] - result.baseValues[0]
            #expect(abs(result.values[0].reduce(0, +) - gap) <= 1e-9 * max(1, abs(gap)))
        }
    }

    @Test("the same seed gives identical output; another seed does not")
    func determinism() throws {
        let explainer = try Self.explainer()
        let a = try Self.explain(explainer, seed: 9), b = try Self.explain(explainer, seed: 9)
        #expect(a == b)
        #expect(try Self.explain(explainer, seed: 10).values != a.values)
    }

    @Test("chunking does not change the result: one coalition per model call equals one big call")
    func chunking() throws {
        let small = try Self.explain(try Self.explainer(chunkBudget: 1), seed: 4)
        let large = try Self.explain(try Self.explainer(chunkBudget: 1 << 24), seed: 4)
        #expect(small == large)
    }

    @Test("repeated coalitions are evaluated once: evaluations = (coalitions + 1) × background + 1")
    func evaluationCount() throws {
        for sampler in KernelSHAPSampler.allCases {
            let result = try Self.explain(try Self.explainer(sampler: sampler), seed: 1)
            #expect(result.modelEvaluations == (result.coalitions + 1) * 6 + 1)
            #expect(result.coalitions <= 500)
        }
    }

    @Test("a tolerance stops once max SE ≤ t·(max φ − min φ), and reports when the budget ran out first")
    func tolerance() throws {
        let loose = try Self.explain(try Self.explainer(samples: 20_000, tolerance: 0.05), seed: 2)
        let range = (loose.values[0].max() ?? 0) - (loose.values[0].min() ?? 0)
        #expect(loose.isConverged && (loose.stdErrors[0].max() ?? 0) <= 0.05 * range)
        #expect(loose.coalitions < 20_000)
        let explanation = try loose.explanation(target: .index(0))
        #expect(explanation.diagnostics["converged"] == 1 && explanation.flags.isEmpty)
        let strict = try Self.explain(try Self.explainer(samples: 600, tolerance: 1e-6), seed: 2)
        #expect(!strict.isConverged && strict.coalitions >= 598)
        #expect(try strict.explanation().flags.contains("kernelshap_not_converged"))
    }

    @Test("the convergence trace has a point per round: work grows, only the last round meets the tolerance, and the last is the final solve",
          arguments: [nil, 2] as [Int?])
    func convergenceTrace(perCoalition: Int?) throws {
        // A three-output softmax MLP with 15 varying features, so that every output gets a trace.
        let model = try KernelSHAPShortcutTests.model(inputs: 16, standardize: true, seed: 21)
        let (background, x) = KernelSHAPShortcutTests.data(width: 16, rows: 24, constant: 5, seed: 22)
        func run(samples: Int, tolerance: Double?) throws -> KernelSHAPResult {
            var rng = SplitMix64(seed: 5)
            return try KernelSHAPExplainer(background: background, samples: samples, tolerance: tolerance,
                                           backgroundPerCoalition: perCoalition)
                .explain(x, predictor: model, rng: &rng)
        }
        for (result, tolerance) in [(try run(samples: 20_000, tolerance: 0.003), 0.003),
                                    (try run(samples: 3_000, tolerance: 1e-6), 1e-6)] {
            #expect(!result.isExact)
            let trace = result.convergence
            #expect(trace.count == result.values.count && trace.allSatisfy { $0.count == trace[0].count })
            #expect(trace[0].count >= 2)
            for (o, points) in trace.enumerated() {
                #expect(zip(points, points.dropFirst()).allSatisfy {
                    $0.modelEvaluations < $1.modelEvaluations && $0.coalitions < $1.coalitions
                })
                let last = try #require(points.last)
                #expect(last.modelEvaluations == result.modelEvaluations && last.coalitions == result.coalitions)
                #expect(last.maxStdError == result.stdErrors[o].max())
                // Over the players: feature 5 does not vary, so it is no player and its 0 is left out.
                let values = result.values[o].enumerated().filter { $0.offset != 5 }.map(\.element)
                #expect(last.valueRange == (values.max() ?? 0) - (values.min() ?? 0))
            }
            func meets(_ round: Int) -> Bool {
                trace.allSatisfy { $0[round].maxStdError <= tolerance * $0[round].valueRange }
            }
            #expect((0..<(trace[0].count - 1)).allSatisfy { !meets($0) })
            #expect(meets(trace[0].count - 1) == result.isConverged)
            #expect(try result.explanation(target: .index(1)).convergence == trace[1])
        }
        let once = try run(samples: 600, tolerance: nil)
        #expect(once.convergence.allSatisfy { $0.count == 1 && $0[0].modelEvaluations == once.modelEvaluations })
        var rng = SplitMix64(seed: 5)
        let exact = try KernelSHAPExplainer(background: background, samples: 1 << 15)
            .explain(x, predictor: model, rng: &rng)
        let explanation = try exact.explanation()
        #expect(exact.isExact && exact.convergence.isEmpty && explanation.convergence == nil)
    }

    @Test("top features keeps the k largest values per output, re-solved under efficiency")
    func topFeatures() throws {
        let full = try Self.explain(try Self.explainer(), seed: 3)
        let top = try Self.explain(try Self.explainer(topFeatures: 4), seed: 3)
        let kept = top.values[0].indices.filter { top.values[0][$0] != 0 }
        #expect(kept.count == 4)
        let largest = full.values[0].indices.sorted { abs(full.values[0][$0]) > abs(full.values[0][$1]) }.prefix(4)
        #expect(Set(kept) == Set(largest))
    }

    @Test("a budget too small for the regression falls back to the SVD solve and says so")
    func singularFallback() throws {
        let result = try Self.explain(try Self.explainer(samples: 4), seed: 6)
        #expect(result.usedSolverFallback)
        #expect(result.values[0].allSatisfy { $0.isFinite } && result.stdErrors[0].allSatisfy { $0.isFinite })
        let gap = result.predictions[0] - result.baseValues[0]
        #expect(abs(result.values[0].reduce(0, +) - gap) <= 1e-9 * max(1, abs(gap)))
        let explanation = try result.explanation()
        #expect(explanation.diagnostics["solver_fallback"] == 1)
        #expect(explanation.flags.contains("kernelshap_singular_regression"))
    }

    @Test("a budget above the maximum is an invalid argument named `samples`; the maximum itself is accepted, and with a loose tolerance it stops after a few small rounds")
    func budgetLimit() throws {
        do {
            _ = try Self.explainer(samples: KernelSHAPExplainer.maximumSamples + 1)
            Issue.record("a budget above the maximum was accepted")
        } catch let error as ExplainError {
            #expect(error.code == .invalidArgument)
            #expect(error.description.contains("samples"))
        }
        // M = 40: nothing is reserved for the whole budget up front, sizes are enumerated as for 2M + 2048
        // coalitions, and the first round is at most that many, so a loose tolerance stops early.
        let model = KernelSHAPSparseModel(width: 40, termCount: 14, seed: 42)
        let (background, x) = KernelSHAPTestModels.data(width: 40, rows: 6, seed: 43)
        let explainer = try KernelSHAPExplainer(background: background, samples: KernelSHAPExplainer.maximumSamples,
                                                tolerance: 0.2)
        var rng = SplitMix64(seed: 3)
        let result = try explainer.explain(x, predictor: model.predictor, rng: &rng)
        #expect(result.isConverged && result.coalitions < 20_000, "\(result.coalitions) coalitions")
    }

    @Test("a budget whose coalition masks would not fit in memory (very wide inputs) is an error before any sampling")
    func wideInputBudget() throws {
        // 300,000 features: 4,688 mask words per coalition, so about 114,000 coalitions fit in 4 GiB.
        let width = 300_000
        let model = ClosurePredictor(inputWidth: width, outputCount: 1) { batch in
            Tensor(shape: [batch.batchSize, 1], scalars: (0..<batch.batchSize).map { r in
                (0..<width).reduce(Float(0)) { $0 + batch.scalars[r * width + $1] } })
        }
        let background = Background(rows: Tensor(shape: [1, width], repeating: 1))
        let x = [Float](repeating: 0, count: width)
        var rng = SplitMix64(seed: 1)
        do {
            _ = try KernelSHAPExplainer(background: background, samples: 1_000_000)
                .explain(x, predictor: model, rng: &rng)
            Issue.record("a budget of 1,000,000 coalitions of 300,000 features was accepted")
        } catch let error as ExplainError {
            #expect(error.code == .invalidArgument)
            #expect(error.description.contains("samples"))
        }
    }
}
