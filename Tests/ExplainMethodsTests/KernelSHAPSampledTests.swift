import ExplainKit
import Testing

@Suite("KernelSHAP, sampled coalitions")
struct KernelSHAPSampledTests {
    /// A 24-feature sparse-interaction model, a 6-row weighted background, a row, and its exact Shapley values.
    static let fixture = KernelSHAPSparseModel.fixture(backgroundRows: 6, seed: 43)

    static func relativeL2(_ a: [Double], _ b: [Double]) -> Double {
        let diff = zip(a, b).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return (diff / b.reduce(0.0) { $0 + $1 * $1 }).squareRoot()
    }

    static func run(samples: Int, sampler: KernelSHAPSampler = .default, seed: UInt64,
                    tolerance: Double? = nil) throws -> KernelSHAPResult {
        let f = fixture
        var rng = SplitMix64(seed: seed)
        return try KernelSHAPExplainer(background: f.background, samples: samples, sampler: sampler,
                                       tolerance: tolerance)
            .explain(f.x, predictor: f.model.predictor, rng: &rng)
    }

    @Test("the error falls as the budget grows", arguments: KernelSHAPSampler.allCases)
    func errorFalls(sampler: KernelSHAPSampler) throws {
        let truth = Self.fixture.truth
        var errors = [Double]()
        for samples in [200, 800, 3200] {
            let runs = try (0..<4).map { try Self.run(samples: samples, sampler: sampler, seed: UInt64($0)) }
            #expect(runs.allSatisfy { !$0.isExact && $0.coalitions <= samples })
            errors.append(runs.reduce(0.0) { $0 + Self.relativeL2($1.values[0], truth) } / 4)
        }
        print("KernelSHAP \(sampler) rel L2 at 200/800/3200:", errors)
        #expect(errors[1] < errors[0] && errors[2] < errors[1])
        #expect(errors[2] < errors[0] / 3)
    }

    @Test("too few sampled pairs for their spread to estimate the errors are flagged, and meet no tolerance",
          arguments: KernelSHAPSampler.allCases)
    func tooFewPairs(sampler: KernelSHAPSampler) throws {
        // 24 players: 30 coalitions are 15 pairs for 23 parameters, so the fit interpolates them.
        let few = try Self.run(samples: 30, sampler: sampler, seed: 3, tolerance: 0.9)
        #expect(!few.isExact && !few.hasReliableStdErrors && !few.isConverged)
        let flags = try few.explanation(target: .index(0)).flags
        #expect(flags.contains("kernelshap_too_few_samples_for_std_errors") && flags.contains("kernelshap_not_converged"))
        let enough = try Self.run(samples: 400, sampler: sampler, seed: 3)
        let enoughFlags = try enough.explanation(target: .index(0)).flags
        #expect(enough.hasReliableStdErrors && !enoughFlags.contains("kernelshap_too_few_samples_for_std_errors"))
    }

    @Test("about 95% of values fall within 2 reported SEs of the truth", arguments: KernelSHAPSampler.allCases)
    func coverage(sampler: KernelSHAPSampler) throws {
        let runs = try (0..<8).map { try Self.run(samples: 400, sampler: sampler, seed: UInt64($0)) }
        let fraction = KernelSHAPCalibration.coverage(runs, truth: Self.fixture.truth)
        print("KernelSHAP \(sampler) coverage:", fraction)
        #expect(fraction >= 0.85)
    }

    @Test("over repeated seeds the spread of each value matches its reported SE within a factor of 2",
          arguments: KernelSHAPSampler.allCases)
    func calibration(sampler: KernelSHAPSampler) throws {
        let runs = try (0..<40).map { try Self.run(samples: 400, sampler: sampler, seed: UInt64(1000 + $0)) }
        var ratios = [Double]()
        for j in 0..<24 {
            let (_, spread, reported) = KernelSHAPCalibration.spread(runs, feature: j)
            ratios.append(spread / reported)
        }
        print("KernelSHAP \(sampler) spread/SE:", ratios.map { ($0 * 100).rounded() / 100 })
        #expect(ratios.allSatisfy { $0 >= 0.5 && $0 <= 2 })
    }
}
