#if canImport(Glibc)
import Glibc
#endif
import ExplainKit

/// A breast-cancer-sized network, 30 → 64 (ReLU) → 64 (ReLU) → 2 (softmax), with fixed seeded weights, evaluated
/// through `BLAS.gemm` as a black-box `ClosurePredictor`.
func limeBenchmarkModel(seed: UInt64 = 17) -> ClosurePredictor {
    var rng = SplitMix64(seed: seed)
    func layer(_ out: Int, _ inp: Int) -> (weight: [Float], bias: [Float]) {
        let scale = (2 / Double(inp)).squareRoot()
        return ((0..<(out * inp)).map { _ in Float(scale * rng.nextNormal()) },
                (0..<out).map { _ in Float(0.1 * rng.nextNormal()) })
    }
    let layers = [layer(64, 30), layer(64, 64), layer(2, 64)]
    return ClosurePredictor(inputWidth: 30, outputCount: 2) { batch in
        var activations = batch.scalars
        var width = 30
        let n = batch.batchSize
        for (index, (weight, bias)) in layers.enumerated() {
            let out = bias.count
            // C starts as the bias in every row, so one gemm with beta = 1 adds X Wᵀ to it.
            var next = [Float](unsafeUninitializedCapacity: n * out) { buffer, count in
                bias.withUnsafeBufferPointer { b in
                    guard let row = buffer.baseAddress, let source = b.baseAddress else { return }
                    for i in 0..<n { (row + i * out).update(from: source, count: out) }
                }
                count = n * out
            }
            activations.withUnsafeBufferPointer { a in
                weight.withUnsafeBufferPointer { w in
                    next.withUnsafeMutableBufferPointer { c in
                        if let pa = a.baseAddress, let pw = w.baseAddress, let pc = c.baseAddress {
                            BLAS.gemm(pa, pw, pc, m: n, n: out, k: width, transposeB: true, beta: 1)
                        }
                        if index < layers.count - 1 {
                            for i in 0..<c.count { c[i] = max(c[i], 0) }
                        } else {
                            for i in 0..<n {
                                let top = max(c[2 * i], c[2 * i + 1])
                                let e0 = Math.exp(c[2 * i] - top), e1 = Math.exp(c[2 * i + 1] - top)
                                c[2 * i] = e0 / (e0 + e1)
                                c[2 * i + 1] = e1 / (e0 + e1)
                            }
                        }
                    }
                }
            }
            activations = next
            width = out
        }
        return Tensor(shape: [n, 2], scalars: activations)
    }
}

/// Rows per second of LIME (5000 samples, lime's defaults) on the breast-cancer-sized MLP.
///
/// The training table is 569 seeded rows of 30 features, as in breast cancer. Prints the single-row latency
/// (sequential, one row at a time) and the throughput of the parallel batch API. lime 0.2 takes about 28 ms per row on
/// a smaller 30 → 32 → 16 → 2 MLP.
func runLIMEBenchmark() {
    let width = 30, trainingRows = 569, explained = 64
    var rng = SplitMix64(seed: 2024)
    let table = (0..<(trainingRows * width)).map { i in Float(Double(i % width + 1) * (1 + 0.3 * rng.nextNormal())) }
    let stats = FeatureStats.computed(from: table, rows: trainingRows, width: width)
    let background = Background(rows: Tensor(shape: [100, width], scalars: Array(table[0..<(100 * width)])))
    let model = limeBenchmarkModel()
    let rows = Tensor(shape: [explained, width], scalars: Array(table[(200 * width)..<((200 + explained) * width)]))
    do {
        let explainer = try LIMEExplainer(featureStats: stats, background: background, samples: 5000)
        // Warm-up.
        var warm = SplitMix64(seed: 1)
        _ = try explainer.explain(rows.row(0), row: 0, target: .predicted, predictor: model, rng: &warm)

        // 5000-row batches of a 30-64-64-2 network are too small for OpenBLAS threads to pay off: one thread, and
        // rows in parallel in the batch API.
        BLAS.setThreadCount(1)
        let clock = ContinuousClock()
        let sequentialRows = 16
        // Best of three repetitions, since the machine may be shared.
        var perRow = Double.infinity, cpuPerRow = Double.infinity, throughput = 0.0, batchCPU = Double.infinity
        for _ in 0..<3 {
            let cpuStart = processCPUSeconds()
            let start = clock.now
            for i in 0..<sequentialRows {
                var stream = SplitMix64(seed: 7).derived(UInt64(i))
                _ = try explainer.explain(rows.row(i), row: i, target: .predicted, predictor: model, rng: &stream)
            }
            perRow = min(perRow, seconds(clock.now - start) / Double(sequentialRows) * 1000)
            cpuPerRow = min(cpuPerRow, (processCPUSeconds() - cpuStart) / Double(sequentialRows) * 1000)
            let batchCPUStart = processCPUSeconds()
            let batchStart = clock.now
            _ = try explainer.explain(rows: rows, target: .predicted, predictor: model, rng: SplitMix64(seed: 7))
            throughput = max(throughput, Double(explained) / seconds(clock.now - batchStart))
            batchCPU = min(batchCPU, (processCPUSeconds() - batchCPUStart) / Double(explained) * 1000)
        }
        print("lime: 5000 samples, 30 -> 64 -> 64 -> 2 MLP: \(formatted(perRow)) ms/row sequential wall, "
              + "\(formatted(cpuPerRow)) ms/row CPU (reference: lime 0.2 about 65 ms/row on this machine, same MLP and 5000 samples); "
              + "batch of \(explained) rows in parallel: \(formatted(throughput)) rows/s wall, "
              + "\(formatted(batchCPU)) ms CPU per row")
        printLIMEStages(explainer: explainer, x: rows.row(0), model: model)
    } catch {
        print("lime benchmark failed: \(error)")
    }
}

/// The thread CPU time of LIME's stages on one row, each the minimum over 20 repetitions (robust on a shared
/// machine): sampling, the model on the neighbourhood, and the weighted ridge with standard errors.
private func printLIMEStages(explainer: LIMEExplainer, x: [Float], model: ClosurePredictor) {
    func fastest(_ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<20 {
            let start = threadCPUSeconds()
            try body()
            best = min(best, (threadCPUSeconds() - start) * 1000)
        }
        return best
    }
    var rng = SplitMix64(seed: 3)
    let hood = explainer.sampler.sample(around: x, count: explainer.samples, rng: &rng)
    let sampling = fastest { _ = explainer.sampler.sample(around: x, count: explainer.samples, rng: &rng) }
    let batch = Tensor(shape: [hood.count, hood.width], scalars: hood.samples)
    let targets = (try? model.predict(batch)).map { out in (0..<hood.count).map { Double(out.scalars[$0 * 2]) } }
        ?? [Double](repeating: 0, count: hood.count)
    let modelTime = (try? fastest { _ = try model.predict(batch) }) ?? .nan
    let weights = hood.distances.map { LIMEExplainer.kernel(distance: $0, width: explainer.kernelWidth) }
    let ridge = fastest {
        _ = WeightedRidge(design: hood.interpretable, rows: hood.count, columns: hood.width, targets: targets,
                          weights: weights).fit(alpha: LIMEExplainer.ridgeAlpha)
    }
    let total = fastest {
        var stream = SplitMix64(seed: 9)
        _ = try? explainer.explain(x, row: 0, target: .predicted, predictor: model, rng: &stream)
    }
    print("lime stages (thread CPU, best of 20): sampling \(formatted(sampling)) ms, model \(formatted(modelTime)) ms, "
          + "ridge with std errors \(formatted(ridge)) ms, whole row \(formatted(total)) ms")
}

/// Seconds in a duration.
private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// A number with 3 decimals.
private func formatted(_ v: Double) -> String {
    let scaled = (v * 1000).rounded() / 1000
    return "\(scaled)"
}
