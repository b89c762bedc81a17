import ExplainKit

/// Central finite differences: the oracle every pullback in ExplainKit is checked against.
///
/// The loss is L = Σ seed ⊙ f(x) for a fixed random seed tensor, so every output element contributes. Perturbations
/// are applied in Float and the loss is accumulated in Double; a step of 1e-2 balances truncation and rounding error
/// for Float32 networks with smooth activations.
public enum FiniteDifferences {
    /// The largest error relative to the gradient's scale: max |a − n| / max(1, max |n|).
    public static func relativeError(_ analytic: [Float], _ numeric: [Double]) -> Double {
        precondition(analytic.count == numeric.count)
        let scale = max(1, numeric.map(abs).max() ?? 0)
        var worst = 0.0
        for (a, n) in zip(analytic, numeric) { worst = max(worst, abs(Double(a) - n) / scale) }
        return worst
    }

    /// Numeric gradient of `loss` with respect to each scalar of `x`.
    public static func gradient(of loss: (Tensor) -> Double, at x: Tensor, step: Float = 1e-2) -> [Double] {
        var g = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.scalars[i] += step
            minus.scalars[i] -= step
            let h = Double(plus.scalars[i]) - Double(minus.scalars[i])
            g[i] = (loss(plus) - loss(minus)) / h
        }
        return g
    }

    /// A loss Σ seed ⊙ y in Double.
    public static func weightedSum(_ y: Tensor, _ seed: Tensor) -> Double {
        zip(y.scalars, seed.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Checks a layer's input and parameter gradients on `input`, returning the worst relative errors.
    public static func check(_ layer: any Layer, input: Tensor, mode: Mode = .inference, seed: UInt64 = 7)
        -> (input: Double, parameters: [Double]) {
        let (y, pullback) = layer(input, mode: mode)
        let outSeed = randomTensor(shape: y.shape, seed: seed)
        let (dx, dp) = pullback(outSeed)
        let numericInput = gradient(of: { weightedSum(layer($0, mode: mode).output, outSeed) }, at: input)
        var paramErrors: [Double] = []
        for (k, p) in layer.parameters.enumerated() {
            let numeric = gradient(of: { value in
                var l = layer
                var ps = l.parameters
                ps[k] = value
                l.parameters = ps
                return weightedSum(l(input, mode: mode).output, outSeed)
            }, at: p)
            paramErrors.append(relativeError(dp[k].scalars, numeric))
        }
        return (relativeError(dx.scalars, numericInput), paramErrors)
    }

    /// Checks a multi-input layer's gradients with respect to each of its `inputs` and to its parameters, returning
    /// the worst relative error of each, in order.
    public static func check(_ layer: any MultiInputLayer, inputs: [Tensor], mode: Mode = .inference, seed: UInt64 = 7)
        -> (inputs: [Double], parameters: [Double]) {
        let (y, pullback) = layer(inputs, mode: mode)
        let outSeed = randomTensor(shape: y.shape, seed: seed)
        let (dx, dp) = pullback(outSeed)
        precondition(dx.count == inputs.count, "\(layer.type): \(dx.count) input gradients for \(inputs.count) inputs")
        let inputErrors = inputs.indices.map { k in
            precondition(dx[k].shape == inputs[k].shape, "\(layer.type): gradient \(dx[k].shape) for input \(inputs[k].shape)")
            let numeric = gradient(of: { value in
                var xs = inputs
                xs[k] = value
                return weightedSum(layer(xs, mode: mode).output, outSeed)
            }, at: inputs[k])
            return relativeError(dx[k].scalars, numeric)
        }
        let paramErrors = layer.parameters.indices.map { k in
            let numeric = gradient(of: { value in
                var l = layer
                var ps = l.parameters
                ps[k] = value
                l.parameters = ps
                return weightedSum(l(inputs, mode: mode).output, outSeed)
            }, at: layer.parameters[k])
            return relativeError(dp[k].scalars, numeric)
        }
        return (inputErrors, paramErrors)
    }

    /// A tensor of standard normal values from a seed.
    public static func randomTensor(shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) * scale })
    }
}
