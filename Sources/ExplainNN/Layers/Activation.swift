import ExplainTensor

/// An elementwise nonlinearity: relu, leaky_relu, tanh or sigmoid.
public struct Activation: Layer {
    /// The function applied to every value.
    public enum Kind: Sendable, Equatable {
        case relu, tanh, sigmoid
        case leakyReLU(slope: Float)

        /// The CONTRACT type string.
        public var typeName: String {
            switch self {
            case .relu: "relu"
            case .tanh: "tanh"
            case .sigmoid: "sigmoid"
            case .leakyReLU: "leaky_relu"
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var type: String { kind.typeName }

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] { inputShape }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        switch kind {
        case .relu:
            let y = input.map { $0 > 0 ? $0 : 0 }
            return (y, { dy in (dy.zip(input) { g, x in x > 0 ? g : 0 }, []) })
        case .leakyReLU(let slope):
            let y = input.map { $0 > 0 ? $0 : slope * $0 }
            return (y, { dy in (dy.zip(input) { g, x in x > 0 ? g : slope * g }, []) })
        case .tanh:
            let y = input.map { Math.tanh($0) }
            return (y, { dy in (dy.zip(y) { g, t in g * (1 - t * t) }, []) })
        case .sigmoid:
            let y = input.map { Activation.sigmoid($0) }
            return (y, { dy in (dy.zip(y) { g, s in g * s * (1 - s) }, []) })
        }
    }

    /// A logistic function that does not overflow for large |x|.
    @inlinable public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + Math.exp(-x)) }
        let e = Math.exp(x)
        return e / (1 + e)
    }
}
