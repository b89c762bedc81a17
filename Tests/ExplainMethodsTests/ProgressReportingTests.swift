import ExplainKit
import Testing

/// Long rows report their progress while they run: KernelSHAP after each model call over coalitions, LIME after each
/// batch of its neighbourhood, SmoothGrad after each batched pass of noisy copies.
@Suite("Progress inside a row")
struct ProgressReportingTests {
    /// The fractions a run reported, in order.
    final class Recorder: @unchecked Sendable {
        var fractions: [Double] = []
        func record(_ f: Double) { fractions.append(f) }

        /// Several reports, each in [0, 1], never decreasing, ending at 1.
        var isWellFormed: Bool {
            fractions.count >= 3 && fractions.allSatisfy { (0...1).contains($0) }
                && zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 } && fractions.last == 1
        }
    }

    @Test("KernelSHAP reports the share of its coalition budget, in one round and with a tolerance")
    func kernelSHAP() throws {
        let model = try KernelSHAPShortcutTests.model(inputs: 16, standardize: true, seed: 21)
        let (background, x) = KernelSHAPShortcutTests.data(width: 16, rows: 24, constant: 5, seed: 22)
        for tolerance in [nil, 1e-6] as [Double?] {
            let recorder = Recorder()
            var rng = SplitMix64(seed: 5)
            let explainer = try KernelSHAPExplainer(background: background, samples: 4_000, tolerance: tolerance,
                                                    chunkBudget: 1 << 14)
            let reported = try explainer.explain(x, predictor: model, rng: &rng, progress: recorder.record)
            #expect(recorder.isWellFormed, "\(recorder.fractions)")
            // Reporting changes nothing.
            var again = SplitMix64(seed: 5)
            #expect(try explainer.explain(x, predictor: model, rng: &again) == reported)
        }
    }

    @Test("LIME reports the share of its neighbourhood evaluated")
    func lime() throws {
        let model = try KernelSHAPShortcutTests.model(inputs: 16, standardize: true, seed: 21)
        let (background, x) = KernelSHAPShortcutTests.data(width: 16, rows: 24, constant: 5, seed: 22)
        let explainer = try LIMEExplainer(featureStats: nil, background: background, samples: 3 * LIMEExplainer.batchElementBudget / 16 + 7,
                                          featureNames: (0..<16).map { "f\($0)" }, outputNames: ["a", "b", "c"])
        let recorder = Recorder()
        var rng = SplitMix64(seed: 9)
        let reported = try explainer.explain(x, row: 0, target: .predicted, predictor: model, rng: &rng, progress: recorder.record)
        #expect(recorder.isWellFormed, "\(recorder.fractions)")
        var again = SplitMix64(seed: 9)
        #expect(try explainer.explain(x, row: 0, target: .predicted, predictor: model, rng: &again) == reported)
    }

    @Test("SmoothGrad reports the share of its noisy copies evaluated")
    func smoothGrad() throws {
        let model = try GradientFixtures.smoothMLP()
        let x = GradientFixtures.rows(3, width: 5, seed: 4)
        let stats = FeatureStats(mean: [0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1], min: [-2, -2, -2, -2, -2],
                                 max: [2, 2, 2, 2, 2], quartiles: Array(repeating: [-1, 0, 1], count: 5))
        let explainer = SmoothGrad(sampleCount: 200, batching: GradientBatching(maxScalars: 2_000))
        let recorder = Recorder()
        let reported = try explainer.explain(x, using: model, rng: SplitMix64(seed: 3), featureStats: stats,
                                             progress: recorder.record)
        #expect(recorder.isWellFormed, "\(recorder.fractions)")
        #expect(try explainer.explain(x, using: model, rng: SplitMix64(seed: 3), featureStats: stats) == reported)
    }
}
