import ExplainKit
import Foundation

/// Graph-model inference on the ONNX samples against onnxruntime on the same files, in one run: rows/s at batch 1,
/// 64 and 4,096 on one thread. onnxruntime's figures come from scripts/bench_onnxruntime.py when a Python
/// environment with onnxruntime is at `$EXPLAINKIT_VENV` (default /tmp/explainkit-venv); otherwise only ours print.
func runGraphBenchmark() {
    print("\n# Graph inference (samples/onnx, one thread) vs onnxruntime")
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let onnxruntime = onnxruntimeFigures(root: root)
    for name in ["digits_resnet", "breast_cancer_pipeline"] {
        guard let file = try? ModelFile.load(path: root.appendingPathComponent("samples/onnx/\(name).json").path) else {
            print("  \(name): samples/onnx/\(name).json not found (run from the repository root)")
            continue
        }
        let model = file.model
        for batch in [1, 64, 4096] {
            var rng = SplitMix64(seed: 7)
            let x = Tensor(shape: [batch, model.inputWidth],
                           scalars: (0..<(batch * model.inputWidth)).map { _ in Float(rng.nextNormal()) * 4 + 4 })
            // Enough calls for about 0.2 s per timing.
            let calls = max(1, 40_000 / batch)
            let seconds = Stopwatch.best(repeats: 5) { for _ in 0..<calls { _ = model.infer(x) } }
            let ours = Double(calls * batch) / seconds
            var line = String(format: "%10.0f rows/s", ours)
            if let theirs = onnxruntime["\(name)/\(batch)"] {
                line += String(format: "   onnxruntime %10.0f rows/s   ratio %.2f×", theirs, ours / theirs)
            }
            report("  \(name) infer, batch \(batch)", line)
        }
    }
}

/// onnxruntime's rows/s per "model/batch", or none when the Python environment is missing.
private func onnxruntimeFigures(root: URL) -> [String: Double] {
    let venv = ProcessInfo.processInfo.environment["EXPLAINKIT_VENV"] ?? "/tmp/explainkit-venv"
    let python = venv + "/bin/python"
    guard FileManager.default.isExecutableFile(atPath: python) else {
        print("  (no onnxruntime comparison: no Python environment at \(venv); see scripts/bench_onnxruntime.py)")
        return [:]
    }
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("explainkit-ort-\(getpid()).json")
    defer { try? FileManager.default.removeItem(at: output) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [root.appendingPathComponent("scripts/bench_onnxruntime.py").path, "--seconds", "0.5",
                         "--json", output.path]
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch { return [:] }
    process.waitUntilExit()
    guard process.terminationStatus == 0, let data = try? Data(contentsOf: output),
          let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let results = document["results"] as? [[String: Any]] else { return [:] }
    var figures: [String: Double] = [:]
    for r in results {
        if let model = r["model"] as? String, let batch = r["batch"] as? Int, let rate = r["rows_per_second"] as? Double {
            figures["\(model)/\(batch)"] = rate
        }
    }
    return figures
}
