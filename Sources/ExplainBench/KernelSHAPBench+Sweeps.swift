import ExplainKit
import Foundation

/// The accuracy sweeps of the KernelSHAP benchmark: `KERNELSHAP_BENCH_ERRORS` and the export for compare.py.
extension KernelSHAPBenchmark {
    /// Mean relative L2 error and CPU time per row of sampled-background runs, `spec` = "samples:rows,...".
    func errorSweep(_ spec: String, background: [[Float]], rows: [[Float]]) throws {
        let bg = Background(rows: Tensor(rows: background))
        let predictor = self.predictor
        let reference = try references(rows: rows, background: bg, cache: true)
        let seeds = Int(ProcessInfo.processInfo.environment["KERNELSHAP_BENCH_SEEDS"] ?? "4") ?? 4
        for item in spec.split(separator: ",") {
            let parts = item.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { continue }
            // Rows per coalition 0 means the whole background.
            let explainer = try KernelSHAPExplainer(background: bg, samples: parts[0],
                                                    backgroundPerCoalition: parts[1] > 0 ? parts[1] : nil)
            var error = 0.0, squares = 0.0, evaluations = 0
            let start = processCPUSeconds()
            for seed in 0..<seeds {
                for (i, x) in rows.enumerated() {
                    var rng = SplitMix64(seed: 100 + UInt64(i) + 1000 * UInt64(seed))
                    let result = try explainer.explain(x, predictor: predictor, rng: &rng)
                    let v = result.values[1], r = reference[i]
                    let e = zip(v, r).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                        / r.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
                    error += e
                    squares += e * e
                    evaluations += result.modelEvaluations
                }
            }
            let n = Double(seeds * rows.count)
            let cpu = (processCPUSeconds() - start) / n
            let mean = error / n
            print(String(format: "errors | %6d coalitions × %3d rows: rel L2 %.4f ± %.4f, %.2f ms/row CPU, %d evaluations/row",
                         parts[0], parts[1], mean, ((squares / n - mean * mean) / n).squareRoot(), 1000 * cpu,
                         evaluations / Int(n)))
        }
    }

    /// Explains `rows` (target 1, seed 100 + row) three times: the least CPU time per row of the three, which is the
    /// most repeatable figure on a shared machine, with the values and model evaluations of one pass. `wall` is the
    /// least wall time per row of three more passes that spread the rows over every core, as the CLI does.
    static func timed(_ explainer: KernelSHAPExplainer, rows: [[Float]], predictor: some BatchPredictor) throws
        -> (perRow: Double, wall: Double, values: [[Double]], evaluations: Int) {
        var wall = Double.infinity, parallel = [[Double]]()
        for _ in 0..<3 {
            let start = Date()
            parallel = try ParallelRows.map(count: rows.count, threads: ParallelRows.defaultThreadCount) { i in
                var rng = SplitMix64(seed: 100 + UInt64(i))
                return try explainer.explain(rows[i], predictor: predictor, rng: &rng).values[1]
            }
            wall = min(wall, Date().timeIntervalSince(start) / Double(rows.count))
        }
        var best = Double.infinity, values = [[Double]](), evaluations = 0
        for _ in 0..<3 {
            values = []
            evaluations = 0
            let start = processCPUSeconds()
            for (i, x) in rows.enumerated() {
                var rng = SplitMix64(seed: 100 + UInt64(i))
                let result = try explainer.explain(x, predictor: predictor, rng: &rng)
                values.append(result.values[1])
                evaluations += result.modelEvaluations
            }
            best = min(best, (processCPUSeconds() - start) / Double(rows.count))
        }
        precondition(parallel == values, "KernelSHAP: values depend on the thread count")
        return (best, wall, values, evaluations)
    }

    /// Target-1 Shapley values of `rows` at 2^17 coalitions (seed 900 + row). With `cache`, they are kept in /tmp
    /// under a hash of the model, background and rows, since they take about half a minute.
    func references(rows: [[Float]], background: Background, cache: Bool) throws -> [[Double]] {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for value in layers.flatMap({ $0.weight + $0.bias }) + background.rows.scalars + rows.flatMap({ $0 }) {
            hash = (hash ^ UInt64(value.bitPattern)) &* 0x100_0000_01B3
        }
        let path = "/tmp/kernelshap-reference-\(String(hash, radix: 16)).json"
        if cache, let data = FileManager.default.contents(atPath: path),
           let cached = try JSONSerialization.jsonObject(with: data) as? [[Double]], cached.count == rows.count {
            return cached
        }
        let predictor = self.predictor
        let reference = try rows.enumerated().map { i, x in
            var rng = SplitMix64(seed: 900 + UInt64(i))
            return try KernelSHAPExplainer(background: background, samples: 1 << 17)
                .explain(x, predictor: predictor, rng: &rng).values[1]
        }
        if cache { try JSONSerialization.data(withJSONObject: reference).write(to: URL(fileURLWithPath: path)) }
        return reference
    }

    /// Writes the model, data, reference values and our budget sweep for compare.py.
    func export(to path: String, background: [[Float]], rows: [[Float]]) throws {
        let bg = Background(rows: Tensor(rows: background))
        let predictor = self.predictor
        let reference = try references(rows: rows, background: bg, cache: false)
        var sweep = [[String: Any]]()
        for sampler in KernelSHAPSampler.allCases {
            for samples in [64, 100, 150, 200, 300, 400, 600, 800, 1200, 1600, 2108, 3200] {
                let run = try Self.timed(KernelSHAPExplainer(background: bg, samples: samples, sampler: sampler),
                                         rows: rows, predictor: predictor)
                sweep.append(["sampler": sampler.rawValue, "samples": samples, "seconds_per_row": run.perRow,
                              "wall_per_row": run.wall, "values": run.values])
            }
        }
        // A few background rows per sampled coalition (with the control variate): coalitions are far cheaper.
        let perCoalitionSweep: [(rows: Int, samples: [Int])] = [
            (1, [2000, 4000, 8000, 12000, 16000, 24000]),
            (2, [1000, 2000, 4000, 6000, 7000, 8000, 9000, 10000, 12000]),
            (3, [1000, 2000, 3000, 3500, 4000, 4500, 5000, 6000]),
            (4, [500, 1000, 2000, 3000, 4000, 4500, 5000, 5500, 6000, 8000]),
            (6, [600, 1200, 2000, 2500, 3000, 3500, 4000, 5000]),
            (10, [300, 500, 800, 1200, 1600, 2400, 2800, 3200]),
        ]
        for (perCoalition, budgets) in perCoalitionSweep {
            for samples in budgets {
                let run = try Self.timed(KernelSHAPExplainer(background: bg, samples: samples,
                                                             backgroundPerCoalition: perCoalition),
                                         rows: rows, predictor: predictor)
                sweep.append(["sampler": "\(KernelSHAPSampler.default.rawValue), \(perCoalition) background row(s) per coalition",
                              "samples": samples, "seconds_per_row": run.perRow, "wall_per_row": run.wall,
                              "values": run.values,
                              "evaluations_per_row": run.evaluations / rows.count])
            }
        }
        let document: [String: Any] = [
            "widths": Self.widths, "mean": mean, "std": std,
            "weights": layers.map { $0.weight }, "biases": layers.map { $0.bias },
            "background": background, "rows": rows, "target": 1, "reference": reference,
            "reference_samples": 1 << 17, "swift_sweep": sweep, "cores": ParallelRows.defaultThreadCount,
        ]
        let json = try JSONSerialization.data(withJSONObject: document)
        try json.write(to: URL(fileURLWithPath: path))
        print("kernelshap | wrote \(path)")
    }
}
