import ExplainTensor

/// A loss and accuracy measured over a whole data set.
public struct LossEvaluation: Sendable, Equatable {
    /// The mean loss, as `Loss.evaluate` would give on the whole set at once.
    public var loss: Double
    /// The fraction of rows classified correctly; nil for regression (mean squared error).
    public var accuracy: Double?
}

extension Model {
    /// The number of leading layers whose output the loss reads: every layer, or all but a final activation the loss
    /// is fused with (softmax for cross-entropy, sigmoid for binary cross-entropy).
    public func lossInputLayerCount(for loss: Loss) -> Int {
        if let last = layers.last, loss.isFusedActivation(last), inputIDs[layers.count - 1] == [layers.count - 1] {
            return layers.count - 1
        }
        return layers.count
    }

    /// The loss of a batch, the values it read (logits or outputs, `[N, K]`), and the gradients of the loss with
    /// respect to the input and every parameter.
    ///
    /// Fires forward hooks on every layer (a fused final activation is run for its hooks when it has any, though the
    /// loss reads the logits) and backward hooks on the layers the gradient passes through.
    ///
    /// - Parameter computesInputGradient: when false (the trainer), the layers before the first one with parameters
    ///   run forward only — no backward hooks, no pullback —, that layer skips its own input gradient unless a backward
    ///   hook watches it, and `gradients.input` is empty.
    public func lossAndGradients(_ x: Tensor, targets: Tensor, loss: Loss, mode: Mode = .inference,
                                 computesInputGradient: Bool = true)
        -> (value: Double, predictions: Tensor, gradients: ModelGradients) {
        let head = lossInputLayerCount(for: loss)
        let start = computesInputGradient || !isChain ? 0 : min(layers.firstIndex { !$0.parameters.isEmpty } ?? head, head)
        var h = batch(x)
        if start > 0 { h = run(h, layers: 0..<start, mode: mode, keepsPullbacks: false).output }
        let (z, pullback) = forwardWithPullback(h, layers: start..<head, mode: mode, needsInputGradient: computesInputGradient)
        runForHooks(z, from: head, mode: mode)
        let predictions = z.reshaped([z.batchSize, z.sampleCount])
        let (value, gradient) = loss.evaluate(predictions, targets: targets)
        var gradients = pullback(gradient.reshaped(z.shape))
        if !computesInputGradient { gradients.input = Tensor(shape: [0], scalars: []) }
        return (value, predictions, gradients)
    }

    /// The mean loss and the accuracy over `data`, in inference mode, `chunkSize` rows at a time. Fires forward hooks.
    public func evaluate(_ data: LabeledData, loss: Loss, chunkSize: Int = 1024) -> LossEvaluation {
        precondition(chunkSize > 0 && data.inputs.sampleCount == inputWidth, "Model.evaluate: bad data width")
        let head = lossInputLayerCount(for: loss)
        var total = 0.0, correct = 0
        var start = 0
        while start < data.count {
            let range = start..<min(start + chunkSize, data.count)
            let z = run(batch(data.inputs.rows(range)), layers: 0..<head, mode: .inference, keepsPullbacks: false).output
            runForHooks(z, from: head)
            let predictions = z.reshaped([z.batchSize, z.sampleCount])
            let targets = data.targets.rows(range)
            total += loss.evaluate(predictions, targets: targets).value * Double(range.count)
            correct += Model.correctCount(predictions, targets: targets, loss: loss) ?? 0
            start = range.upperBound
        }
        let n = Double(max(data.count, 1))
        return LossEvaluation(loss: total / n, accuracy: loss == .meanSquaredError ? nil : Double(correct) / n)
    }

    /// Runs the layers after the loss input (a fused final activation) only so that their forward hooks fire.
    private func runForHooks(_ z: Tensor, from head: Int, mode: Mode = .inference) {
        guard head < layers.count, hooks.forwardHooks().keys.contains(where: { $0 >= head }) else { return }
        _ = run(z, layers: head..<layers.count, mode: mode, keepsPullbacks: false)
    }

    /// How many rows the loss input classifies correctly: argmax against the target's argmax, or for one output, the
    /// sign of the logit against a 0/1 target. Nil for regression.
    static func correctCount(_ predictions: Tensor, targets: Tensor, loss: Loss) -> Int? {
        guard loss.readsLogits else { return nil }
        let k = predictions.sampleCount
        if k == 1 {
            return zip(predictions.scalars, targets.scalars).filter { ($0 > 0) == ($1 > 0.5) }.count
        }
        // Row by row, as `argmaxPerRow` (the first largest value wins), without allocating.
        return predictions.scalars.withUnsafeBufferPointer { p in
            targets.scalars.withUnsafeBufferPointer { t in
                var correct = 0
                for r in 0..<predictions.batchSize where argmax(p, from: r * k, count: k) == argmax(t, from: r * k, count: k) {
                    correct += 1
                }
                return correct
            }
        }
    }

    private static func argmax(_ x: UnsafeBufferPointer<Float>, from start: Int, count: Int) -> Int {
        var best = 0
        for j in 1..<max(count, 1) where x[start + j] > x[start + best] { best = j }
        return best
    }
}
