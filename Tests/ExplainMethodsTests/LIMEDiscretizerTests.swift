import ExplainTensor
import Testing
@testable import ExplainMethods

@Suite("LIME discretiser and sampler")
struct LIMEDiscretizerTests {
    /// One column [1, …, 8]: numpy percentiles 2.75, 4.5, 6.25.
    func oneColumn(_ values: [Float]) -> Background {
        Background(rows: Tensor(shape: [values.count, 1], scalars: values))
    }

    @Test("bins follow numpy percentiles and searchsorted-left; bin statistics are those of the training values")
    func quartileBinsFromRows() throws {
        let d = try LIMEDiscretizer(kind: .quartile, featureStats: nil, background: oneColumn([1, 2, 3, 4, 5, 6, 7, 8]))
        let f = d.features[0]
        #expect(f.boundaries == [2.75, 4.5, 6.25])
        #expect(d.bin(of: 2.75, feature: 0) == 0 && d.bin(of: 2.76, feature: 0) == 1)
        #expect(d.bin(of: 4.5, feature: 0) == 1 && d.bin(of: 100, feature: 0) == 3 && d.bin(of: -5, feature: 0) == 0)
        #expect(f.bins.map(\.frequency) == [0.25, 0.25, 0.25, 0.25])
        #expect(f.bins.map(\.mean) == [1.5, 3.5, 5.5, 7.5])
        #expect(f.bins.allSatisfy { abs($0.std - (0.5 + 1e-11)) < 1e-15 })
        #expect(f.bins.map(\.lower) == [1, 2.75, 4.5, 6.25] && f.bins.map(\.upper) == [2.75, 4.5, 6.25, 8])
    }

    @Test("tied percentiles merge into distinct boundaries; a single-point bin range is kept")
    func tiedBoundaries() throws {
        let d = try LIMEDiscretizer(kind: .quartile, featureStats: nil, background: oneColumn([0, 0, 0, 0, 0, 1, 2, 3]))
        let f = d.features[0]
        #expect(f.boundaries == [0, 1.25])
        let expected: [Double] = [5.0 / 8, 1.0 / 8, 2.0 / 8]
        #expect(f.bins.map(\.frequency) == expected)
        #expect(f.bins[0].lower == 0 && f.bins[0].upper == 0)
        let sampler = try LIMESampler(discretization: .quartile, featureStats: nil, background: oneColumn([0, 0, 0, 0, 0, 1, 2, 3]))
        var rng = SplitMix64(seed: 1)
        let hood = sampler.sample(around: [2.5], count: 4000, rng: &rng)
        for i in 1..<4000 where hood.interpretable[i] == 0 {
            #expect(hood.samples[i] <= 1.25, "values outside x's bin come from the lower bins")
        }
        let zeroBin = (1..<4000).filter { hood.samples[$0] == 0 }.count
        #expect(abs(Double(zeroBin) / 3999 - 5.0 / 8) < 0.03, "the single-point bin feeds its point")
    }

    @Test("deciles come from the background; without it they are refused")
    func deciles() throws {
        let values = (1...100).map(Float.init)
        let d = try LIMEDiscretizer(kind: .decile, featureStats: nil, background: oneColumn(values))
        #expect(d.features[0].boundaries.count == 9)
        #expect(abs(d.features[0].boundaries[0] - 10.9) < 1e-12)
        let stats = FeatureStats.computed(from: values, rows: 100, width: 1)
        #expect(throws: ExplainError.self) { try LIMEDiscretizer(kind: .decile, featureStats: stats, background: nil) }
    }

    @Test("from feature_stats alone, bins take their percentile masses and the training normal")
    func statsOnly() throws {
        let stats = FeatureStats(mean: [1, 0.5], std: [1, 0.5], min: [0, 0], max: [3, 1],
                                 quartiles: [[0, 0, 1], [0, 1, 1]])
        let d = try LIMEDiscretizer(kind: .quartile, featureStats: stats, background: nil)
        #expect(d.features[0].boundaries == [0, 1])
        #expect(d.features[0].bins.map(\.frequency) == [0.5, 0.25, 0.25])
        // Feature 1: max equals the last boundary, so the top bin is empty and its mass moves down.
        #expect(d.features[1].bins.map(\.frequency) == [0.25, 0.75, 0])
        #expect(d.features[0].bins[1].mean == 1 && abs(d.features[0].bins[1].std - 1) < 1e-10)
    }

    @Test("quartile boundaries prefer feature_stats; bin statistics come from the background")
    func statsBoundariesWithRows() throws {
        let values: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        let stats = FeatureStats(mean: [4.5], std: [2.29], min: [0], max: [9], quartiles: [[3, 5, 6]])
        let d = try LIMEDiscretizer(kind: .quartile, featureStats: stats, background: oneColumn(values))
        let f = d.features[0]
        #expect(f.boundaries == [3, 5, 6])
        let expected: [Double] = [3.0 / 8, 2.0 / 8, 1.0 / 8, 2.0 / 8]
        #expect(f.bins.map(\.frequency) == expected)
        #expect(f.bins.map(\.mean) == [2, 4.5, 6, 7.5])
        #expect(f.bins[0].lower == 0 && f.bins[3].upper == 9)
    }

    @Test("discretised sampling: row 0 is x, z marks x's bin with its training frequency, values stay in bin ranges")
    func discretisedSampling() throws {
        let (stats, background) = LIMEFixtures.training(width: 3)
        let sampler = try LIMESampler(discretization: .quartile, featureStats: stats, background: background)
        let x: [Float] = [0.2, 2.1, 9]
        var rng = SplitMix64(seed: 3)
        let n = 20_000
        let hood = sampler.sample(around: x, count: n, rng: &rng)
        #expect(Array(hood.samples[0..<3]) == x && Array(hood.interpretable[0..<3]) == [1, 1, 1])
        #expect(hood.distances[0] == 0)
        guard let d = sampler.discretizer else { Issue.record("no discretiser"); return }
        for j in 0..<3 {
            let bin = d.features[j].bins[hood.instanceBins[j]]
            let ones = (1..<n).filter { hood.interpretable[$0 * 3 + j] == 1 }
            // Binomial(n, p) with p = 0.25: 5 standard deviations is ±0.0153.
            #expect(abs(Double(ones.count) / Double(n - 1) - bin.frequency) < 0.0155)
            for i in ones { #expect(Double(hood.samples[i * 3 + j]) >= Double(Float(bin.lower)) && Double(hood.samples[i * 3 + j]) <= Double(Float(bin.upper))) }
        }
        for i in 1..<n {
            let mismatches = (0..<3).filter { hood.interpretable[i * 3 + $0] == 0 }.count
            #expect(hood.distances[i] == Double(mismatches).squareRoot())
        }
    }

    @Test("continuous sampling: N(mean, std²) per feature, z standardises the values fed to the model")
    func continuousSampling() throws {
        let (stats, _) = LIMEFixtures.training(width: 2)
        let sampler = try LIMESampler(discretization: .none, featureStats: stats, background: nil)
        var rng = SplitMix64(seed: 3)
        let n = 20_000
        let hood = sampler.sample(around: [5, -5], count: n, rng: &rng)
        for j in 0..<2 {
            let values = (1..<n).map { Double(hood.samples[$0 * 2 + j]) }
            let mean = values.reduce(0, +) / Double(n - 1)
            let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 2)).squareRoot()
            #expect(abs(mean - stats.mean[j]) < 5 * stats.std[j] / Double(n).squareRoot())
            #expect(abs(sd / stats.std[j] - 1) < 0.03)
            for i in 0..<n {
                #expect(hood.interpretable[i * 2 + j] == (Double(hood.samples[i * 2 + j]) - stats.mean[j]) / stats.std[j])
            }
        }
    }
}
