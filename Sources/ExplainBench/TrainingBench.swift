import ExplainKit
import Foundation

/// Training throughput on workloads shaped like the bundled samples, and the PyTorch-equivalent workload.
///
/// - breast-cancer MLP (standardize → 30→64→64→2, Adam, batch 64) on 455 rows;
/// - digits CNN (1×8×8, conv 8 and 16 → dense 10, Adam, batch 64) on 1,437 rows;
/// - the reference workload: a 30→64→32→2 MLP, Adam, 200 epochs of minibatch 32 over 455 rows. PyTorch 2.x on this
///   machine class takes about 0.9 s and scikit-learn's `MLPClassifier` about 0.5 s; the goal is ≥ 5× PyTorch.
///
/// Each is timed with and without the per-layer training diagnostics; samples/s and the speed-ups use the thread's
/// CPU time (the wall time is printed too), because this machine's two cores are shared with other work. Data are synthetic Gaussian rows with labels
/// from a fixed linear rule, so the benchmark needs no files.
func runTrainingBenchmark() {
    print("Training (single-threaded BLAS, seeded synthetic data)")
    BLAS.setThreadCount(1)
    let tabular = TrainingWorkload.tabular(rows: 455, width: 30)
    let images = TrainingWorkload.tabular(rows: 1437, width: 64)
    // EXPLAIN_BENCH_TRAINING=reference times the reference workload only (for profiling it).
    let referenceOnly = ProcessInfo.processInfo.environment["EXPLAIN_BENCH_TRAINING"] == "reference"
    for diagnostics in [false, true] {
        let suffix = diagnostics ? " + diagnostics" : ""
        if !referenceOnly {
            let mlp = TrainingWorkload.time(epochs: 20, batchSize: 64, diagnostics: diagnostics, data: tabular) {
                try NetworkBuilder.multilayerPerceptron(
                    name: "mlp", featureNames: TrainingWorkload.names(30), outputNames: ["a", "b"],
                    standardize: Standardize.fitted(name: "standardize0", to: tabular.inputs, inputShape: [30]),
                    hiddenSizes: [64, 64], seed: 1)
        }
        report("train MLP 30-64-64-2, batch 64\(suffix)", String(format: "%9.0f samples/s", mlp.samplesPerSecond))
        let cnn = TrainingWorkload.time(epochs: 3, batchSize: 64, diagnostics: diagnostics, data: images) {
            try NetworkBuilder.convolutional(
                name: "cnn", inputShape: [1, 8, 8], featureNames: TrainingWorkload.names(64), outputNames: ["a", "b"],
                standardize: Standardize.fitted(name: "standardize0", to: images.inputs, inputShape: [1, 8, 8]),
                channels: [8, 16], hiddenSizes: [], seed: 1)
        }
        report("train CNN 1x8x8 conv8-conv16-dense, batch 64\(suffix)", String(format: "%9.0f samples/s", cnn.samplesPerSecond))
        }
        let reference = TrainingWorkload.time(epochs: 200, batchSize: 32, diagnostics: diagnostics, data: tabular) {
            try NetworkBuilder.multilayerPerceptron(
                name: "ref", featureNames: TrainingWorkload.names(30), outputNames: ["a", "b"],
                standardize: Standardize.fitted(name: "standardize0", to: tabular.inputs, inputShape: [30]),
                hiddenSizes: [64, 32], seed: 1)
        }
        report("PyTorch workload 30-64-32-2, 200 epochs\(suffix)",
               String(format: "%6.3f s CPU (%.3f s wall): %.1fx PyTorch 0.9 s, %.1fx sklearn 0.5 s",
                      reference.cpuSeconds, reference.seconds, 0.9 / reference.cpuSeconds, 0.5 / reference.cpuSeconds))
    }
}

/// Synthetic data and timing for the training benchmark.
enum TrainingWorkload {
    static func names(_ count: Int) -> [String] { (0..<count).map { "f\($0)" } }

    /// Gaussian rows; the class is the sign of a fixed random projection.
    static func tabular(rows: Int, width: Int) -> LabeledData {
        var rng = SplitMix64(seed: 17)
        let direction = (0..<width).map { _ in rng.nextNormal() }
        var values: [Float] = [], classes: [Int] = []
        for _ in 0..<rows {
            let row = (0..<width).map { _ in rng.nextNormal() }
            values += row.map { Float($0) }
            classes.append(zip(row, direction).reduce(0) { $0 + $1.0 * $1.1 } > 0 ? 1 : 0)
        }
        return LabeledData(inputs: Tensor(shape: [rows, width], scalars: values), classes: classes, classCount: 2)
    }

    /// The best of three timed trainings (after a warm-up) of a freshly built model: wall time, and the thread's CPU
    /// time, which a machine shared with other work does not inflate.
    static func time(epochs: Int, batchSize: Int, diagnostics: Bool, data: LabeledData,
                     build: () throws -> Model) -> (seconds: Double, cpuSeconds: Double, samplesPerSecond: Double) {
        let config = TrainingConfiguration(optimizer: .adam(), learningRate: 1e-3, epochCount: epochs,
                                           batchSize: batchSize, seed: 1, recordsDiagnostics: diagnostics)
        func once() {
            do {
                let model = try build()
                _ = try Trainer(configuration: config).fit(model, training: data)
            } catch {
                preconditionFailure("training benchmark: \(error)")
            }
        }
        once()
        var wall = Double.infinity, cpu = Double.infinity
        for _ in 0..<3 {
            let cpuStart = threadCPUSeconds()
            wall = min(wall, Stopwatch.time(once))
            cpu = min(cpu, threadCPUSeconds() - cpuStart)
        }
        return (wall, cpu, Double(epochs * data.count) / cpu)
    }

    /// CPU time consumed by the calling thread.
    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
