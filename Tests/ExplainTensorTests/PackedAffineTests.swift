import ExplainTensor
import Testing

/// The small-matrix kernel against two oracles: a fused multiply-add chain written here (the kernel's documented order,
/// so equal bit for bit on every code path), and OpenBLAS's sgemm (equal to float rounding).
@Suite("PackedAffine: the small-matrix kernel")
struct PackedAffineTests {
    /// Edge sizes: one, below a panel, between panels, a panel multiple, and one past it.
    static let sizes = [1, 7, 17, 64, 65]

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(rng.nextUniform() * 2 - 1) }
    }

    /// act(bias + Σ_j x_j·W_oj), as one FMA chain over j from the bias.
    static func chain(_ x: [Float], _ w: [Float], _ b: [Float], rows: Int, outputs: Int, inputs: Int, relu: Bool) -> [Float] {
        var y = [Float](repeating: 0, count: rows * outputs)
        for r in 0..<rows {
            for o in 0..<outputs {
                var acc = b[o]
                for j in 0..<inputs { acc = acc.addingProduct(x[r * inputs + j], w[o * inputs + j]) }
                y[r * outputs + o] = relu ? (acc > 0 ? acc : 0) : acc
            }
        }
        return y
    }

    @Test("equals the FMA chain bit for bit, and OpenBLAS to float rounding, on edge sizes", arguments: sizes)
    func edgeSizes(rows: Int) {
        for outputs in Self.sizes {
            for inputs in [1, 7, 30, 64, 65] {
                let x = Self.values(rows * inputs, seed: UInt64(rows * 1000 + inputs))
                let w = Self.values(outputs * inputs, seed: UInt64(outputs * 7919 + inputs))
                let b = Self.values(outputs, seed: UInt64(outputs))
                let map = PackedAffine(weight: w, bias: b, outputs: outputs)
                for relu in [false, true] {
                    let y = map(Tensor(shape: [rows, inputs], scalars: x), relu: relu).scalars
                    let expected = Self.chain(x, w, b, rows: rows, outputs: outputs, inputs: inputs, relu: relu)
                    #expect(y == expected, "rows \(rows), outputs \(outputs), inputs \(inputs), relu \(relu)")
                }
                // OpenBLAS: y = b + x·Wᵀ; every term is at most 1 in size, so the rounding is below inputs·2⁻²³ per output.
                var blas = [Float](repeating: 0, count: rows * outputs)
                for r in 0..<rows { for o in 0..<outputs { blas[r * outputs + o] = b[o] } }
                x.withUnsafeBufferPointer { xp in
                    w.withUnsafeBufferPointer { wp in
                        blas.withUnsafeMutableBufferPointer { bp in
                            BLAS.gemm(xp.baseAddress!, wp.baseAddress!, bp.baseAddress!, m: rows, n: outputs, k: inputs,
                                      transposeB: true, beta: 1)
                        }
                    }
                }
                let y = map(Tensor(shape: [rows, inputs], scalars: x)).scalars
                let worst = zip(y, blas).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= Float(inputs + 1) * 1.2e-7 * 2, "rows \(rows), outputs \(outputs), inputs \(inputs): \(worst)")
            }
        }
    }

    @Test("a row's outputs are the same bits alone and at any place in a batch")
    func rowIndependence() {
        let (rows, inputs, outputs) = (23, 30, 20)
        let x = Self.values(rows * inputs, seed: 1), w = Self.values(outputs * inputs, seed: 2), b = Self.values(outputs, seed: 3)
        let map = PackedAffine(weight: w, bias: b, outputs: outputs)
        let all = map(Tensor(shape: [rows, inputs], scalars: x), relu: true).scalars
        for r in 0..<rows {
            let alone = map(Tensor(shape: [1, inputs], scalars: Array(x[(r * inputs)..<((r + 1) * inputs)])), relu: true).scalars
            #expect(alone == Array(all[(r * outputs)..<((r + 1) * outputs)]), "row \(r)")
        }
    }

    @Test("a segmented layout (a convolution's window rows in a frame) equals the patch rows copied out")
    func segments() {
        // A 6×7 frame with 3 channels; 3×3 windows at stride 1 along one row: segment = window row of 3·3 values.
        let (frameW, c, kh, kw, positions, outputs) = (7, 3, 3, 3, 5, 9)
        let frame = Self.values(6 * frameW * c, seed: 4)
        let inputs = kh * kw * c
        let w = Self.values(outputs * inputs, seed: 5), b = Self.values(outputs, seed: 6)
        let map = PackedAffine(weight: w, bias: b, outputs: outputs)
        var patches = [Float]()
        for p in 0..<positions { for ky in 0..<kh { for t in 0..<(kw * c) { patches.append(frame[(ky * frameW + p) * c + t]) } } }
        let expected = map(Tensor(shape: [positions, inputs], scalars: patches)).scalars
        var y = [Float](repeating: .nan, count: positions * outputs)
        frame.withUnsafeBufferPointer { f in
            y.withUnsafeMutableBufferPointer { yp in
                map.apply(f.baseAddress!, rows: positions,
                          layout: .init(rowStride: c, segments: kh, segmentLength: kw * c, segmentStride: frameW * c),
                          into: yp.baseAddress!, ldy: outputs, relu: false)
            }
        }
        #expect(y == expected)
    }

    @Test("ReLU sends NaN to 0 as Activation does; without it NaN and infinities pass through")
    func nonFinite() {
        let map = PackedAffine(weight: [1, -1], bias: [0, 0], outputs: 2)
        let x = Tensor(shape: [3, 1], scalars: [.nan, -.infinity, .infinity])
        #expect(map(x, relu: true).scalars == [0, 0, 0, .infinity, .infinity, 0])
        let plain = map(x).scalars
        #expect(plain[0].isNaN && plain[1].isNaN && Array(plain[2...]) == [-.infinity, .infinity, .infinity, -.infinity])
    }

    @Test("the FMA peak probe measures a positive rate where the CPU has the instructions")
    func peakProbe() {
        if PackedAffine.kernelPath == "avx2+fma" {
            // Any positive rate: a debug build runs the probe unoptimised, on a machine that may be busy.
            #expect((PackedAffine.fmaPeak(widthBits: 256, seconds: 0.02) ?? 0) > 0)
        }
        #expect(PackedAffine.fmaPeak(widthBits: 128, seconds: 0.01) == nil)
    }
}
