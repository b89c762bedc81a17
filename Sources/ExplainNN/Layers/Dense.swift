import ExplainTensor

/// A fully connected layer, y = W x + b, with PyTorch's `nn.Linear` layout (`weight[out][in]`).
public struct Dense: Layer {
    public var name: String
    public var type: String { "dense" }
    /// `[out, in]`.
    public var weight: Tensor
    /// `[out]`.
    public var bias: Tensor

    public init(name: String, weight: Tensor, bias: Tensor) {
        precondition(weight.shape.count == 2 && bias.shape == [weight.shape[0]], "Dense: weight \(weight.shape), bias \(bias.shape)")
        self.name = name
        self.weight = weight
        self.bias = bias
    }

    public var inputCount: Int { weight.shape[1] }
    public var outputCount: Int { weight.shape[0] }

    public var parameters: [Tensor] {
        get { [weight, bias] }
        set { weight = newValue[0]; bias = newValue[1] }
    }
    public var parameterNames: [String] { ["weight", "bias"] }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard inputShape.count == 1 else {
            throw ExplainError(.invalidModel, "dense needs a flat input, got shape \(inputShape) (add a flatten layer)")
        }
        guard inputShape[0] == inputCount else {
            throw ExplainError(.invalidModel, "dense expects \(inputCount) inputs, the previous layer gives \(inputShape[0])")
        }
        return [outputCount]
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        callAsFunction(input, mode: mode, needsInputGradient: true)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool) -> (output: Tensor, pullback: Pullback) {
        callAsFunction(input, mode: mode, needsInputGradient: needsInputGradient, needsParameterGradients: true)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool, needsParameterGradients: Bool)
        -> (output: Tensor, pullback: Pullback) {
        if !needsParameterGradients { return lean(input, needsInputGradient: needsInputGradient) }
        let n = input.batchSize, k = inputCount, m = outputCount
        // Broadcast the bias (one row copy each, not a scalar loop), then Y += X · Wᵀ.
        var out = [Float](unsafeUninitializedCapacity: n * m) { o, initialized in
            bias.scalars.withUnsafeBufferPointer { b in
                guard let source = b.baseAddress, let base = o.baseAddress else { return }
                for r in 0..<n { (base + r * m).initialize(from: source, count: m) }
            }
            initialized = n * m
        }
        input.scalars.withUnsafeBufferPointer { x in
            weight.scalars.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    BLAS.gemm(x.baseAddress!, w.baseAddress!, o.baseAddress!, m: n, n: m, k: k, transposeB: true, beta: 1)
                }
            }
        }
        let output = Tensor(shape: [n, m], scalars: out)
        let weightCopy = self.weight
        let inputShape = input.shape
        return (output, { dy in
            // The products accumulate into zeroed buffers (beta 1: the same sums, without OpenBLAS's scaling pass).
            var dx = needsInputGradient ? [Float](repeating: 0, count: n * k) : []
            var dw = needsParameterGradients ? [Float](repeating: 0, count: m * k) : []
            var db = needsParameterGradients ? [Float](repeating: 0, count: m) : []
            dy.scalars.withUnsafeBufferPointer { g in
                if needsInputGradient {
                    weightCopy.scalars.withUnsafeBufferPointer { w in
                        dx.withUnsafeMutableBufferPointer { d in
                            BLAS.gemm(g.baseAddress!, w.baseAddress!, d.baseAddress!, m: n, n: k, k: m, beta: 1)
                        }
                    }
                }
                guard needsParameterGradients else { return }
                input.scalars.withUnsafeBufferPointer { x in
                    dw.withUnsafeMutableBufferPointer { d in
                        BLAS.gemm(g.baseAddress!, x.baseAddress!, d.baseAddress!, m: m, n: k, k: n, transposeA: true, beta: 1)
                    }
                }
                // db = Σ_rows dy, row by row in order (as `Tensor.sumOverBatch`).
                db.withUnsafeMutableBufferPointer { d in
                    guard let dp = d.baseAddress, let gp = g.baseAddress else { return }
                    for r in 0..<n {
                        let row = gp + r * m
                        for j in 0..<m { dp[j] += row[j] }
                    }
                }
            }
            let inputGradient = needsInputGradient ? Tensor(shape: inputShape, scalars: dx) : Tensor(shape: [0], scalars: [])
            guard needsParameterGradients else { return (inputGradient, []) }
            return (inputGradient, [Tensor(shape: [m, k], scalars: dw), Tensor(shape: [m], scalars: db)])
        })
    }
}
