import ExplainKit
import Foundation

/// GradientSHAP (50 draws, the model file's 100-row background) per row on the breast-cancer MLP and the digits CNN,
/// and Grad-CAM (the last conv2d, bilinear upsampling) per image on digits, single-threaded, on the bundled samples'
/// models and the first rows of their data: the same models and rows as `benchmarks/captum/gradientshap_cam.py`.
/// Each line gives the best wall time and thread CPU time of three runs, and the speed-up over captum's time per row
/// measured by that script on this machine (one thread, batched).
///
/// It also prints what the control variate buys: the mean standard error over the breast-cancer rows with it and
/// without it (the plain mean of the draws, captum's estimator), at 5 and at 50 draws.
func runGradientSHAPBenchmark() {
    BLAS.setThreadCount(1)
    // captum 0.9 / torch 2.15, one thread, 100 rows in one batch, wall time (benchmarks/captum/gradientshap_cam.py,
    // 2026-12-07; its CPU times were 0.820, 1.259 and 0.024 ms: compare CPU with CPU on a busy machine).
    let captum = ["breast_cancer": 1.572e-3, "digits": 1.579e-3, "grad-cam": 0.024e-3]
    for (sample, rowCount) in [("breast_cancer", 500), ("digits", 200)] {
        guard let (file, rows) = GradientSHAPBenchData.load(sample, rows: rowCount), let background = file.background else {
            report("gradientshap \(sample)", "skipped: samples/\(sample) not found")
            continue
        }
        var sink = 0.0
        let explainer = GradientSHAP(sampleCount: 50)
        let time = GradientTiming.best {
            sink += (try? explainer.explain(rows, using: file.model, rng: SplitMix64(seed: 1), background: background))?
                .first?.attributions[0] ?? .nan
        }
        GradientTiming.line("\(sample) gradientshap 50 draws, \(rows.batchSize) rows", time, rows: rows.batchSize,
                            reference: captum[sample])
        if sample == "digits" {
            let cam = GradCAM()
            let images = GradientSHAPBenchData.load(sample, rows: 1797)?.rows ?? rows
            let camTime = GradientTiming.best { sink += (try? cam.explain(images, model: file.model))?.first?.attributions[0] ?? .nan }
            GradientTiming.line("digits grad-cam conv2d4 bilinear, \(images.batchSize) images", camTime, rows: images.batchSize,
                                reference: captum["grad-cam"])
        } else {
            for draws in [5, 50] {
                let runs = [true, false].map { controlled -> (se: Double, size: Double) in
                    let e = (try? GradientSHAP(sampleCount: draws, usesControlVariate: controlled)
                        .explain(rows, using: file.model, rng: SplitMix64(seed: 2), background: background)) ?? []
                    let se = e.flatMap { $0.stdErrors ?? [] }, phi = e.flatMap(\.attributions)
                    return (se.reduce(0, +) / Double(max(1, se.count)), phi.reduce(0) { $0 + abs($1) } / Double(max(1, phi.count)))
                }
                report("\(sample) gradientshap mean SE, \(draws) draws",
                       String(format: "%.4g with the control variate, %.4g plain (%.2f×); mean |φ| %.4g", runs[0].se, runs[1].se,
                              runs[1].se / runs[0].se, runs[1].size))
            }
        }
        precondition(sink.isFinite, "gradientshap benchmark produced a non-finite attribution")
    }
}

/// The bundled samples' model files and the first rows of their data.
enum GradientSHAPBenchData {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func load(_ sample: String, rows: Int) -> (file: ModelFile, rows: Tensor)? {
        let directory = root.appendingPathComponent("samples/\(sample)")
        guard let file = try? ModelFile.load(path: directory.appendingPathComponent("model.json").path),
              let table = try? CSVTable(contentsOf: directory.appendingPathComponent("\(sample).csv").path),
              let all = try? table.numericColumns(file.model.featureNames) else { return nil }
        return (file, all.rows(0..<min(rows, all.batchSize)))
    }
}
