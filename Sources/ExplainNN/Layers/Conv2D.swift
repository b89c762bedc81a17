import ExplainTensor

/// 2-D cross-correlation over CHW inputs with zero padding (PyTorch `nn.Conv2d` layout `weight[out][in][kh][kw]`).
///
/// Lowered to one matrix product per batch: the patches of every sample form a `[N·OH·OW, C·kh·kw]` matrix (im2col),
/// multiplied by Wᵀ through sgemm. The pullback uses two more sgemm calls and col2im. Every product accumulates into a
/// zeroed buffer (beta 1), which gives the same sums as beta 0 without OpenBLAS's scaling pass. Calls that need no
/// parameter gradients (the explainers') run as direct channels-last convolutions instead (`Conv2D+Direct.swift`).
public struct Conv2D: Layer {
    public var name: String
    public var type: String { "conv2d" }
    /// `[O, C, kh, kw]`.
    public var weight: Tensor
    /// `[O]`.
    public var bias: Tensor
    public var stride: Int
    public var padding: Int

    /// The largest stride or padding a model file may give (far above any real network's, and small enough that
    /// the output size cannot overflow).
    public static let maximumStrideOrPadding = 1 << 10

    public init(name: String, weight: Tensor, bias: Tensor, stride: Int = 1, padding: Int = 0) {
        precondition(weight.shape.count == 4 && bias.shape == [weight.shape[0]] && stride > 0 && padding >= 0,
                     "Conv2D: weight \(weight.shape), bias \(bias.shape)")
        self.name = name
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
    }

    public var parameters: [Tensor] {
        get { [weight, bias] }
        set { weight = newValue[0]; bias = newValue[1] }
    }
    public var parameterNames: [String] { ["weight", "bias"] }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard inputShape.count == 3 else {
            throw ExplainError(.invalidModel, "conv2d needs a [C, H, W] input, got shape \(inputShape)")
        }
        guard inputShape[0] == weight.shape[1] else {
            throw ExplainError(.invalidModel, "conv2d expects \(weight.shape[1]) input channels, got \(inputShape[0])")
        }
        let g = geometry(inputShape)
        guard g.outH > 0, g.outW > 0 else {
            throw ExplainError(.invalidModel, "conv2d kernel \(g.kh)×\(g.kw) does not fit input \(inputShape[1])×\(inputShape[2]) with padding \(padding)")
        }
        return [weight.shape[0], g.outH, g.outW]
    }

    struct Geometry {
        var c, h, w, kh, kw, outH, outW, stride, padding: Int
        var patch: Int { c * kh * kw }
        var positions: Int { outH * outW }
    }

    func geometry(_ s: [Int]) -> Geometry {
        let kh = weight.shape[2], kw = weight.shape[3]
        return Geometry(c: s[0], h: s[1], w: s[2], kh: kh, kw: kw,
                        outH: (s[1] + 2 * padding - kh) / stride + 1, outW: (s[2] + 2 * padding - kw) / stride + 1,
                        stride: stride, padding: padding)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        callAsFunction(input, mode: mode, needsInputGradient: true)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool) -> (output: Tensor, pullback: Pullback) {
        callAsFunction(input, mode: mode, needsInputGradient: needsInputGradient, needsParameterGradients: true)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool, needsParameterGradients: Bool)
        -> (output: Tensor, pullback: Pullback) {
        if usesDirectPath(needsParameterGradients: needsParameterGradients) {
            return direct(input, needsInputGradient: needsInputGradient)
        }
        let n = input.batchSize, o = weight.shape[0]
        let g = geometry(input.sampleShape)
        let rows = n * g.positions
        let cols = Conv2D.im2col(input.scalars, batch: n, g)
        var product = [Float](repeating: 0, count: rows * o)
        cols.withUnsafeBufferPointer { c in
            weight.scalars.withUnsafeBufferPointer { w in
                product.withUnsafeMutableBufferPointer { p in
                    BLAS.gemm(c.baseAddress!, w.baseAddress!, p.baseAddress!, m: rows, n: o, k: g.patch, transposeB: true, beta: 1)
                }
            }
        }
        // [N, P, O] -> [N, O, P] plus bias.
        let p = g.positions
        let out = Conv2D.channelsFirst(product, batch: n, channels: o, positions: p, bias: bias.scalars, relu: false)
        let output = Tensor(shape: [n, o, g.outH, g.outW], scalars: out)
        let weightCopy = self.weight
        let inputShape = input.shape
        return (output, { dy in
            // [N, O, P] -> [N·P, O]
            var dyMat = [Float](repeating: 0, count: rows * o)
            var db = [Float](repeating: 0, count: o)
            dyMat.withUnsafeMutableBufferPointer { dst in
                dy.scalars.withUnsafeBufferPointer { src in
                    for s in 0..<n {
                        for ch in 0..<o {
                            var total: Float = 0
                            for q in 0..<p {
                                let v = src[(s * o + ch) * p + q]
                                dst[(s * p + q) * o + ch] = v
                                total += v
                            }
                            db[ch] += total
                        }
                    }
                }
            }
            var dw = needsParameterGradients ? [Float](repeating: 0, count: o * g.patch) : []
            var dcols = needsInputGradient ? [Float](repeating: 0, count: rows * g.patch) : []
            dyMat.withUnsafeBufferPointer { d in
                if needsParameterGradients {
                    cols.withUnsafeBufferPointer { c in
                        dw.withUnsafeMutableBufferPointer { r in
                            BLAS.gemm(d.baseAddress!, c.baseAddress!, r.baseAddress!, m: o, n: g.patch, k: rows, transposeA: true, beta: 1)
                        }
                    }
                }
                guard needsInputGradient else { return }
                weightCopy.scalars.withUnsafeBufferPointer { w in
                    dcols.withUnsafeMutableBufferPointer { r in
                        BLAS.gemm(d.baseAddress!, w.baseAddress!, r.baseAddress!, m: rows, n: g.patch, k: o, beta: 1)
                    }
                }
            }
            let parameterGradients = needsParameterGradients
                ? [Tensor(shape: weightCopy.shape, scalars: dw), Tensor(shape: [o], scalars: db)] : []
            guard needsInputGradient else { return (Tensor(shape: [0], scalars: []), parameterGradients) }
            return (Tensor(shape: inputShape, scalars: Conv2D.col2im(dcols, batch: n, g)), parameterGradients)
        })
    }

    /// Patches of every sample as rows: `[N·OH·OW, C·kh·kw]`, zeros where the window leaves the padded input.
    static func im2col(_ x: [Float], batch n: Int, _ g: Geometry) -> [Float] {
        var cols = [Float](repeating: 0, count: n * g.positions * g.patch)
        x.withUnsafeBufferPointer { src in
            cols.withUnsafeMutableBufferPointer { dst in
                forEachWindowRow(batch: n, g) { colIndex, srcIndex, length in
                    for k in 0..<length { dst[colIndex + k] = src[srcIndex + k] }
                }
            }
        }
        return cols
    }

    /// The adjoint of `im2col`: sums patch gradients back into the input layout.
    static func col2im(_ cols: [Float], batch n: Int, _ g: Geometry) -> [Float] {
        var x = [Float](repeating: 0, count: n * g.c * g.h * g.w)
        cols.withUnsafeBufferPointer { src in
            x.withUnsafeMutableBufferPointer { dst in
                forEachWindowRow(batch: n, g) { colIndex, srcIndex, length in
                    for k in 0..<length { dst[srcIndex + k] += src[colIndex + k] }
                }
            }
        }
        return x
    }

    /// Visits every in-bounds run of a kernel row: `body(index in the patch matrix, index in the input, length)`.
    /// Runs that fall in the zero padding are skipped, so each visit is a contiguous copy.
    @inline(__always)
    static func forEachWindowRow(batch n: Int, _ g: Geometry, _ body: (Int, Int, Int) -> Void) {
        for s in 0..<n {
            for oy in 0..<g.outH {
                for ox in 0..<g.outW {
                    let rowBase = ((s * g.outH + oy) * g.outW + ox) * g.patch
                    let x0 = ox * g.stride - g.padding
                    let kxLow = max(0, -x0), kxHigh = min(g.kw, g.w - x0)
                    guard kxHigh > kxLow else { continue }
                    for c in 0..<g.c {
                        for ky in 0..<g.kh {
                            let iy = oy * g.stride - g.padding + ky
                            guard iy >= 0, iy < g.h else { continue }
                            body(rowBase + (c * g.kh + ky) * g.kw + kxLow, ((s * g.c + c) * g.h + iy) * g.w + x0 + kxLow, kxHigh - kxLow)
                        }
                    }
                }
            }
        }
    }
}
