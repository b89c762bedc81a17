import CKernels

/// An affine map y = x·Wᵀ + b (W `[outputs, inputs]` row-major, PyTorch's dense layout) with W packed once for the
/// small-matrix kernel (`CKernels`' `ek_affine`), optionally followed by ReLU in the kernel's output pass.
///
/// The kernel picks its own code path by CPUID (AVX2 + FMA, or portable C), so OpenBLAS's kernel choice does not bind
/// it. Each output is one chain of fused multiply-adds over the inputs in order, started from its bias, on every path:
/// a row's outputs do not depend on the rows evaluated with it.
public struct PackedAffine: Sendable {
    public let outputs: Int
    public let inputs: Int
    /// W as given, `[outputs, inputs]`.
    public let weight: [Float]
    public let bias: [Float]
    /// W in panels of `EK_PANEL` outputs (`ek_pack_weights`).
    let panels: [Float]

    public init(weight: [Float], bias: [Float], outputs: Int) {
        precondition(outputs > 0 && bias.count == outputs && weight.count % outputs == 0,
                     "PackedAffine: weight \(weight.count) and bias \(bias.count) for \(outputs) outputs")
        self.outputs = outputs
        inputs = weight.count / outputs
        self.weight = weight
        self.bias = bias
        let (o, k) = (outputs, weight.count / outputs)
        panels = [Float](unsafeUninitializedCapacity: ek_packed_count(o, k)) { buffer, initialized in
            weight.withUnsafeBufferPointer { ek_pack_weights($0.baseAddress, o, k, buffer.baseAddress) }
            initialized = ek_packed_count(o, k)
        }
    }

    /// How the rows of a patch are laid out in memory for `apply(_:rows:layout:into:ldy:relu:)`: input j of row r is
    /// `a[r·rowStride + s·segmentStride + t]` with j = s·segmentLength + t.
    public struct Layout: Sendable {
        public var rowStride: Int
        public var segments: Int
        public var segmentLength: Int
        public var segmentStride: Int

        public init(rowStride: Int, segments: Int, segmentLength: Int, segmentStride: Int) {
            (self.rowStride, self.segments, self.segmentLength, self.segmentStride) = (rowStride, segments, segmentLength, segmentStride)
        }

        /// Contiguous rows of `inputs` values.
        public static func dense(_ inputs: Int) -> Layout {
            Layout(rowStride: inputs, segments: 1, segmentLength: inputs, segmentStride: inputs)
        }
    }

    /// Writes `rows` rows of outputs, row stride `ldy`, from rows laid out as `layout` says.
    public func apply(_ a: UnsafePointer<Float>, rows: Int, layout: Layout, into y: UnsafeMutablePointer<Float>, ldy: Int,
                      relu: Bool) {
        precondition(layout.segments * layout.segmentLength == inputs, "PackedAffine: \(layout) reads a patch of other than \(inputs) values")
        panels.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                ek_affine(a, rows, layout.rowStride, layout.segments, layout.segmentLength, layout.segmentStride,
                          w.baseAddress, b.baseAddress, outputs, y, ldy, relu ? 1 : 0)
            }
        }
    }

    /// `[N, outputs]` from `[N, inputs]` rows (any shape with `inputs` values per sample).
    public func callAsFunction(_ x: Tensor, relu: Bool = false) -> Tensor {
        let n = x.batchSize
        precondition(x.sampleCount == inputs, "PackedAffine: \(x.sampleCount) values per row, expected \(inputs)")
        let out = [Float](unsafeUninitializedCapacity: n * outputs) { y, initialized in
            x.scalars.withUnsafeBufferPointer { a in
                guard let a0 = a.baseAddress, let y0 = y.baseAddress else { return }
                apply(a0, rows: n, layout: .dense(inputs), into: y0, ldy: outputs, relu: relu)
            }
            initialized = n * outputs
        }
        return Tensor(shape: [n, outputs], scalars: out)
    }

    /// Which code path the kernel takes on this CPU: "avx2+fma" or "portable".
    public static var kernelPath: String { ek_affine_path() == 2 ? "avx2+fma" : "portable" }

    /// The core's measured fused multiply-add peak in GFLOP/s at a vector width of 256 or 512 bits, nil when the CPU
    /// lacks the instructions.
    public static func fmaPeak(widthBits: Int, seconds: Double = 0.3) -> Double? {
        let peak = ek_fma_peak_gflops(Int32(widthBits), seconds)
        return peak > 0 ? peak : nil
    }
}
