import ExplainMethods
import ExplainNN
import ExplainTensor
import Testing

@Suite("SmoothGrad, SmoothGrad² and VarGrad")
struct SmoothGradTests {
    typealias F = GradientFixtures

    static let stats = FeatureStats(mean: [0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1], min: [-2, -1, -3, 0, -1],
                                    max: [2, 1, 3, 4, 0], quartiles: Array(repeating: [-1, 0, 1], count: 5))

    @Test("with σ → 0 every variant reduces to the gradient (squared, zero variance)")
    func zeroNoise() throws {
        let model = try F.smoothMLP()
        let x = F.rows(4, width: 5, seed: 31)
        let g = try GradientExplainer().explain(x, using: model)
        let plain = try SmoothGrad(sampleCount: 8, noiseLevel: 0).explain(x, using: model, rng: SplitMix64(seed: 1), featureStats: Self.stats)
        let squared = try SmoothGrad(sampleCount: 8, noiseLevel: 0, variant: .smoothGradSquared).explain(x, using: model, rng: SplitMix64(seed: 1), featureStats: Self.stats)
        let variance = try SmoothGrad(sampleCount: 8, noiseLevel: 0, variant: .varGrad).explain(x, using: model, rng: SplitMix64(seed: 1), featureStats: Self.stats)
        let tiny = try SmoothGrad(sampleCount: 8, noiseLevel: 1e-6).explain(x, using: model, rng: SplitMix64(seed: 1), featureStats: Self.stats)
        for r in 0..<4 {
            #expect(plain[r].attributions == g[r].attributions)
            #expect(plain[r].stdErrors == [Double](repeating: 0, count: 5))
            #expect(F.maxDifference(squared[r].attributions, g[r].attributions.map { $0 * $0 }) < 1e-12)
            #expect(variance[r].attributions == [Double](repeating: 0, count: 5))
            #expect(F.maxDifference(tiny[r].attributions, g[r].attributions) < 1e-4 * F.maxAbs(g[r].attributions))
            #expect(plain[r].target == g[r].target && plain[r].prediction == g[r].prediction && plain[r].baseValue == nil)
        }
    }

    @Test("the same seed gives identical output, another seed a different one, whatever the chunk size")
    func determinism() throws {
        let model = try F.smoothMLP()
        let x = F.rows(3, width: 5, seed: 32)
        let sg = SmoothGrad(sampleCount: 10)
        var chunked = sg
        chunked.batching = GradientBatching(maxScalars: 15)
        let a = try sg.explain(x, using: model, rng: SplitMix64(seed: 7), featureStats: Self.stats)
        let b = try sg.explain(x, using: model, rng: SplitMix64(seed: 7), featureStats: Self.stats)
        let c = try sg.explain(x, using: model, rng: SplitMix64(seed: 8), featureStats: Self.stats)
        let d = try chunked.explain(x, using: model, rng: SplitMix64(seed: 7), featureStats: Self.stats)
        #expect(a == b)
        #expect(a != c)
        for r in 0..<3 {
            #expect(F.maxDifference(a[r].attributions, d[r].attributions) < 1e-6)
            #expect(a[r].attributions != c[r].attributions)
        }
    }

    @Test("with row numbers given, splitting the rows across calls changes nothing")
    func rowSplitInvariance() throws {
        let model = try F.smoothMLP()
        let x = F.rows(3, width: 5, seed: 37)
        let sg = SmoothGrad(sampleCount: 6)
        let rng = SplitMix64(seed: 11)
        let together = try sg.explain(x, using: model, rng: rng, featureStats: Self.stats, rowIndices: [4, 9, 17])
        #expect(together.map(\.row) == [4, 9, 17])
        for (i, number) in [4, 9, 17].enumerated() {
            let alone = try sg.explain(x.rows(i..<(i + 1)), using: model, rng: rng, featureStats: Self.stats, rowIndices: [number])
            #expect(alone == [together[i]])
        }
        #expect(throws: ExplainError.self) { try sg.explain(x, using: model, rng: rng, featureStats: Self.stats, rowIndices: [1]) }
    }

    @Test("every variant equals a brute-force computation on the same noise stream", arguments: SmoothGrad.Variant.allCases)
    func bruteForce(variant: SmoothGrad.Variant) throws {
        let model = try F.smoothMLP()
        let x = F.rows(2, width: 5, seed: 33)
        let rng = SplitMix64(seed: 99), copies = 12, level = 0.2
        let e = try SmoothGrad(sampleCount: copies, noiseLevel: level, variant: variant)
            .explain(x, using: model, target: .index(1), rng: rng, featureStats: Self.stats)
        for r in 0..<2 {
            var points: [Float] = []
            for s in 0..<copies {
                var noise = rng.derived(UInt64(r)).derived(UInt64(s))
                var normals: [Double] = []
                for _ in 0..<3 {
                    let (a, b) = noise.nextNormalPair()
                    normals += [a, b]
                }
                for j in 0..<5 {
                    points.append(x.row(r)[j] + Float(level * (Self.stats.max[j] - Self.stats.min[j]) * normals[j]))
                }
            }
            let g = model.inputGradient(Tensor(shape: [copies, 5], scalars: points), targets: Array(repeating: 1, count: copies)).gradient
            for j in 0..<5 {
                let values = (0..<copies).map { Double(g.scalars[$0 * 5 + j]) }
                let squares = values.map { $0 * $0 }
                let n = Double(copies)
                func mean(_ v: [Double]) -> Double { v.reduce(0, +) / n }
                func sampleSD(_ v: [Double]) -> Double { let m = mean(v); return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() }
                let m = mean(values)
                let central = values.map { $0 - m }
                let m2 = mean(central.map { $0 * $0 }), m4 = mean(central.map { $0 * $0 * $0 * $0 })
                let (phi, se): (Double, Double) = switch variant {
                case .smoothGrad: (m, sampleSD(values) / n.squareRoot())
                case .smoothGradSquared: (mean(squares), sampleSD(squares) / n.squareRoot())
                case .varGrad: (m2, ((m4 - m2 * m2) / n).squareRoot())
                }
                let scale = max(abs(phi), 1e-3)
                #expect(abs(e[r].attributions[j] - phi) < 1e-6 * scale, "row \(r) feature \(j)")
                #expect(abs((e[r].stdErrors?[j] ?? .nan) - se) < 1e-5 * max(se, 1e-3), "row \(r) feature \(j)")
            }
        }
    }

    @Test("reported standard errors match the spread of SmoothGrad over repeated seeds within a factor of 2")
    func standardErrorsMatchSpread() throws {
        let model = try F.smoothMLP()
        let x = F.rows(1, width: 5, seed: 34)
        let sg = SmoothGrad(sampleCount: 40, noiseLevel: 0.15)
        let runs = try (0..<40).map { try sg.explain(x, using: model, target: .index(0), rng: SplitMix64(seed: UInt64($0)), featureStats: Self.stats)[0] }
        for j in 0..<5 {
            let values = runs.map { $0.attributions[j] }
            let mean = values.reduce(0, +) / 40
            let spread = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 39).squareRoot()
            let reported = runs.reduce(0) { $0 + ($1.stdErrors?[j] ?? 0) } / 40
            #expect(reported > 1e-6)
            #expect(spread > reported / 2 && spread < reported * 2, "feature \(j): spread \(spread), reported \(reported)")
        }
    }

    @Test("on a linear model SmoothGrad is w with zero error, SmoothGrad² is w², VarGrad is 0")
    func linearModel() throws {
        let w: [Float] = [1, -2, 0.5, 0, 3]
        let model = try F.linear(weights: w, bias: 1)
        let x = F.rows(2, width: 5, seed: 35)
        let rng = SplitMix64(seed: 3)
        let plain = try SmoothGrad().explain(x, using: model, rng: rng, featureStats: Self.stats)
        let squared = try SmoothGrad(variant: .smoothGradSquared).explain(x, using: model, rng: rng, featureStats: Self.stats)
        let variance = try SmoothGrad(variant: .varGrad).explain(x, using: model, rng: rng, featureStats: Self.stats)
        for r in 0..<2 {
            #expect(plain[r].attributions == w.map(Double.init) && plain[r].stdErrors == [0, 0, 0, 0, 0])
            #expect(squared[r].attributions == w.map { Double($0 * $0) })
            #expect(variance[r].attributions == [0, 0, 0, 0, 0])
        }
    }

    @Test("the noise scale falls back from feature_stats to the background range, says so, and refuses with neither")
    func noiseSources() throws {
        let model = try F.smoothMLP()
        let x = F.rows(2, width: 5, seed: 36)
        let sg = SmoothGrad(sampleCount: 4)
        let rng = SplitMix64(seed: 5)
        let statsRun = try sg.explain(x, using: model, rng: rng, featureStats: Self.stats)
        #expect(statsRun.allSatisfy { $0.flags.isEmpty })
        #expect(abs((statsRun[0].diagnostics["noise_sigma_mean"] ?? 0) - 0.15 * 17 / 5) < 1e-12)
        // A background spanning exactly the stats' ranges gives identical noise.
        let background = Background(rows: Tensor(rows: [Self.stats.min.map { Float($0) }, Self.stats.max.map { Float($0) }]))
        let backgroundRun = try sg.explain(x, using: model, rng: rng, background: background)
        #expect(backgroundRun.allSatisfy { $0.flags == ["noise_from_background_range"] })
        #expect(zip(backgroundRun, statsRun).allSatisfy { $0.attributions == $1.attributions })
        // No silent fallback to each row's own range: a clear error instead.
        #expect {
            _ = try sg.explain(x, using: model, rng: rng)
        } throws: { error in
            (error as? ExplainError)?.message == SmoothGrad.missingRangeMessage
        }
        let alone = try sg.explain(x.rows(1..<2), using: model, rng: rng, featureStats: Self.stats, rowIndices: [1])
        #expect(alone == [statsRun[1]])
        #expect(sg.parameters == ["samples": "4", "noise": "0.15", "variant": "smoothgrad"])
    }
}
