import ExplainTensor
import Testing
@testable import ExplainMethods

@Suite("LIME explainer")
struct LIMEExplainerTests {
    let width = 4
    let weights = [2.0, 1.0, -1.5, -0.5]

    @Test("continuous mode on a linear model gives the ridge closed form (G + αI)⁻¹ G (w∘σ) and its exact R²")
    func continuousLinearClosedForm() throws {
        let (stats, _) = LIMEFixtures.training(width: width)
        let explainer = try LIMEExplainer(featureStats: stats, background: nil, discretizer: .none)
        let x: [Float] = [1.3, 2.9, 2.2, 6.1]
        var rng = SplitMix64(seed: 7)
        let e = try explainer.explain(x, row: 0, target: .index(0), predictor: LIMEFixtures.linear(weights), rng: &rng)

        // The model is exactly linear in z = (x − μ)/σ with slopes β* = w∘σ, so the weighted ridge returns
        // β̂ = (G + αI)⁻¹ G β* with G the weighted centred Gram matrix of the replayed neighbourhood, and
        // R² = 1 − δᵀGδ / β*ᵀGβ* with δ = β* − β̂. The only other error is the model's Float32 output rounding
        // (~6e-8 relative on |y| < 20), which moves β̂ by far less than the 1e-6 tolerance; the ridge shrinkage
        // itself (about β*/Σw ≈ 1e-3 · β*) is a hundred times larger than it, so the test tells the two apart.
        var replay = SplitMix64(seed: 7)
        let hood = explainer.sampler.sample(around: x, count: explainer.samples, rng: &replay)
        let w = hood.distances.map { LIMEExplainer.kernel(distance: $0, width: explainer.kernelWidth) }
        let (gram, _, _) = LIMEFixtures.weightedGram(hood, weights: w)
        let truth = (0..<width).map { weights[$0] * stats.std[$0] }
        var penalised = gram
        for j in 0..<width { penalised[j * width + j] += 1 }
        let rhs = (0..<width).map { a in (0..<width).reduce(0.0) { $0 + gram[a * width + $1] * truth[$1] } }
        let expected = LinearSolve.symmetric(penalised, n: width, rhs).x
        for j in 0..<width {
            #expect(abs(e.attributions[j] - expected[j]) < 1e-6)
            #expect(abs(e.attributions[j] - truth[j]) > 1e-6, "the ridge penalty must be visible")
            #expect(abs(e.attributions[j] - truth[j]) < 5e-3 * abs(truth[j]))
        }
        let delta = (0..<width).map { truth[$0] - expected[$0] }
        func quad(_ v: [Double]) -> Double {
            (0..<width).reduce(0.0) { s, a in s + (0..<width).reduce(0.0) { $0 + v[a] * gram[a * width + $1] * v[$1] } }
        }
        let fidelity = try #require(e.fidelity)
        #expect(abs(fidelity - (1 - quad(delta) / quad(truth))) < 1e-8)
        #expect(fidelity > 0.99999)
        #expect(abs(e.prediction - (0.5 + zip(weights, x).reduce(0) { $0 + $1.0 * Double($1.1) })) < 1e-5)
        #expect(e.diagnostics["model_evaluations"] == 5000)
    }

    @Test("quartile mode on a linear model: signs of w_i·(x_i − median), and the fidelity lime's bins allow")
    func quartileLinearSigns() throws {
        let (stats, background) = LIMEFixtures.training(width: width)
        let explainer = try LIMEExplainer(featureStats: stats, background: background)
        // x_0 and x_2 above their third quartiles, x_1 and x_3 below their first.
        let x = (0..<width).map { (j: Int) -> Float in
            let value: Double = j % 2 == 0 ? stats.quartiles[j][2] + stats.std[j] : stats.quartiles[j][0] - stats.std[j]
            return Float(value)
        }
        var rng = SplitMix64(seed: 1)
        let e = try explainer.explain(x, row: 0, target: .index(0), predictor: LIMEFixtures.linear(weights), rng: &rng)
        for j in 0..<width {
            let sign = weights[j] * (Double(x[j]) - stats.quartiles[j][1])
            #expect(e.attributions[j] * sign > 0, "feature \(j)")
        }
        // For normal features with x in an outer quartile bin, E[x | z] explains p(1−p)Δ² ≈ 0.1875 · 1.69² ≈ 0.54 of
        // each feature's variance; the rest is the spread inside the bins, which no function of z can explain.
        let fidelity = try #require(e.fidelity)
        #expect(fidelity > 0.45 && fidelity < 0.75)
        let local = try #require(e.diagnostics["surrogate_prediction"])
        let intercept: Double = e.baseValue ?? 0
        let coefficientSum: Double = e.attributions.reduce(0, +)
        #expect(abs(local - (intercept + coefficientSum)) < 1e-9)
        #expect(e.diagnostics["surrogate_gap"] == local - e.prediction)
    }

    @Test("the same seed gives identical explanations, another seed other samples")
    func deterministicSampling() throws {
        let (stats, background) = LIMEFixtures.training(width: width)
        let explainer = try LIMEExplainer(featureStats: stats, background: background, samples: 500)
        let model = LIMEFixtures.mlp(width: width)
        let x: [Float] = [1, 2, 3, 4]
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let ea = try explainer.explain(x, row: 3, target: .predicted, predictor: model, rng: &a)
        let eb = try explainer.explain(x, row: 3, target: .predicted, predictor: model, rng: &b)
        let ec = try explainer.explain(x, row: 3, target: .predicted, predictor: model, rng: &c)
        #expect(ea == eb)
        #expect(ea.attributions != ec.attributions)
        var s1 = SplitMix64(seed: 42), s2 = SplitMix64(seed: 43)
        let h1 = explainer.sampler.sample(around: x, count: 50, rng: &s1)
        let h2 = explainer.sampler.sample(around: x, count: 50, rng: &s2)
        #expect(h1.samples != h2.samples)
        #expect(Array(h1.samples[0..<width]) == x && Array(h2.samples[0..<width]) == x)
        // The batch API is deterministic per row, whatever the threads do.
        let rows = Tensor(shape: [3, width], scalars: x + [2, 2, 2, 2] + [0, 5, 1, 3])
        let batch1 = try explainer.explain(rows: rows, target: .index(1), predictor: model, rng: SplitMix64(seed: 5))
        let batch2 = try explainer.explain(rows: rows, target: .index(1), predictor: model, rng: SplitMix64(seed: 5))
        #expect(batch1 == batch2)
        var stream = SplitMix64(seed: 5).derived(2)
        let single = try explainer.explain([0, 5, 1, 3], row: 2, target: .index(1), predictor: model, rng: &stream)
        #expect(batch1[2] == single)
    }

    @Test("reported std_errors match the spread of coefficients over 20 seeds within a factor of 2",
          arguments: [LIMEDiscretization.quartile, .none])
    func calibratedErrors(discretizer: LIMEDiscretization) throws {
        let (stats, background) = LIMEFixtures.training(width: width)
        let explainer = try LIMEExplainer(featureStats: stats, background: background, samples: 2000,
                                          discretizer: discretizer)
        let model = LIMEFixtures.mlp(width: width)
        let x: [Float] = [1.6, 1.4, 3.9, 2.8]
        var coefficients = [[Double]](), errors = [[Double]]()
        for seed in 0..<20 {
            var rng = SplitMix64(seed: UInt64(seed) &* 7919)
            let e = try explainer.explain(x, row: 0, target: .index(1), predictor: model, rng: &rng)
            coefficients.append(e.attributions)
            errors.append(try #require(e.stdErrors))
        }
        for j in 0..<width {
            let values = coefficients.map { $0[j] }
            let mean = values.reduce(0, +) / 20
            let spread = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 19).squareRoot()
            let reported = errors.map { $0[j] }.reduce(0, +) / 20
            #expect(spread > 0 && reported > 0)
            #expect(reported / spread > 0.5 && reported / spread < 2, "feature \(j): \(reported) vs \(spread)")
        }
    }

    @Test("a larger kernel width moves the surrogate to the unweighted global ridge fit")
    func kernelWidthTowardsGlobalFit() throws {
        let (stats, _) = LIMEFixtures.training(width: 3)
        let model = ClosurePredictor(inputWidth: 3, outputCount: 1) { batch in
            Tensor(shape: [batch.batchSize, 1], scalars: (0..<batch.batchSize).map { i in
                let v = batch.row(i)
                return v[0] * v[0] + v[1] * v[2]
            })
        }
        let x: [Float] = [3, 0.5, 4]
        var distances = [Double]()
        var global = [Double]()
        for width in [0.3, 1, 3, 1e6] {
            let explainer = try LIMEExplainer(featureStats: stats, background: nil, samples: 1500, kernelWidth: width,
                                              discretizer: .none)
            var rng = SplitMix64(seed: 9)
            let e = try explainer.explain(x, row: 0, target: .index(0), predictor: model, rng: &rng)
            if global.isEmpty {
                var replay = SplitMix64(seed: 9)
                let hood = explainer.sampler.sample(around: x, count: 1500, rng: &replay)
                let y = try model.predict(Tensor(shape: [1500, 3], scalars: hood.samples)).scalars.map(Double.init)
                let ridge = WeightedRidge(design: hood.interpretable, rows: 1500, columns: 3, targets: y,
                                          weights: [Double](repeating: 1, count: 1500))
                global = ridge.fit(alpha: 1).coefficients
            }
            distances.append(zip(e.attributions, global).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot())
        }
        #expect(distances[0] > distances[1] && distances[1] > distances[2] && distances[2] > distances[3])
        #expect(distances[3] < 1e-6 * global.map(abs).reduce(0, +))
    }

    @Test("a black-box closure model is explained: a step in feature 0 dominates")
    func blackBoxClosure() throws {
        let (stats, background) = LIMEFixtures.training(width: width)
        let median = Float(stats.quartiles[0][1])
        let step = ClosurePredictor(inputWidth: width, outputCount: 1) { batch in
            Tensor(shape: [batch.batchSize, 1], scalars: (0..<batch.batchSize).map { batch.scalars[$0 * 4] > median ? 1 : 0 })
        }
        let explainer = try LIMEExplainer(featureStats: stats, background: background)
        var rng = SplitMix64(seed: 2)
        let x: [Float] = [median + 2, 2, 3, 4]
        let e = try explainer.explain(x, row: 0, target: .predicted, predictor: step, rng: &rng)
        #expect(e.prediction == 1 && e.target == 0)
        #expect(e.attributions[0] > 0.3)
        for j in 1..<width { #expect(abs(e.attributions[j]) < 0.05) }
        #expect(e.attributions.allSatisfy { $0.isFinite })
    }

    @Test("a constant training feature gives finite numbers in every mode", arguments: LIMEDiscretization.allCases)
    func constantFeature(discretizer: LIMEDiscretization) throws {
        var values = LIMEFixtures.table(rows: 200, width: 3, seed: 5)
        for r in 0..<200 { values[r * 3 + 1] = 3 }
        let stats = FeatureStats.computed(from: values, rows: 200, width: 3)
        let background = Background(rows: Tensor(shape: [200, 3], scalars: values))
        let explainer = try LIMEExplainer(featureStats: stats, background: background, samples: 800,
                                          discretizer: discretizer, featureSelection: .forward, numFeatures: 3)
        var rng = SplitMix64(seed: 4)
        let e = try explainer.explain([1, 3, 2], row: 0, target: .index(1), predictor: LIMEFixtures.mlp(width: 3),
                                      rng: &rng)
        #expect(e.attributions.allSatisfy { $0.isFinite })
        #expect(try #require(e.stdErrors).allSatisfy { $0.isFinite })
        #expect(try #require(e.fidelity).isFinite && (e.baseValue ?? .nan).isFinite)
        if discretizer != .none { #expect(e.attributions[1] == 0, "z is always 1 for the constant feature") }
    }

    @Test("invalid settings and inputs throw invalidArgument")
    func validation() throws {
        let (stats, background) = LIMEFixtures.training(width: width)
        let model = LIMEFixtures.linear(weights)
        func code(_ body: () throws -> Void) -> ExplainError.Code? {
            do { try body(); return nil } catch let e as ExplainError { return e.code } catch { return nil }
        }
        #expect(code { _ = try LIMEExplainer(featureStats: stats, background: background, samples: 1) } == .invalidArgument)
        #expect(code { _ = try LIMEExplainer(featureStats: stats, background: background,
                                             samples: LIMEExplainer.maximumSamples + 1) } == .invalidArgument)
        // 2^21 neighbours of 4 features fit; 2^21 neighbours of 200 features (5 GB) do not.
        let (wideStats, wideBackground) = LIMEFixtures.training(width: 200)
        #expect(code { _ = try LIMEExplainer(featureStats: wideStats, background: wideBackground,
                                             samples: LIMEExplainer.maximumSamples) } == .invalidArgument)
        #expect(code { _ = try LIMEExplainer(featureStats: stats, background: background,
                                             samples: LIMEExplainer.maximumSamples) } == nil)
        #expect(code { _ = try LIMEExplainer(featureStats: nil, background: nil) } == .invalidArgument)
        #expect(code { _ = try LIMEExplainer(featureStats: stats, background: nil, discretizer: .decile) } == .invalidArgument)
        #expect(code { _ = try LIMEExplainer(featureStats: stats, background: background, kernelWidth: 0) } == .invalidArgument)
        // A width whose square underflows made every kernel weight NaN (0/0 at distance 0) and trapped in the ridge.
        #expect(code { _ = try LIMEExplainer(featureStats: stats, background: background, kernelWidth: 1e-200) } == .invalidArgument)
        #expect(code { _ = try LIMEExplainer(featureStats: stats, background: background, kernelWidth: 1e200) } == .invalidArgument)
        #expect(code { _ = try LIMEExplainer(featureStats: stats, background: background, kernelWidth: 1e-150) } == nil)
        #expect(code { _ = try LIMEExplainer(featureStats: stats, background: background, numFeatures: 0) } == .invalidArgument)
        let explainer = try LIMEExplainer(featureStats: stats, background: background, samples: 100)
        var rng = SplitMix64(seed: 0)
        #expect(code { _ = try explainer.explain([1, 2, 3], row: 0, target: .predicted, predictor: model, rng: &rng) } == .invalidArgument)
        #expect(code { _ = try explainer.explain([1, 2, 3, 4], row: 0, target: .index(3), predictor: model, rng: &rng) } == .invalidArgument)
        let narrow = LIMEFixtures.linear([1, 2])
        #expect(code { _ = try explainer.explain([1, 2, 3, 4], row: 0, target: .predicted, predictor: narrow, rng: &rng) } == .invalidArgument)
        let broken = ClosurePredictor(inputWidth: 4, outputCount: 1) { Tensor(shape: [$0.batchSize, 1], repeating: .nan) }
        #expect(code { _ = try explainer.explain([1, 2, 3, 4], row: 0, target: .predicted, predictor: broken, rng: &rng) } == .numerical)
    }

    @Test("parameters echo the settings with CLI spellings; labels name x's bins; low fidelity is flagged")
    func parametersLabelsAndFlags() throws {
        let (stats, background) = LIMEFixtures.training(width: width)
        let explainer = try LIMEExplainer(featureStats: stats, background: background, samples: 300,
                                          featureSelection: .highestWeights, numFeatures: 2,
                                          featureNames: ["a", "b", "c", "d"])
        #expect(explainer.parameters == ["samples": "300", "kernel_width": "1.5", "discretizer": "quartile",
                                         "feature_selection": "highest-weights", "num_features": "2"])
        let q = stats.quartiles[0], r = stats.quartiles[1]
        let x: [Float] = [Float(q[0] - 1), Float((r[0] + r[1]) / 2), 3, Float(stats.max[3] + 1)]
        let noise = ClosurePredictor(inputWidth: 4, outputCount: 1) { batch in
            var g = SplitMix64(seed: UInt64(batch.batchSize))
            return Tensor(shape: [batch.batchSize, 1], scalars: (0..<batch.batchSize).map { _ in Float(g.nextNormal()) })
        }
        var rng = SplitMix64(seed: 8)
        let e = try explainer.explain(x, row: 0, target: .index(0), predictor: noise, rng: &rng)
        let labels = try #require(e.featureLabels)
        #expect(labels[0] == "a <= \(LIMEFormat.number(q[0]))")
        #expect(labels[1] == "\(LIMEFormat.number(r[0])) < b <= \(LIMEFormat.number(r[1]))")
        #expect(labels[3] == "d > \(LIMEFormat.number(stats.quartiles[3][2]))")
        #expect(e.flags.contains("low_fidelity"))
        #expect(e.attributions.filter { $0 != 0 }.count == 2 && e.diagnostics["selected_features"] == 2)
        #expect(!e.flags.contains("lime_too_few_samples_for_std_errors"))
    }

    @Test("too few samples for the surrogate's standard errors are flagged")
    func tooFewSamples() throws {
        let (stats, background) = LIMEFixtures.training(width: width)
        let linear = ClosurePredictor(inputWidth: 4, outputCount: 1) { batch in
            Tensor(shape: [batch.batchSize, 1], scalars: (0..<batch.batchSize).map { r in
                batch.scalars[r * 4] + 2 * batch.scalars[r * 4 + 1] - batch.scalars[r * 4 + 3]
            })
        }
        let x: [Float] = [0.5, -0.2, 1, 2]
        for (samples, flagged) in [(9, true), (10, false)] {
            // Four features and an intercept: ten samples are twice the parameters.
            let explainer = try LIMEExplainer(featureStats: stats, background: background, samples: samples)
            var rng = SplitMix64(seed: 2)
            let e = try explainer.explain(x, row: 0, target: .index(0), predictor: linear, rng: &rng)
            #expect(e.flags.contains("lime_too_few_samples_for_std_errors") == flagged, "\(samples) samples")
        }
    }
}
