import ExplainKit
import Foundation

/// KernelSHAP throughput on a breast-cancer-sized MLP (30 → 64 → 64 → 2, softmax) with a 100-row background.
///
/// Prints rows/s at the default budget, the GFLOP/s of the model evaluations, and the peak resident memory.
/// With `KERNELSHAP_BENCH_EXPORT=path.json` it also writes the weights, background, rows, reference values and a
/// budget sweep (time per row, values) for `benchmarks/shap/compare.py`. With
/// `KERNELSHAP_BENCH_ERRORS="coalitions:rows,..."` it instead prints the mean relative L2 error (over 8 rows and
/// `KERNELSHAP_BENCH_SEEDS` seeds, against 2^17-coalition references cached in /tmp) and CPU time of sampled-background
/// runs, for tuning.
func runKernelSHAPBenchmark() {
    do {
        try KernelSHAPBenchmark().run()
    } catch {
        print("kernelshap benchmark failed: \(error)")
    }
}

/// The benchmark's model, data and measurements.
struct KernelSHAPBenchmark {
    static let widths = [30, 64, 64, 2]
    /// Multiply-adds ×2 per model row.
    static let flopsPerRow = Double(2 * (30 * 64 + 64 * 64 + 64 * 2))

    let data: [[Float]]
    let layers: [(weight: [Float], bias: [Float])]
    let mean: [Float], std: [Float]

    init() throws {
        data = Self.loadData()
        var rng = SplitMix64(seed: 2024)
        var layers = [(weight: [Float], bias: [Float])]()
        for l in 0..<(Self.widths.count - 1) {
            let fanIn = Self.widths[l], fanOut = Self.widths[l + 1]
            let scale = (2 / Double(fanIn)).squareRoot()
            layers.append(((0..<(fanIn * fanOut)).map { _ in Float(rng.nextNormal() * scale) },
                           (0..<fanOut).map { _ in Float(rng.nextNormal() * 0.1) }))
        }
        self.layers = layers
        let stats = FeatureStats.computed(from: data.flatMap { $0 }, rows: data.count, width: 30)
        mean = stats.mean.map { Float($0) }
        std = stats.std.map { Float($0 > 0 ? $0 : 1) }
    }

    /// The bundled breast_cancer.csv's 30 feature columns, or 569 synthetic rows when the file is missing.
    static func loadData() -> [[Float]] {
        let path = "samples/breast_cancer/breast_cancer.csv"  // run from the repository root
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let rows = text.split(separator: "\n").dropFirst().compactMap { line -> [Float]? in
                let values = line.split(separator: ",").prefix(30).compactMap { Float($0) }
                return values.count == 30 ? values : nil
            }
            if rows.count > 100 { return rows }
        }
        var rng = SplitMix64(seed: 7)
        return (0..<569).map { _ in (0..<30).map { _ in Float(rng.nextNormal()) } }
    }

    /// The MLP as the explainers see it: a `Model` (standardize → dense → relu → dense → relu → dense → softmax), run
    /// through `Model.infer` exactly as the CLI runs a model file, with KernelSHAP's exact first-layer shortcut.
    var predictor: Model {
        let names = ["fc1", "fc2", "fc3"]
        var stack: [any Layer] = [Standardize(name: "z", mean: mean, std: std)]
        for (l, layer) in layers.enumerated() {
            let fanIn = Self.widths[l], fanOut = Self.widths[l + 1]
            stack.append(Dense(name: names[l], weight: Tensor(shape: [fanOut, fanIn], scalars: layer.weight),
                               bias: Tensor(shape: [fanOut], scalars: layer.bias)))
            stack.append(l < layers.count - 1 ? Activation(name: "relu\(l + 1)", kind: .relu) : Softmax(name: "softmax"))
        }
        do {
            return try Model(name: "breast-cancer-mlp", inputShape: [30], featureNames: (0..<30).map { "f\($0)" },
                             outputNames: ["malignant", "benign"], layers: stack)
        } catch {
            preconditionFailure("the benchmark's own model is invalid: \(error)")
        }
    }

    /// The same model as a black box (no first-layer shortcut), for the figure without it.
    var blackBox: ClosurePredictor {
        let model = predictor
        return ClosurePredictor(inputWidth: 30, outputCount: 2) { try model.predict($0) }
    }

    func run() throws {
        var pick = SplitMix64(seed: 11)
        let shuffled = data.indices.shuffled(using: &pick)
        let backgroundRows = shuffled.prefix(100).map { data[$0] }
        let explained = shuffled.dropFirst(100).prefix(20).map { data[$0] }
        let background = Background(rows: Tensor(rows: backgroundRows))
        let predictor = self.predictor
        let explainer = try KernelSHAPExplainer(background: background)

        // Throughput at the default budget.
        var rng = SplitMix64(seed: 1)
        if let spec = ProcessInfo.processInfo.environment["KERNELSHAP_BENCH_ERRORS"] {
            try errorSweep(spec, background: backgroundRows, rows: Array(explained.prefix(8)))
            return
        }
        if ProcessInfo.processInfo.environment["KERNELSHAP_BENCH_SAMPLED_ONLY"] == nil {
        _ = try explainer.explain(explained[0], predictor: predictor, rng: &rng)
        var evaluations = 0
        let start = Date()
        let cpuStart = processCPUSeconds()
        for (i, x) in explained.enumerated() {
            var rowRNG = rng.derived(UInt64(i))
            evaluations += try explainer.explain(x, row: i, predictor: predictor, rng: &rowRNG).modelEvaluations
        }
        let seconds = Date().timeIntervalSince(start)
        let cpu = processCPUSeconds() - cpuStart
        // The model alone, on one chunk-sized batch.
        let batchRows = KernelSHAPExplainer.defaultChunkBudget / 30
        let batch = Tensor(shape: [batchRows, 30], scalars: (0..<(batchRows * 30)).map { backgroundRows[($0 / 30) % 100][$0 % 30] })
        let modelStart = processCPUSeconds()
        for _ in 0..<5 { _ = try predictor.predict(batch) }
        let modelSeconds = (processCPUSeconds() - modelStart) / 5
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("kernelshap | breast-cancer MLP 30-64-64-2, 100 background rows, default budget (2M+2048), sampler \(KernelSHAPSampler.default)")
        print(String(format: "kernelshap | %.1f rows/s wall (%.1f ms/row), %.1f rows/s per CPU second, %d model evaluations/row",
                     Double(explained.count) / seconds, 1000 * seconds / Double(explained.count),
                     Double(explained.count) / cpu, evaluations / explained.count))
        print(String(format: "kernelshap | model evaluations: %.1f GFLOP/s over the whole explain (nominal: full rows; the first-layer shortcut does less), %.1f GFLOP/s model alone (CPU time)",
                     Double(evaluations) * Self.flopsPerRow / cpu / 1e9,
                     Double(batchRows) * Self.flopsPerRow / modelSeconds / 1e9))
        print("kernelshap | peak memory (maxrss): \(usage.ru_maxrss / 1024) MB")
        let blackBox = self.blackBox
        let blackBoxStart = processCPUSeconds()
        for (i, x) in explained.enumerated() {
            var rowRNG = rng.derived(UInt64(i))
            _ = try explainer.explain(x, row: i, predictor: blackBox, rng: &rowRNG)
        }
        print(String(format: "kernelshap | the same model as a black box (no first-layer shortcut): %.1f ms/row CPU",
                     1000 * (processCPUSeconds() - blackBoxStart) / Double(explained.count)))
        }
        // A sampled background (--background-per-coalition) at a budget that reaches rel L2 ≈ 0.05 on this model
        // (benchmarks/README.md); KERNELSHAP_BENCH_SAMPLED="coalitions,rows" overrides it.
        let setting = (ProcessInfo.processInfo.environment["KERNELSHAP_BENCH_SAMPLED"] ?? "5000,4")
            .split(separator: ",").compactMap { Int($0) }
        let (sampledBudget, perCoalition) = setting.count == 2 ? (setting[0], setting[1]) : (5000, 4)
        let sampled = try KernelSHAPExplainer(background: background, samples: sampledBudget,
                                              backgroundPerCoalition: perCoalition)
        var sampledEvaluations = 0
        let sampledStart = processCPUSeconds()
        for (i, x) in explained.enumerated() {
            var rowRNG = rng.derived(UInt64(i))
            sampledEvaluations += try sampled.explain(x, row: i, predictor: predictor, rng: &rowRNG).modelEvaluations
        }
        let sampledCPU = processCPUSeconds() - sampledStart
        print(String(format: "kernelshap | %d background rows per coalition, %d coalitions: %.1f ms/row CPU, %d model evaluations/row",
                     perCoalition, sampledBudget, 1000 * sampledCPU / Double(explained.count),
                     sampledEvaluations / explained.count))
        if let path = ProcessInfo.processInfo.environment["KERNELSHAP_BENCH_EXPORT"] {
            try export(to: path, background: backgroundRows, rows: Array(explained.prefix(8)))
        }
    }
}
