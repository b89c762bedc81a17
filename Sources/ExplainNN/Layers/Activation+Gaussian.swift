import ExplainTensor

/// GELU and erf, the activations of transformer blocks, and their derivatives.
extension Activation {
    /// √(2/π), the tanh approximation's scale.
    @usableFromInline static let geluScale: Float = 0.7978845608028654
    /// The tanh approximation's cubic coefficient.
    @usableFromInline static let geluCubic: Float = 0.044715
    /// 1/√2.
    @usableFromInline static let inverseSquareRootTwo: Float = 0.7071067811865476
    /// 1/√(2π), the standard normal density at 0.
    @usableFromInline static let normalDensityScale: Float = 0.3989422804014327

    /// GELU, x·Φ(x), or its tanh approximation; Hendrycks & Gimpel (2016), "Gaussian Error Linear Units (GELUs)":
    /// ```
    /// exact:  x · ½ erfc(−x/√2)        tanh:  ½ x (1 + tanh u) = x σ(2u),  u = √(2/π) (x + 0.044715 x³)
    /// ```
    /// Both are written so that nothing cancels for negative x, where 1 + erf and 1 + tanh would lose every digit.
    @inlinable public static func gelu(_ x: Float, tanhApproximation: Bool) -> Float {
        if tanhApproximation {
            let u = geluScale * (x + geluCubic * x * x * x)
            return x * sigmoid(2 * u)
        }
        return x * 0.5 * Math.erfc(-x * inverseSquareRootTwo)
    }

    /// The derivative of `gelu`:
    /// ```
    /// exact:  Φ(x) + x φ(x)        tanh:  σ(2u) + 2 x σ′(2u) u′,  u′ = √(2/π) (1 + 3 · 0.044715 x²)
    /// ```
    @inlinable public static func geluDerivative(_ x: Float, tanhApproximation: Bool) -> Float {
        if tanhApproximation {
            let u = geluScale * (x + geluCubic * x * x * x)
            let slope = geluScale * (1 + 3 * geluCubic * x * x)
            return sigmoid(2 * u) + 2 * x * sigmoidDerivative(2 * u) * slope
        }
        return 0.5 * Math.erfc(-x * inverseSquareRootTwo) + x * normalDensityScale * Math.exp(-0.5 * x * x)
    }

    /// erf′(x) = 2/√π · exp(−x²).
    @inlinable public static func erfDerivative(_ x: Float) -> Float {
        1.1283791670955126 * Math.exp(-x * x)
    }
}
