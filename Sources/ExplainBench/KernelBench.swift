import ExplainKit

/// The machine's peaks and the small-matrix kernel (`PackedAffine`) against OpenBLAS on the layer shapes of the
/// samples' models: y = b + x·Wᵀ over 4,096 rows (8,192 for the narrow convolution shapes), one thread.
func runKernelBenchmark() {
    print("\n# Kernels (one thread): peaks, and PackedAffine against OpenBLAS sgemm on layer shapes")
    let sgemm = sgemmPeakGFLOPs()
    report("OpenBLAS sgemm 1024³ as configured", String(format: "%.1f GFLOP/s", sgemm))
    let fma256 = PackedAffine.fmaPeak(widthBits: 256, seconds: 0.5)
    let fma512 = PackedAffine.fmaPeak(widthBits: 512, seconds: 0.5)
    report("FMA peak of the core, AVX2 (256-bit)", fma256.map { String(format: "%.1f GFLOP/s", $0) } ?? "not available on this CPU")
    report("FMA peak of the core, AVX-512 (512-bit)", fma512.map { String(format: "%.1f GFLOP/s", $0) } ?? "not available on this CPU")
    report("PackedAffine code path", PackedAffine.kernelPath)
    let peak = max(fma256 ?? 0, fma512 ?? 0)
    // (inputs, outputs, rows, what it is)
    let shapes: [(Int, Int, Int, String)] = [
        (30, 64, 4096, "breast-cancer fc1 30→64"), (64, 64, 4096, "fc2 64→64"), (64, 2, 4096, "head 64→2"),
        (30, 32, 4096, "30→32"), (32, 16, 4096, "32→16"), (9, 8, 8192, "conv 1→8, 3×3 patches"),
        (72, 8, 8192, "conv 8→8, 3×3 patches"), (72, 16, 8192, "conv 8→16, 3×3 patches"),
    ]
    for (k, n, rows, name) in shapes {
        var rng = SplitMix64(seed: UInt64(k * n))
        let x = BenchModels.random([rows, k], &rng, scale: 1)
        let w = BenchModels.random([n, k], &rng, scale: 0.2).scalars, b = BenchModels.random([n], &rng, scale: 0.1).scalars
        let map = PackedAffine(weight: w, bias: b, outputs: n)
        var out = [Float](repeating: 0, count: rows * n)
        let flops = 2 * Double(rows * n * k)
        let ours = Stopwatch.best(repeats: 20) { out = map(x, relu: true).scalars }
        let blas = Stopwatch.best(repeats: 20) {
            for r in 0..<rows { for o in 0..<n { out[r * n + o] = b[o] } }
            x.scalars.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in out.withUnsafeMutableBufferPointer { op in
                BLAS.gemm(xp.baseAddress!, wp.baseAddress!, op.baseAddress!, m: rows, n: n, k: k, transposeB: true, beta: 1)
                for i in 0..<(rows * n) { op[i] = max(op[i], 0) }
            } } }
        }
        report("  \(name)", String(format: "PackedAffine %5.1f GFLOP/s (%2.0f%% of FMA peak)   OpenBLAS %5.1f GFLOP/s   ×%.2f",
                                   flops / ours / 1e9, 100 * flops / ours / 1e9 / peak, flops / blas / 1e9, blas / ours))
    }
}
