import ExplainKit
import Testing

/// `--tolerance` means one thing: the stop rule, `converged` and the recorded trace use the same quantity.
@Suite("KernelSHAP tolerance on the explained target")
struct KernelSHAPToleranceTargetTests {
    /// A three-output softmax MLP with 15 varying features (as the convergence-trace test uses).
    static func run(target: Target?, tolerance: Double, samples: Int = 20_000) throws -> KernelSHAPResult {
        let model = try KernelSHAPShortcutTests.model(inputs: 16, standardize: true, seed: 21)
        let (background, x) = KernelSHAPShortcutTests.data(width: 16, rows: 24, constant: 5, seed: 22)
        var rng = SplitMix64(seed: 5)
        return try KernelSHAPExplainer(background: background, samples: samples, tolerance: tolerance)
            .explain(x, target: target, predictor: model, rng: &rng)
    }

    static func meets(_ point: ConvergencePoint, _ tolerance: Double) -> Bool {
        point.maxStdError <= tolerance * point.valueRange
    }

    @Test("with a target, sampling stops at the first round whose target trace meets the tolerance; converged agrees with every output's own trace",
          arguments: [0, 1, 2])
    func stopsOnTarget(target: Int) throws {
        let tolerance = 0.004
        let result = try Self.run(target: .index(target), tolerance: tolerance)
        let trace = try #require(result.convergence[target] as [ConvergencePoint]?)
        #expect(trace.count >= 2, "the test needs several rounds")
        // No round is drawn after one that met the tolerance, and the last one met it.
        #expect(trace.dropLast().allSatisfy { !Self.meets($0, tolerance) })
        #expect(Self.meets(try #require(trace.last), tolerance))
        #expect(result.isConverged)
        for o in 0..<3 {
            let explanation = try result.explanation(target: .index(o))
            let ownTrace = try #require(explanation.convergence)
            let converged = Self.meets(try #require(ownTrace.last), tolerance)
            #expect(explanation.diagnostics["converged"] == (converged ? 1 : 0))
            #expect(explanation.flags.contains("kernelshap_not_converged") == !converged)
        }
    }

    @Test("without a target every output is watched, and each output's converged still matches its own trace")
    func watchesAll() throws {
        let tolerance = 0.004
        let all = try Self.run(target: nil, tolerance: tolerance)
        let rounds = all.convergence[0].count
        #expect((0..<(rounds - 1)).allSatisfy { r in !all.convergence.allSatisfy { Self.meets($0[r], tolerance) } })
        for o in 0..<3 {
            let explanation = try all.explanation(target: .index(o))
            #expect(explanation.diagnostics["converged"] == (Self.meets(all.convergence[o][rounds - 1], tolerance) ? 1 : 0))
        }
        // Watching one output never takes more rounds than watching all of them.
        let one = try Self.run(target: .index(1), tolerance: tolerance)
        #expect(one.convergence[1].count <= rounds)
    }

    @Test("a budget that runs out first: not converged, flagged, and the trace says why")
    func budgetRunsOut() throws {
        let result = try Self.run(target: .predicted, tolerance: 1e-7, samples: 1_500)
        let explanation = try result.explanation()
        let last = try #require(explanation.convergence?.last)
        #expect(!Self.meets(last, 1e-7))
        #expect(explanation.diagnostics["converged"] == 0 && explanation.flags.contains("kernelshap_not_converged"))
    }
}
