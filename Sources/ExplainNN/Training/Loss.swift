import ExplainTensor

/// A training objective: a scalar function of a batch of predictions and targets, averaged over the batch.
///
/// The two cross-entropies work on logits, fused with their activation so that they never take the log of a
/// rounded probability. When a model ends in the matching activation (softmax for `softmaxCrossEntropy`, sigmoid for
/// `binaryCrossEntropy`), the trainer runs the model without its last layer and feeds the logits to the loss;
/// otherwise the model's outputs are taken to be logits (PyTorch's `CrossEntropyLoss` and `BCEWithLogitsLoss`).
/// Their gradients p − t are formed directly, as PyTorch does: on a confidently right row p − 1 rounds to a multiple
/// of Float's ulp (absolute error below 6e-8 / N, nothing next to the batch's other rows). Explanations differentiate
/// the model's own softmax and sigmoid layers instead, whose pullbacks avoid that cancellation.
public enum Loss: String, Sendable, CaseIterable, Codable {
    /// −Σₖ tₖ log softmax(z)ₖ per row, averaged over rows; targets are one-hot rows (or class distributions).
    ///
    /// ```
    /// L = (1/N) Σᵢ [ logΣₖ exp zᵢₖ · Σₖ tᵢₖ − Σₖ tᵢₖ zᵢₖ ],   ∂L/∂zᵢₖ = (softmax(zᵢ)ₖ · Σₖ tᵢₖ − tᵢₖ) / N
    /// ```
    case softmaxCrossEntropy = "cross-entropy"
    /// (1/(N·K)) Σ (yᵢₖ − tᵢₖ)², the mean over every output (PyTorch `MSELoss`).
    case meanSquaredError = "mse"
    /// The mean over every output of −[t log σ(z) + (1 − t) log(1 − σ(z))], computed as
    /// max(z, 0) − z t + log(1 + exp(−|z|)); ∂L/∂z = (σ(z) − t) / (N·K).
    case binaryCrossEntropy = "binary-cross-entropy"

    /// Whether the loss reads logits and is fused with an output activation.
    public var readsLogits: Bool { self != .meanSquaredError }

    /// Whether `layer` is the output activation this loss is fused with (the trainer then skips it).
    public func isFusedActivation(_ layer: any Layer) -> Bool {
        switch self {
        case .softmaxCrossEntropy: layer is Softmax
        case .binaryCrossEntropy: (layer as? Activation)?.kind == .sigmoid
        case .meanSquaredError: false
        }
    }

    /// The loss of a `[N, K]` batch and its gradient with respect to `predictions`.
    ///
    /// The value is accumulated in Double. Targets must have the shape of the predictions.
    public func evaluate(_ predictions: Tensor, targets: Tensor) -> (value: Double, gradient: Tensor) {
        precondition(predictions.count == targets.count && predictions.batchSize == targets.batchSize,
                     "Loss: predictions \(predictions.shape), targets \(targets.shape)")
        let n = predictions.batchSize, k = predictions.sampleCount
        guard n > 0, k > 0 else { return (0, predictions) }
        var gradient = [Float](repeating: 0, count: n * k)
        var total = 0.0
        predictions.scalars.withUnsafeBufferPointer { z in
            targets.scalars.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { g in
                    switch self {
                    case .softmaxCrossEntropy: total = Loss.crossEntropy(z, t, g, rows: n, width: k)
                    case .meanSquaredError: total = Loss.squaredError(z, t, g, scale: 1 / Float(n * k))
                    case .binaryCrossEntropy: total = Loss.binaryCrossEntropy(z, t, g, scale: 1 / Float(n * k))
                    }
                }
            }
        }
        let value = self == .softmaxCrossEntropy ? total / Double(n) : total / Double(n * k)
        return (value, Tensor(shape: predictions.shape, scalars: gradient))
    }

    /// Returns Σᵢ CEᵢ and writes ∂/∂z of the mean into `g`.
    private static func crossEntropy(_ z: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>,
                                     _ g: UnsafeMutableBufferPointer<Float>, rows n: Int, width k: Int) -> Double {
        var total = 0.0
        let inverseN = 1 / Float(n)
        for r in 0..<n {
            let base = r * k
            var top = -Float.infinity
            for j in 0..<k { top = max(top, z[base + j]) }
            var sumExp: Float = 0
            for j in 0..<k {
                let e = Math.exp(z[base + j] - top)
                g[base + j] = e
                sumExp += e
            }
            let logSumExp = Double(top) + Double(Math.log(sumExp))
            var targetMass: Float = 0
            var targetDot = 0.0
            for j in 0..<k {
                targetMass += t[base + j]
                targetDot += Double(t[base + j]) * Double(z[base + j])
            }
            total += logSumExp * Double(targetMass) - targetDot
            for j in 0..<k { g[base + j] = (g[base + j] / sumExp * targetMass - t[base + j]) * inverseN }
        }
        return total
    }

    private static func squaredError(_ y: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>,
                                     _ g: UnsafeMutableBufferPointer<Float>, scale: Float) -> Double {
        var total = 0.0
        for i in 0..<y.count {
            let d = y[i] - t[i]
            total += Double(d) * Double(d)
            g[i] = 2 * d * scale
        }
        return total
    }

    private static func binaryCrossEntropy(_ z: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>,
                                           _ g: UnsafeMutableBufferPointer<Float>, scale: Float) -> Double {
        var total = 0.0
        for i in 0..<z.count {
            let x = Double(z[i]), target = Double(t[i])
            total += max(x, 0) - x * target + Math.log(1 + Math.exp(-abs(x)))
            g[i] = (Activation.sigmoid(z[i]) - t[i]) * scale
        }
        return total
    }
}
