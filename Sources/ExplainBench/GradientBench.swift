import ExplainKit
import Foundation

/// Gradient-method throughput: integrated gradients (Gauss–Legendre, 50 steps), plain gradients and SmoothGrad
/// (50 samples) on the breast-cancer-sized MLP and the digits-sized CNN, single-threaded, with the process's peak
/// memory. Each line gives the best wall time and the best thread CPU time of three runs (CPU time is what to compare
/// when other processes share the machine).
///
/// Reference (captum on a 30→32→16→2 MLP): about 2.4 ms/row for IG (GL, 50 steps), 0.24 ms/row for a plain gradient.
func runGradientBenchmark() {
    BLAS.setThreadCount(1)
    let captumIG = 2.4e-3, captumGradient = 0.24e-3
    // captum's reference times are for an MLP, so only the MLP lines compare with them.
    for (label, model, igRows, gradientRows, isMLP) in [
        ("MLP 30→64→64→2", BenchModels.breastCancerMLP(), 2000, 100_000, true),
        ("CNN 1×8×8 digits", BenchModels.digitsCNN(), 400, 20_000, false),
    ] {
        var rng = SplitMix64(seed: 5)
        let igX = BenchModels.random([igRows, model.inputWidth], &rng, scale: 1)
        let gradientX = BenchModels.random([gradientRows, model.inputWidth], &rng, scale: 1)
        var sink = 0.0
        let ig = IntegratedGradients()
        let igTime = GradientTiming.best { sink += (try? ig.explain(igX, using: model))?.first?.attributions[0] ?? .nan }
        GradientTiming.line("\(label) IG gauss-legendre 50 steps, \(igRows) rows", igTime, rows: igRows, reference: isMLP ? captumIG : nil)
        let gradient = GradientExplainer()
        let gradientTime = GradientTiming.best { sink += (try? gradient.explain(gradientX, using: model))?.first?.attributions[0] ?? .nan }
        GradientTiming.line("\(label) gradient, \(gradientRows) rows", gradientTime, rows: gradientRows, reference: isMLP ? captumGradient : nil)
        let smooth = SmoothGrad()
        let smoothTime = GradientTiming.best {
            // The noise scale comes from the training data: here the random rows themselves stand in for it.
            sink += (try? smooth.explain(igX, using: model, rng: SplitMix64(seed: 1), background: Background(rows: gradientX)))?
                .first?.attributions[0] ?? .nan
        }
        GradientTiming.line("\(label) smoothgrad 50 samples, \(igRows) rows", smoothTime, rows: igRows, reference: nil)
        precondition(sink.isFinite, "gradient benchmark produced a non-finite attribution")
    }
    report("peak resident memory", String(format: "%.0f MiB", Stopwatch.peakMemoryMiB))
}

/// Wall and thread-CPU timing for the gradient benchmark.
enum GradientTiming {
    /// The best wall time and the best CPU time of `repeats` runs after a warm-up, in seconds.
    static func best(repeats: Int = 3, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        body()
        var wall = Double.infinity, cpu = Double.infinity
        for _ in 0..<repeats {
            let c0 = threadCPUSeconds()
            wall = min(wall, Stopwatch.time(body))
            cpu = min(cpu, threadCPUSeconds() - c0)
        }
        return (wall, cpu)
    }

    /// Prints rows/s and µs/row (wall, CPU) and, with a reference time per row, how many times faster we are.
    static func line(_ name: String, _ t: (wall: Double, cpu: Double), rows: Int, reference: Double?) {
        let wall = t.wall / Double(rows), cpu = t.cpu / Double(rows)
        var text = String(format: "%.0f rows/s  %.1f µs/row (cpu %.1f)", 1 / wall, wall * 1e6, cpu * 1e6)
        if let reference { text += String(format: "  %.0f× captum", reference / wall) }
        report(name, text)
    }
}
