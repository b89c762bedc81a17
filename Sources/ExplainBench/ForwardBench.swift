import ExplainKit
import Foundation

/// Networks shaped like the bundled samples, with seeded random weights.
enum BenchModels {
    static func random(_ shape: [Int], _ rng: inout SplitMix64, scale: Float) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) * scale })
    }

    /// standardize → 30→64 relu → 64→64 relu → 64→2 softmax.
    static func breastCancerMLP(seed: UInt64 = 1) -> Model {
        var rng = SplitMix64(seed: seed)
        let layers: [any Layer] = [
            Standardize(name: "z", mean: [Float](repeating: 0, count: 30), std: [Float](repeating: 1, count: 30)),
            Dense(name: "fc1", weight: random([64, 30], &rng, scale: 0.25), bias: random([64], &rng, scale: 0.1)),
            Activation(name: "relu1", kind: .relu),
            Dense(name: "fc2", weight: random([64, 64], &rng, scale: 0.18), bias: random([64], &rng, scale: 0.1)),
            Activation(name: "relu2", kind: .relu),
            Dense(name: "fc3", weight: random([2, 64], &rng, scale: 0.18), bias: random([2], &rng, scale: 0.1)),
            Softmax(name: "softmax"),
        ]
        // The layers above always fit; a failure here is a programming error in the benchmark itself.
        guard let model = try? Model(name: "bench-mlp", inputShape: [30], featureNames: (0..<30).map { "f\($0)" },
                                     outputNames: ["a", "b"], layers: layers) else { preconditionFailure("bench MLP") }
        return model
    }

    /// 1×8×8 → conv 8@3×3 pad 1 → relu → maxpool 2 → conv 16@3×3 pad 1 → relu → maxpool 2 → dense 10 → softmax.
    static func digitsCNN(seed: UInt64 = 2) -> Model {
        var rng = SplitMix64(seed: seed)
        let layers: [any Layer] = [
            Conv2D(name: "conv1", weight: random([8, 1, 3, 3], &rng, scale: 0.3), bias: random([8], &rng, scale: 0.1), padding: 1),
            Activation(name: "relu1", kind: .relu),
            Pool2D(name: "pool1", reduction: .max, kernel: 2),
            Conv2D(name: "conv2", weight: random([16, 8, 3, 3], &rng, scale: 0.1), bias: random([16], &rng, scale: 0.1), padding: 1),
            Activation(name: "relu2", kind: .relu),
            Pool2D(name: "pool2", reduction: .max, kernel: 2),
            Flatten(name: "flatten"),
            Dense(name: "fc", weight: random([10, 64], &rng, scale: 0.1), bias: random([10], &rng, scale: 0.1)),
            Softmax(name: "softmax"),
        ]
        guard let model = try? Model(name: "bench-cnn", inputShape: [1, 8, 8], featureNames: (0..<64).map { "px\($0)" },
                                     outputNames: (0..<10).map(String.init), layers: layers) else { preconditionFailure("bench CNN") }
        return model
    }

    /// Multiply-adds per row of the dense and conv layers, times 2 (FLOPs).
    static func flopsPerRow(_ model: Model) -> Double {
        var flops = 0.0
        for (layer, out) in zip(model.layers, model.layerShapes) {
            if let d = layer as? Dense { flops += 2 * Double(d.inputCount * d.outputCount) }
            if let c = layer as? Conv2D { flops += 2 * Double(out.reduce(1, *) * c.weight.shape[1...].reduce(1, *)) }
        }
        return flops
    }
}

/// Single-thread sgemm throughput on a square product, the machine's own peak for comparison.
func sgemmPeakGFLOPs(size n: Int = 1024) -> Double {
    var rng = SplitMix64(seed: 9)
    let a = (0..<(n * n)).map { _ in Float(rng.nextNormal()) }
    let b = a
    var c = [Float](repeating: 0, count: n * n)
    let t = Stopwatch.best(repeats: 5) {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            BLAS.gemm(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: n, n: n, k: n)
        } } }
    }
    return 2 * Double(n * n * n) / t / 1e9
}

/// Forward throughput of `model` over `rows` random rows, processed in cache-sized chunks.
func forwardThroughput(_ model: Model, rows: Int, chunk: Int = 2048) -> (rowsPerSecond: Double, gflops: Double) {
    var rng = SplitMix64(seed: 3)
    let x = BenchModels.random([rows, model.inputWidth], &rng, scale: 1)
    var sink: Float = 0
    let t = Stopwatch.best(repeats: 3) {
        var start = 0
        while start < rows {
            let end = min(rows, start + chunk)
            sink += model.forward(x.rows(start..<end)).scalars[0]
            start = end
        }
    }
    precondition(sink.isFinite)
    let rate = Double(rows) / t
    return (rate, rate * BenchModels.flopsPerRow(model) / 1e9)
}

/// `Model.infer` throughput (the explainers' no-gradient path) over `rows` random rows in one call; the model blocks
/// the rows itself.
func inferThroughput(_ model: Model, rows: Int) -> (rowsPerSecond: Double, gflops: Double) {
    var rng = SplitMix64(seed: 3)
    let x = BenchModels.random([rows, model.inputWidth], &rng, scale: 1)
    var sink: Float = 0
    let t = Stopwatch.best(repeats: 5) { sink += model.infer(x).scalars[0] }
    precondition(sink.isFinite)
    let rate = Double(rows) / t
    return (rate, rate * BenchModels.flopsPerRow(model) / 1e9)
}

func runForwardBenchmark() -> Double {
    BLAS.setThreadCount(1)
    let peak = sgemmPeakGFLOPs()
    report("sgemm 1024³ peak (1 thread)", String(format: "%.1f GFLOP/s", peak))
    let mlp = forwardThroughput(BenchModels.breastCancerMLP(), rows: 200_000)
    report("MLP 30→64→64→2 forward, 200k rows", String(format: "%.0f rows/s  %.1f GFLOP/s  (%.0f%% of peak)", mlp.rowsPerSecond, mlp.gflops, 100 * mlp.gflops / peak))
    let fast = inferThroughput(BenchModels.breastCancerMLP(), rows: 200_000)
    report("MLP 30→64→64→2 infer, 200k rows", String(format: "%.0f rows/s  %.1f GFLOP/s  (%.0f%% of peak)", fast.rowsPerSecond, fast.gflops, 100 * fast.gflops / peak))
    let cnn = forwardThroughput(BenchModels.digitsCNN(), rows: 50_000, chunk: 512)
    report("CNN 1×8×8 digits forward, 50k rows", String(format: "%.0f rows/s  %.1f GFLOP/s  (%.0f%% of peak)", cnn.rowsPerSecond, cnn.gflops, 100 * cnn.gflops / peak))
    let cnnInfer = inferThroughput(BenchModels.digitsCNN(), rows: 50_000)
    report("CNN 1×8×8 digits infer, 50k rows", String(format: "%.0f rows/s  %.1f GFLOP/s  (%.0f%% of peak)", cnnInfer.rowsPerSecond, cnnInfer.gflops, 100 * cnnInfer.gflops / peak))
    return peak
}
