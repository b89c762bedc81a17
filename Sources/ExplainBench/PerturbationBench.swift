import ExplainKit
import Foundation

/// Feature ablation, occlusion and Shapley sampling per row on the bundled breast-cancer MLP and digits CNN, one
/// thread, on the first rows of each sample's data (the rows `benchmarks/captum/perturbation.sh` gives captum).
///
/// Run from the repository root. `PERTURBATION_BENCH_ROWS` (default 20) sets the rows explained per workload; with
/// `choice`, KernelSHAP and Shapley sampling are also compared at equal coalitions (`methodChoice`, a few minutes).
func runPerturbationBenchmark(choice: Bool) {
    do {
        try PerturbationBenchmark().run()
        if choice { try PerturbationBenchmark.methodChoice() }
    } catch {
        print("perturbation benchmark failed: \(error)")
    }
}

struct PerturbationBenchmark {
    let rowCount = Int(ProcessInfo.processInfo.environment["PERTURBATION_BENCH_ROWS"] ?? "") ?? 20

    /// A sample's model file and its first `rowCount` data rows.
    func load(_ sample: String) throws -> (file: ModelFile, rows: [[Float]]) {
        let file = try ModelFile.load(path: "samples/\(sample)/model.json")
        let table = try CSVTable(contentsOf: "samples/\(sample)/\(sample).csv")
        let rows = try table.numericColumns(file.model.featureNames)
        return (file, (0..<min(rowCount, rows.batchSize)).map { rows.row($0) })
    }

    /// CPU seconds per row of `body` over the rows (best of three passes after a warm-up row).
    func perRow(_ rows: [[Float]], _ body: (Int, [Float]) throws -> Int) throws -> (seconds: Double, evaluations: Int) {
        _ = try body(0, rows[0])
        var best = Double.infinity, evaluations = 0
        for _ in 0..<3 {
            let start = threadCPUSeconds()
            evaluations = 0
            for (i, x) in rows.enumerated() { evaluations += try body(i, x) }
            best = min(best, threadCPUSeconds() - start)
        }
        return (best / Double(rows.count), evaluations / rows.count)
    }

    func line(_ name: String, _ result: (seconds: Double, evaluations: Int)) {
        report("perturbation | \(name)", String(format: "%8.3f ms/row  %9d model evaluations/row",
                                                1000 * result.seconds, result.evaluations))
    }

    func run() throws {
        print("perturbation | first \(rowCount) rows of each sample, one thread, CPU time per row (best of 3)")
        for sample in ["breast_cancer", "digits"] {
            let (file, rows) = try load(sample)
            let model = file.model
            guard let background = file.background else { continue }
            let ablation = try FeatureAblation()
            line("\(sample): feature-ablation (zero baseline)", try perRow(rows) { i, x in
                try ablation.explain(x, row: i, predictor: model).modelEvaluations
            })
            if model.inputShape.count == 3 {
                for (h, s) in [(2, 1), (3, 2)] {
                    let occlusion = try Occlusion(inputShape: model.inputShape, windowHeight: h, windowWidth: h, stride: s)
                    line("\(sample): occlusion \(h)x\(h) stride \(s)", try perRow(rows) { i, x in
                        try occlusion.explain(x, row: i, predictor: model).modelEvaluations
                    })
                }
            }
            let shapley = try ShapleySampling(background: background)
            line("\(sample): shapley-sampling, 64 permutations, \(background.rows.batchSize) bg rows", try perRow(rows) { i, x in
                var rng = SplitMix64(seed: 0).derived(UInt64(i))
                return try shapley.explain(x, row: i, predictor: model, rng: &rng).modelEvaluations
            })
        }
    }
}
