import ExplainTensor

/// Softmax or log-softmax along one sample axis, or (`coercesTrailingAxes`, ONNX before opset 13) over all the axes
/// from `axis` on taken as one, computed stably by subtracting each line's maximum.
///
/// The pullbacks refer every line to its largest probability p_m, using Σ p = 1, so that a saturated line (p_m rounds
/// to 1) loses nothing to cancellation (as `Softmax` does):
/// ```
/// softmax:      dx_j = p_j ((g_j − g_m) + Σ_k p_k (g_m − g_k))
/// log-softmax:  dx_j = g_j − p_j Σ_k g_k,   dx_m = g_m Σ_{k≠m} p_k − p_m Σ_{k≠m} g_k
/// ```
public struct AxisSoftmax: Layer {
    public var name: String
    /// The sample axis normalised over (0 is the first axis after the batch).
    public var axis: Int
    /// Whether the output is log-probabilities.
    public var isLog: Bool
    /// Whether every axis from `axis` on is normalised over, as one.
    public var coercesTrailingAxes: Bool
    public var type: String { isLog ? "log_softmax" : "softmax" }
    /// Neither affine nor elementwise: every output depends on its whole line.
    public var propagationKind: PropagationKind { .other }

    /// Creates a softmax (or log-softmax, `isLog`) over sample axis `axis`, or over the axes from `axis` on when
    /// `coercesTrailingAxes`.
    public init(name: String, axis: Int, isLog: Bool, coercesTrailingAxes: Bool) {
        self.name = name
        self.axis = axis
        self.isLog = isLog
        self.coercesTrailingAxes = coercesTrailingAxes
    }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard axis >= 0, axis < inputShape.count else {
            throw ExplainError(.invalidModel, "\(type) axis \(axis) is outside inputs of shape \(inputShape)")
        }
        return inputShape
    }

    /// The lines normalised over, for a batch of `shape`: `outer` blocks of `length` values `inner` apart.
    func lines(_ shape: [Int]) -> (outer: Int, length: Int, inner: Int) {
        let full = axis + 1
        let outer = shape[..<full].reduce(1, *)
        if coercesTrailingAxes { return (outer, shape[full...].reduce(1, *), 1) }
        return (outer, shape[full], shape[(full + 1)...].reduce(1, *))
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        precondition(axis >= 0 && axis + 1 < input.shape.count, "AxisSoftmax: axis \(axis) on \(input.shape)")
        let (outer, length, inner) = lines(input.shape)
        let isLog = self.isLog
        var out = input.scalars
        out.withUnsafeMutableBufferPointer { y in
            for o in 0..<outer {
                for i in 0..<inner {
                    let start = o * length * inner + i
                    var top = -Float.infinity
                    for j in 0..<length { top = max(top, y[start + j * inner]) }
                    var total: Float = 0
                    for j in 0..<length {
                        let at = start + j * inner
                        // exp(0) = 1 exactly, so the largest entries skip the call (unless infinite: ∞ − ∞ is NaN).
                        let e = y[at] == top && top.isFinite ? 1 : Math.exp(y[at] - top)
                        if isLog { y[at] -= top } else { y[at] = e }
                        total += e
                    }
                    if isLog {
                        let logTotal = Math.log(total)
                        for j in 0..<length { y[start + j * inner] -= logTotal }
                    } else {
                        let inverse = 1 / total
                        for j in 0..<length { y[start + j * inner] *= inverse }
                    }
                }
            }
        }
        let output = Tensor(shape: input.shape, scalars: out)
        return (output, { dy in
            let dx = AxisSoftmax.inputGradient(dy.scalars, output: out, isLog: isLog, lines: (outer, length, inner))
            return (Tensor(shape: input.shape, scalars: dx), [])
        })
    }

    /// The input gradient from the output gradient `g` and the output `y` (see the type's discussion).
    static func inputGradient(_ g: [Float], output y: [Float], isLog: Bool,
                              lines: (outer: Int, length: Int, inner: Int)) -> [Float] {
        let (outer, length, inner) = lines
        var dx = [Float](repeating: 0, count: g.count)
        var p = [Float](repeating: 0, count: length)
        g.withUnsafeBufferPointer { g in
            y.withUnsafeBufferPointer { y in
                dx.withUnsafeMutableBufferPointer { d in
                    for o in 0..<outer {
                        for i in 0..<inner where length > 0 {
                            let start = o * length * inner + i
                            var m = 0
                            for j in 0..<length {
                                p[j] = isLog ? Math.exp(y[start + j * inner]) : y[start + j * inner]
                                if p[j] > p[m] { m = j }
                            }
                            let reference = g[start + m * inner]
                            if isLog {
                                var others: Float = 0, otherProbabilities: Float = 0
                                for k in 0..<length where k != m {
                                    others += g[start + k * inner]
                                    otherProbabilities += p[k]
                                }
                                for j in 0..<length { d[start + j * inner] = g[start + j * inner] - p[j] * (reference + others) }
                                d[start + m * inner] = reference * otherProbabilities - p[m] * others
                            } else {
                                var spread: Float = 0
                                for k in 0..<length { spread += p[k] * (reference - g[start + k * inner]) }
                                for j in 0..<length { d[start + j * inner] = p[j] * ((g[start + j * inner] - reference) + spread) }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}
