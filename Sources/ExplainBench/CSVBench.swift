import ExplainKit
import Foundation

/// Times reading a 100,000 × 64 numeric CSV (CONTRACT.md §2): indexing plus extracting every feature column, in an
/// order different from the file's. Target: well under 1 s in release mode.
/// - Returns: the best wall time in seconds, or nil when the temporary file could not be written or read.
@discardableResult
func runCSVBenchmark(rows: Int = 100_000, columns: Int = 64) -> Double? {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("explain-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = "\(directory)/table.csv"
    var rng = SplitMix64(seed: 11)
    let names = (0..<columns).map { "feature_\($0)" }
    let values = Tensor(shape: [rows, columns], scalars: (0..<(rows * columns)).map { _ in
        Float(rng.nextNormal() * 10)
    })
    do {
        try CSVTable.write(columns: names, values: values, textColumns: [(name: "label", values: Array(repeating: "a", count: rows))],
                           to: path)
        let size = Double(try AtomicFile.read(path).count) / 1_048_576
        let requested = Array(names.reversed())
        var check: Tensor?
        let cpuStart = processCPUSeconds()
        let seconds = try Stopwatch.best(repeats: 3) {
            let table = try CSVTable(contentsOf: path)
            check = try table.numericColumns(requested)
        }
        let cpu = (processCPUSeconds() - cpuStart) / 4
        guard let check, check.scalars[columns - 1] == values.scalars[0] else {
            report("csv read \(rows)×\(columns)", "MISMATCH")
            return nil
        }
        let cells = Double(rows * columns)
        report("csv read \(rows)×\(columns) (\(String(format: "%.1f", size)) MiB)",
               String(format: "%.3f s  (%.0f M cells/s, %.0f MiB/s; CPU %.3f s)", seconds, cells / seconds / 1e6,
                      size / seconds, cpu))
        return seconds
    } catch {
        report("csv read \(rows)×\(columns)", "FAILED: \(error)")
        return nil
    }
}

/// Times parsing and validating a model file of about 5 MB (a 784→512→64→10 MLP). Target: well under 0.5 s.
/// - Returns: the best wall time in seconds, or nil on failure.
@discardableResult
func runModelFileBenchmark() -> Double? {
    var rng = SplitMix64(seed: 12)
    func random(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) * 0.05 })
    }
    let layers: [any Layer] = [
        Dense(name: "fc1", weight: random([512, 784]), bias: random([512])),
        Activation(name: "relu1", kind: .relu),
        Dense(name: "fc2", weight: random([64, 512]), bias: random([64])),
        Activation(name: "relu2", kind: .relu),
        Dense(name: "fc3", weight: random([10, 64]), bias: random([10])),
        Softmax(name: "softmax"),
    ]
    do {
        let model = try Model(name: "bench-784", inputShape: [784], featureNames: (0..<784).map { "px\($0)" },
                              outputNames: (0..<10).map { "digit\($0)" }, layers: layers)
        let bytes = try ModelFile(model: model).serialized()
        var loaded: ModelFile?
        let cpuStart = processCPUSeconds()
        let seconds = try Stopwatch.best(repeats: 3) { loaded = try ModelFile.parse(bytes: bytes, file: "bench.json") }
        guard let loaded, try loaded.serialized() == bytes else {
            report("model file parse", "MISMATCH")
            return nil
        }
        let cpu = (processCPUSeconds() - cpuStart) / 4
        let size = Double(bytes.count) / 1_048_576
        report("model file parse + validate (\(String(format: "%.1f", size)) MiB)",
               String(format: "%.3f s  (%.0f MiB/s; CPU %.3f s)", seconds, size / seconds, cpu))
        return seconds
    } catch {
        report("model file parse", "FAILED: \(error)")
        return nil
    }
}

