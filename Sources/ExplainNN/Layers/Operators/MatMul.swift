import ExplainTensor

/// A product with a constant matrix over the last sample axis, y[..., j] = Σ_p x[..., p] · W[p, j] + b[j], with
/// ONNX's `MatMul` layout (`weight[k][n]`) and any leading sample axes.
///
/// Every sample's leading axes are rows of one `[N·rows, k]` matrix, multiplied by W through sgemm; the pullback uses
/// two more sgemm calls, dX = dY·Wᵀ and dW = Xᵀ·dY.
public struct MatMul: Layer {
    public var name: String
    public var type: String { "matmul" }
    /// `[k, n]`.
    public var weight: Tensor
    /// `[n]`, or nil for a product without bias.
    public var bias: Tensor?
    public var propagationKind: PropagationKind { .affine }

    /// Creates a product with `weight` `[k, n]` and an optional `bias` `[n]`.
    public init(name: String, weight: Tensor, bias: Tensor? = nil) {
        precondition(weight.shape.count == 2 && (bias?.shape ?? [weight.shape[1]]) == [weight.shape[1]],
                     "MatMul: weight \(weight.shape), bias \(bias?.shape ?? [])")
        self.name = name
        self.weight = weight
        self.bias = bias
    }

    /// The length of the contracted axis, k.
    public var inputCount: Int { weight.shape[0] }
    /// The length of the output's last axis, n.
    public var outputCount: Int { weight.shape[1] }

    public var parameters: [Tensor] {
        get { bias.map { [weight, $0] } ?? [weight] }
        set {
            weight = newValue[0]
            if bias != nil { bias = newValue[1] }
        }
    }
    public var parameterNames: [String] { bias == nil ? ["weight"] : ["weight", "bias"] }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard let last = inputShape.last else {
            throw ExplainError(.invalidModel, "matmul needs inputs with at least one axis, got a scalar per sample")
        }
        guard last == inputCount else {
            throw ExplainError(.invalidModel, "matmul weight \(weight.shape) needs a last input axis of \(inputCount), got shape \(inputShape)")
        }
        return inputShape.dropLast() + [outputCount]
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        callAsFunction(input, mode: mode, needsInputGradient: true)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool) -> (output: Tensor, pullback: Pullback) {
        callAsFunction(input, mode: mode, needsInputGradient: needsInputGradient, needsParameterGradients: true)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool, needsParameterGradients: Bool)
        -> (output: Tensor, pullback: Pullback) {
        let k = inputCount, m = outputCount
        precondition(input.shape.count >= 2 && input.shape.last == k, "MatMul: input \(input.shape), weight \(weight.shape)")
        let rows = input.count / k
        var out = [Float](repeating: 0, count: rows * m)
        // Empty matrices (no rows, or k or n of 0) have nothing to multiply, and buffers without addresses.
        let isEmpty = rows == 0 || k == 0 || m == 0
        if let bias, !isEmpty {
            out.withUnsafeMutableBufferPointer { o in
                bias.scalars.withUnsafeBufferPointer { b in
                    for r in 0..<rows { (o.baseAddress! + r * m).update(from: b.baseAddress!, count: m) }
                }
            }
        }
        if !isEmpty {
            input.scalars.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { w in
                    out.withUnsafeMutableBufferPointer { o in
                        BLAS.gemm(x.baseAddress!, w.baseAddress!, o.baseAddress!, m: rows, n: m, k: k, beta: 1)
                    }
                }
            }
        }
        let output = Tensor(shape: input.shape.dropLast() + [m], scalars: out)
        let weightCopy = self.weight, hasBias = bias != nil
        return (output, { dy in
            var dx = needsInputGradient ? [Float](repeating: 0, count: rows * k) : []
            var dw = needsParameterGradients ? [Float](repeating: 0, count: k * m) : []
            var db = needsParameterGradients && hasBias ? [Float](repeating: 0, count: m) : []
            dy.scalars.withUnsafeBufferPointer { g in
                guard !isEmpty else { return }
                if needsInputGradient {
                    weightCopy.scalars.withUnsafeBufferPointer { w in
                        dx.withUnsafeMutableBufferPointer { d in
                            BLAS.gemm(g.baseAddress!, w.baseAddress!, d.baseAddress!, m: rows, n: k, k: m, transposeB: true, beta: 1)
                        }
                    }
                }
                guard needsParameterGradients else { return }
                input.scalars.withUnsafeBufferPointer { x in
                    dw.withUnsafeMutableBufferPointer { d in
                        BLAS.gemm(x.baseAddress!, g.baseAddress!, d.baseAddress!, m: k, n: m, k: rows, transposeA: true, beta: 1)
                    }
                }
                guard hasBias else { return }
                for r in 0..<rows { for j in 0..<m { db[j] += g[r * m + j] } }
            }
            let inputGradient = needsInputGradient ? Tensor(shape: input.shape, scalars: dx) : Tensor(shape: [0], scalars: [])
            guard needsParameterGradients else { return (inputGradient, []) }
            let dWeight = Tensor(shape: [k, m], scalars: dw)
            return (inputGradient, hasBias ? [dWeight, Tensor(shape: [m], scalars: db)] : [dWeight])
        })
    }
}
