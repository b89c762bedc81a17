import ExplainTensor

extension CoalitionEvaluator {
    /// The evaluator of the game of row x over `background`: players are the columns where x differs from some
    /// positive-weight background row (elsewhere every coalition's rows are the same). With the predictor's first
    /// layer (`AffineInputPredictor`), whole-background blocks use the exact shortcut.
    ///
    /// KernelSHAP, Shapley sampling and feature ablation (with the baseline rows as the background) share it.
    init(instance x: [Float], background: Background, outputCount: Int, chunkBudget: Int,
         affine: (any AffineInputPredictor)?) {
        let width = background.rows.sampleCount
        var rows = [Float](), weights = [Double]()
        for (b, w) in background.weights.enumerated() where w > 0 {
            rows.append(contentsOf: background.rows.scalars[(b * width)..<((b + 1) * width)])
            weights.append(w)
        }
        weights = Background.normalized(weights)
        let columns = (0..<width).filter { j in
            stride(from: j, to: rows.count, by: width).contains { rows[$0] != x[j] }
        }
        self.init(instance: x, columns: columns, background: rows, weights: weights, width: width,
                  outputCount: outputCount, chunkBudget: chunkBudget, rowFootprint: width + outputCount)
        if let affine, let (weight, bias) = affine.inputAffine, !bias.isEmpty, weight.count == bias.count * width {
            shortcut = FirstLayerShortcut(weight: weight, bias: bias, rest: affine.preActivationPredictor(),
                                          instance: x, background: rows, width: width)
            rowFootprint = max(width, bias.count) + outputCount
        }
    }
}
