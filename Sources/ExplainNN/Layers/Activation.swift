import ExplainTensor

/// An elementwise nonlinearity: relu, leaky_relu, tanh, sigmoid, and for imported graphs gelu, erf and clip.
public struct Activation: Layer {
    /// The function applied to every value.
    public enum Kind: Sendable, Equatable {
        case relu, tanh, sigmoid
        case leakyReLU(slope: Float)
        /// x·Φ(x), with Φ the standard normal distribution function, or its tanh approximation (`Activation.gelu`).
        case gelu(tanhApproximation: Bool)
        /// The error function.
        case erf
        /// min(max(x, minimum), maximum); either bound may be infinite. Its derivative is 1 for
        /// minimum ≤ x ≤ maximum (bounds included, as PyTorch's `clamp`) and 0 outside.
        case clip(minimum: Float, maximum: Float)

        /// The CONTRACT type string.
        public var typeName: String {
            switch self {
            case .relu: "relu"
            case .tanh: "tanh"
            case .sigmoid: "sigmoid"
            case .leakyReLU: "leaky_relu"
            case .gelu: "gelu"
            case .erf: "erf"
            case .clip: "clip"
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var type: String { kind.typeName }
    /// Every kind applies one function to each value separately.
    public var propagationKind: PropagationKind { .elementwise }

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] { inputShape }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        switch kind {
        case .relu:
            let y = Activation.mapped(input) { $0 > 0 ? $0 : 0 }
            return (y, { dy in (Activation.zipped(dy, input) { g, x in x > 0 ? g : 0 }, []) })
        case .leakyReLU(let slope):
            let y = Activation.mapped(input) { $0 > 0 ? $0 : slope * $0 }
            return (y, { dy in (Activation.zipped(dy, input) { g, x in x > 0 ? g : slope * g }, []) })
        case .tanh:
            let y = Activation.mapped(input) { Math.tanh($0) }
            return (y, { dy in (Activation.zipped(dy, input) { g, x in g * Activation.tanhDerivative(x) }, []) })
        case .sigmoid:
            let y = Activation.mapped(input) { Activation.sigmoid($0) }
            return (y, { dy in (Activation.zipped(dy, input) { g, x in g * Activation.sigmoidDerivative(x) }, []) })
        case .gelu(let usesTanh):
            let y = Activation.mapped(input) { Activation.gelu($0, tanhApproximation: usesTanh) }
            return (y, { dy in
                (Activation.zipped(dy, input) { g, x in g * Activation.geluDerivative(x, tanhApproximation: usesTanh) }, [])
            })
        case .erf:
            let y = Activation.mapped(input) { Math.erf($0) }
            return (y, { dy in (Activation.zipped(dy, input) { g, x in g * Activation.erfDerivative(x) }, []) })
        case .clip(let low, let high):
            let y = Activation.mapped(input) { min(max($0, low), high) }
            return (y, { dy in (Activation.zipped(dy, input) { g, x in x >= low && x <= high ? g : 0 }, []) })
        }
    }

    /// σ′(x) = σ(x) σ(−x), from the input rather than as s (1 − s): with e = exp(−|x|) it is e / (1 + e)², accurate to
    /// a few ulps for every x, where s (1 − s) cancels to 0 once s rounds to 1 (|x| ≳ 17).
    @inlinable public static func sigmoidDerivative(_ x: Float) -> Float {
        let e = Math.exp(-abs(x))
        let d = 1 + e
        return e / (d * d)
    }

    /// tanh′(x) = 1 − tanh²(x) = sech²(x), from the input: with e = exp(−2|x|) it is 4e / (1 + e)², where 1 − t² cancels
    /// as |t| → 1 (to 0 once t rounds to ±1, |x| ≳ 9).
    @inlinable public static func tanhDerivative(_ x: Float) -> Float {
        let e = Math.exp(-2 * abs(x))
        let d = 1 + e
        return 4 * e / (d * d)
    }

    /// `body` of every value of `x`, written straight into a new buffer (`Tensor.map` copies `x` first).
    @inline(__always)
    private static func mapped(_ x: Tensor, _ body: (Float) -> Float) -> Tensor {
        let count = x.count
        let values = x.scalars.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                for i in 0..<count { out[i] = body(source[i]) }
                initialized = count
            }
        }
        return Tensor(shape: x.shape, scalars: values)
    }

    /// `body` of the values of `a` and `b` pairwise, into a new buffer with `a`'s shape.
    @inline(__always)
    private static func zipped(_ a: Tensor, _ b: Tensor, _ body: (Float, Float) -> Float) -> Tensor {
        precondition(a.shape == b.shape, "Activation: gradient \(a.shape), activation \(b.shape)")
        let count = a.count
        let values = a.scalars.withUnsafeBufferPointer { first in
            b.scalars.withUnsafeBufferPointer { second in
                [Float](unsafeUninitializedCapacity: count) { out, initialized in
                    for i in 0..<count { out[i] = body(first[i], second[i]) }
                    initialized = count
                }
            }
        }
        return Tensor(shape: a.shape, scalars: values)
    }

    /// A logistic function that does not overflow for large |x|.
    @inlinable public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + Math.exp(-x)) }
        let e = Math.exp(x)
        return e / (1 + e)
    }
}
