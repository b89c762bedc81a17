@testable import ExplainMethods
import ExplainNN
import ExplainTensor
import Foundation
import Testing

@Suite("GradientSHAP (expected gradients)")
struct GradientSHAPTests {
    typealias F = GradientFixtures

    /// Six background rows with unequal weights for the 5-input smooth MLP.
    static let background = Background(rows: F.rows(6, width: 5, seed: 41, scale: 1.2), weights: [3, 1, 2, 0.5, 1, 2.5])

    /// The estimand without noise: Σ_b w_b IG(x; b), each IG with 2,000 Gauss–Legendre steps (exact to float).
    static func reference(_ model: Model, _ x: Tensor, target: Int) throws -> [[Double]] {
        var total = [[Double]](repeating: [Double](repeating: 0, count: 5), count: x.batchSize)
        for (b, w) in background.weights.enumerated() {
            let ig = try IntegratedGradients(stepCount: 2000, baseline: .rows(background.rows.rows(b..<(b + 1))))
                .explain(x, using: model, target: .index(target))
            for r in 0..<x.batchSize { for j in 0..<5 { total[r][j] += w * ig[r].attributions[j] } }
        }
        return total
    }

    @Test("on f(x) = w·x + b it is exactly (x − E b) ⊙ w with the control variate, with or without noise")
    func linearExact() throws {
        let w: [Float] = [0.5, -2, 1.25, 0, 3]
        let model = try F.linear(weights: w, bias: -0.5)
        let x = F.rows(3, width: 5, seed: 42, scale: 2)
        let bg = Self.background
        var mean = [Double](repeating: 0, count: 5)
        for (b, weight) in bg.weights.enumerated() { for j in 0..<5 { mean[j] += weight * Double(bg.rows.row(b)[j]) } }
        for noise in [0, 0.2] {
            let e = try GradientSHAP(sampleCount: 12, noiseLevel: noise).explain(x, using: model, rng: SplitMix64(seed: 3), background: bg)
            for r in 0..<3 {
                let expected = (0..<5).map { (Double(x.row(r)[$0]) - mean[$0]) * Double(w[$0]) }
                #expect(F.maxDifference(e[r].attributions, expected) < 1e-5 * max(1, F.maxAbs(expected)), "noise \(noise)")
                #expect((e[r].stdErrors ?? [1]).allSatisfy { $0 < 1e-5 })
                #expect(abs(e[r].diagnostics["completeness_gap"] ?? 1) < 1e-5)
                let fBase = zip(w, mean).reduce(-0.5) { $0 + Double($1.0) * $1.1 }
                #expect(abs((e[r].baseValue ?? 0) - fBase) < 1e-5)
            }
            // The plain mean is (x − mean of the drawn b) ⊙ w: not exact, but unbiased.
            let plain = try GradientSHAP(sampleCount: 12, noiseLevel: noise, usesControlVariate: false)
                .explain(x, using: model, rng: SplitMix64(seed: 3), background: bg)
            #expect(plain[0].attributions != e[0].attributions)
        }
    }

    @Test("it converges to the weighted background mean of 2,000-step IG, the RMS error falling like 1/√S",
          arguments: [true, false])
    func convergesToIG(controlled: Bool) throws {
        let model = try F.smoothMLP()
        let x = F.rows(2, width: 5, seed: 43)
        let reference = try Self.reference(model, x, target: 1)
        let counts = [16, 64, 256, 1024], seeds = 24
        var rms: [Double] = []
        for count in counts {
            var squares = 0.0
            for seed in 0..<seeds {
                let e = try GradientSHAP(sampleCount: count, usesControlVariate: controlled)
                    .explain(x, using: model, target: .index(1), rng: SplitMix64(seed: UInt64(seed)), background: Self.background)
                for r in 0..<2 { for j in 0..<5 { squares += pow(e[r].attributions[j] - reference[r][j], 2) } }
            }
            rms.append((squares / Double(seeds * 10)).squareRoot())
        }
        // Each 4× more draws halves the error; a slope fitted on log-log axes is −½.
        for (a, b) in zip(rms, rms.dropFirst()) { #expect(a / b > 1.5 && a / b < 2.7, "\(rms)") }
        let logs = zip(counts, rms).map { (log(Double($0)), log($1)) }
        let mx = logs.map(\.0).reduce(0, +) / 4, my = logs.map(\.1).reduce(0, +) / 4
        let slope = logs.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / logs.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        #expect(abs(slope + 0.5) < 0.1, "slope \(slope), RMS \(rms)")
        #expect(rms.last ?? 1 < 0.02 * F.maxAbs(reference.flatMap { $0 }))
    }

    /// The z-scores (φ − φ_ref)/SE over many seeds have standard deviation 1 when the SE is calibrated. With 160
    /// draws the measured sd is 1.02–1.03 (the t and skewness effects of an estimated SE; at 40 draws they give
    /// 1.11–1.13). The band [0.9, 1.12] is a few times the sampling error of the sd of 3,000 scores (±0.013 if they
    /// were independent; the features of a seed are correlated); an SE off by √2 either way gives 0.71 or 1.41, and
    /// one off by 20% gives 0.85 or 1.23, and fails.
    @Test("its standard errors are calibrated: z-scores over 300 seeds have sd ≈ 1", arguments: [true, false])
    func calibratedErrors(controlled: Bool) throws {
        let model = try F.smoothMLP()
        let x = F.rows(2, width: 5, seed: 44)
        let reference = try Self.reference(model, x, target: 0)
        var z: [Double] = []
        for seed in 0..<300 {
            let e = try GradientSHAP(sampleCount: 160, usesControlVariate: controlled)
                .explain(x, using: model, target: .index(0), rng: SplitMix64(seed: UInt64(1000 + seed)), background: Self.background)
            for r in 0..<2 {
                let se = try #require(e[r].stdErrors)
                for j in 0..<5 { z.append((e[r].attributions[j] - reference[r][j]) / se[j]) }
            }
        }
        let mean = z.reduce(0, +) / Double(z.count)
        let sd = (z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(z.count - 1)).squareRoot()
        #expect(sd > 0.9 && sd < 1.12, "sd of z = \(sd)")
        #expect(abs(mean) < 0.1, "mean of z = \(mean)")
    }

    @Test("the seeded draws are the documented stream: the explicit-draws estimator on a replay gives the same bytes")
    func drawStreamReplay() throws {
        let model = try F.smoothMLP()
        let x = F.rows(2, width: 5, seed: 45)
        let stats = FeatureStats(mean: [0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1], min: [-2, -1, -3, 0, -1],
                                 max: [2, 1, 3, 4, 0], quartiles: Array(repeating: [-1, 0, 1], count: 5))
        let rng = SplitMix64(seed: 17), samples = 6, level = 0.1
        let sigma = (0..<5).map { level * (stats.max[$0] - stats.min[$0]) }
        var cumulative: [Double] = []
        for w in Self.background.weights { cumulative.append((cumulative.last ?? 0) + w) }
        let draws = [4, 9].map { number in
            (0..<samples).map { s -> GradientSHAP.Draw in
                var g = rng.derived(UInt64(number)).derived(UInt64(s))
                let u = g.nextUniform()
                let b = cumulative.firstIndex { $0 > u } ?? cumulative.count - 1
                let alpha = Double(Float(g.nextUniform()))
                var noise: [Float] = []
                for j in stride(from: 0, to: 5, by: 2) {
                    let (p, q) = g.nextNormalPair()
                    noise.append(Float(sigma[j] * p))
                    if j + 1 < 5 { noise.append(Float(sigma[j + 1] * q)) }
                }
                return GradientSHAP.Draw(baseline: b, alpha: alpha, noise: noise)
            }
        }
        let explainer = GradientSHAP(sampleCount: samples, noiseLevel: level)
        let seeded = try explainer.explain(x, using: model, rng: rng, background: Self.background, featureStats: stats, rowIndices: [4, 9])
        let replay = try explainer.explain(x, using: model, background: Self.background, draws: draws, rowIndices: [4, 9])
        #expect(seeded.map(\.attributions) == replay.map(\.attributions))
        #expect(seeded.map(\.stdErrors) == replay.map(\.stdErrors))
        #expect(seeded[0].diagnostics["noise_sigma_mean"] == sigma.reduce(0, +) / 5)
    }

    @Test("the same seed gives identical output whatever the chunk size or the split of rows; another seed differs")
    func determinism() throws {
        let model = try F.smoothMLP()
        let x = F.rows(3, width: 5, seed: 46)
        let explainer = GradientSHAP(sampleCount: 10)
        var chunked = explainer
        chunked.batching = GradientBatching(maxScalars: 17)
        let rng = SplitMix64(seed: 5)
        let a = try explainer.explain(x, using: model, rng: rng, background: Self.background, rowIndices: [2, 5, 8])
        #expect(try chunked.explain(x, using: model, rng: rng, background: Self.background, rowIndices: [2, 5, 8]) == a)
        for (i, number) in [2, 5, 8].enumerated() {
            let alone = try explainer.explain(x.rows(i..<(i + 1)), using: model, rng: rng, background: Self.background, rowIndices: [number])
            #expect(alone == [a[i]])
        }
        let other = try explainer.explain(x, using: model, rng: SplitMix64(seed: 6), background: Self.background, rowIndices: [2, 5, 8])
        #expect(other[0].attributions != a[0].attributions)
    }

    @Test("a zero-weight background row is never drawn, and one draw has no standard errors")
    func weightsAndSingleDraw() throws {
        let w: [Float] = [1, 2, 3, 4, 5]
        let model = try F.linear(weights: w, bias: 0)
        let rows = F.rows(2, width: 5, seed: 47)
        let bg = Background(rows: rows, weights: [0, 1])
        let x = F.rows(1, width: 5, seed: 48)
        let e = try GradientSHAP(sampleCount: 1).explain(x, using: model, rng: SplitMix64(seed: 1), background: bg)
        let expected = (0..<5).map { (Double(x.row(0)[$0]) - Double(rows.row(1)[$0])) * Double(w[$0]) }
        #expect(F.maxDifference(e[0].attributions, expected) < 1e-5)
        #expect(e[0].stdErrors == nil)
        for u in stride(from: 0.0, to: 1.0, by: 0.125) { #expect(GradientSHAP.pick(u, cumulative: [0, 0.5, 0.5, 1, 1]) % 2 == 1) }
    }

    @Test("bad backgrounds and draws are refused with a located error")
    func validation() throws {
        let model = try F.smoothMLP()
        let x = F.rows(1, width: 5, seed: 49)
        let narrow = Background(rows: F.rows(3, width: 4, seed: 1))
        #expect(throws: ExplainError.self) { try GradientSHAP().explain(x, using: model, rng: SplitMix64(seed: 1), background: narrow) }
        let explainer = GradientSHAP()
        for draws in [[[GradientSHAP.Draw(baseline: 6, alpha: 0.5)]], [[GradientSHAP.Draw(baseline: 0, alpha: .nan)]],
                      [[GradientSHAP.Draw(baseline: 0, alpha: 0.5, noise: [0])]], [[]]] {
            #expect(throws: ExplainError.self) {
                try explainer.explain(x, using: model, background: Self.background, draws: draws)
            }
        }
    }
}
