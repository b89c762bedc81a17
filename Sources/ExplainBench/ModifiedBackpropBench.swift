import ExplainKit

/// The modified-backward-pass methods per row, single-threaded, on the bundled breast-cancer MLP and digits CNN
/// (`samples/*/model.json`, run from the repository root) and their first data rows: DeepLIFT (zero baseline),
/// DeepSHAP (the model file's 100 background rows), guided backprop, deconvolution and LRP with each rule.
/// `benchmarks/captum/modified_backprop.py` times captum on the same models and rows.
///
/// Each line gives the best wall time and the best thread CPU time of three runs, per row.
func runModifiedBackpropBenchmark() {
    BLAS.setThreadCount(1)
    for (sample, rowCount, shapRows) in [("breast_cancer", 500, 100), ("digits", 500, 50)] {
        let modelPath = "samples/\(sample)/model.json", dataPath = "samples/\(sample)/\(sample).csv"
        guard let file = try? ModelFile.load(path: modelPath), let table = try? CSVTable(contentsOf: dataPath),
              let all = try? table.numericColumns(file.model.featureNames), let background = file.background else {
            report("\(sample): samples missing", "run from the repository root")
            continue
        }
        let model = file.model
        let x = all.rows(0..<min(rowCount, all.batchSize)), shapX = x.rows(0..<min(shapRows, x.batchSize))
        var sink = 0.0
        func time(_ name: String, _ rows: Tensor, _ body: @escaping (Tensor) throws -> [Explanation]) {
            let t = GradientTiming.best { sink += (try? body(rows))?.first?.attributions[0] ?? .nan }
            GradientTiming.line("\(sample) \(name), \(rows.batchSize) rows", t, rows: rows.batchSize, reference: nil)
        }
        time("deeplift", x) { try DeepLIFT().explain($0, using: model) }
        time("deepshap \(background.rows.batchSize) bg", shapX) { try DeepSHAP().explain($0, using: model, background: background) }
        time("guided-backprop", x) { try GuidedBackprop(kind: .guidedBackprop).explain($0, using: model) }
        time("deconvolution", x) { try GuidedBackprop(kind: .deconvolution).explain($0, using: model) }
        for rule in LRPRule.allCases {
            time("lrp \(rule.rawValue)", x) { try LRP(rule: rule).explain($0, using: model) }
        }
        precondition(sink.isFinite, "modified-backprop benchmark produced a non-finite attribution")
    }
}
