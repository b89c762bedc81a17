import ExplainNN
import ExplainTensor

/// Scores for the units of a hidden layer, captured through the model's hooks.
///
/// With y = y(x) the layer's output and F the target output as a function of y:
/// ```
/// activation              s_j = y_j(x)
/// gradient-x-activation   s_j = y_j(x) · ∂F/∂y_j(x)
/// conductance             s_j = Σ_{k=1…n} ½ (∂F/∂y_j(x_k) + ∂F/∂y_j(x_{k−1})) · (y_j(x_k) − y_j(x_{k−1})),
///                         x_k = x' + (k/n)(x − x'),  k = 0…n
/// ```
/// Conductance (Dhamdhere, Sundararajan & Yan 2018, "How Important Is a Neuron?"; captum `LayerConductance`) is the
/// path integral ∫ ∂F/∂y_j dy_j along the straight input path from the baseline x' to x. Summed over units it is
/// Σ_j s_j ≈ F(y(x)) − F(y(x')) = f(x) − f(x'), the integrated-gradients total; the gap is reported per row.
/// captum approximates the integral with the left gradient on its quadrature nodes; we use the trapezoidal
/// Riemann–Stieltjes sum on n + 1 uniform points including both ends, which has the same limit, is second-order
/// accurate and telescopes exactly for a layer that F depends on linearly. Several baselines average.
///
/// Activations and output gradients are read by an `ActivationRecorder` on the layer's hooks during ordinary batched
/// passes of the whole network. The hooks go on a private `Model` built from the same layers (sharing their weights),
/// so other threads may use the model meanwhile: their passes neither reach the recorder nor see its hooks, and the
/// model's own hooks do not fire for the attribution passes.
public struct LayerAttributor: Sendable {
    /// The layer score.
    public enum Method: String, Sendable, CaseIterable, Codable {
        case activation
        case gradientXActivation = "gradient-x-activation"
        case conductance
    }

    /// The layer's name.
    public var layer: String
    /// The layer score.
    public var method: Method
    /// The number of path steps n of conductance (n + 1 points).
    public var stepCount: Int
    /// The reference input(s) of conductance.
    public var baseline: GradientBaseline
    /// The memory budget of one forward/backward pass.
    public var batching: GradientBatching

    /// - Precondition: 1 ≤ `stepCount` ≤ `IntegratedGradients.maximumStepCount`.
    public init(layer: String, method: Method = .conductance, stepCount: Int = 50, baseline: GradientBaseline = .zeros,
                batching: GradientBatching = GradientBatching()) {
        precondition((1...IntegratedGradients.maximumStepCount).contains(stepCount),
                     "LayerAttributor: stepCount must be between 1 and \(IntegratedGradients.maximumStepCount)")
        self.layer = layer
        self.method = method
        self.stepCount = stepCount
        self.baseline = baseline
        self.batching = batching
    }

    /// The parameters with CLI spellings (`layer`, `layer-method`; `steps` and `baseline` for conductance).
    public var parameters: [String: String] {
        var p = ["layer": layer, "layer-method": method.rawValue]
        if method == .conductance {
            p["steps"] = String(stepCount)
            p["baseline"] = baseline.parameterValue
        }
        return p
    }

    /// Scores the layer's units for every row.
    ///
    /// - Parameters:
    ///   - rows: `[N, inputWidth]` (or `[N] + inputShape`) raw input rows.
    ///   - model: the network; its layers are run through a private copy that carries the capture hooks.
    ///   - target: the output whose gradient is used; `.predicted` takes the argmax of f(x).
    ///   - featureStats, background: the training data, for the `.mean` baseline.
    ///   - rowIndices: the rows' numbers in the user's input (`Explanation.row`); default 0, 1, 2, ….
    /// - Throws: `ExplainError(.unknownLayer)` for a name the model lacks, and the errors of the explainers.
    /// - Complexity: N passes for `activation` and `gradient-x-activation`; N · K · (n + 1) for conductance.
    public func attribute(
        _ rows: Tensor, model: Model, target: Target = .predicted,
        featureStats: FeatureStats? = nil, background: Background? = nil, rowIndices: [Int]? = nil
    ) throws -> LayerAttribution {
        let index = try model.layerIndex(named: layer)
        let network = model.withoutHooks()
        let width = model.inputWidth
        try GradientSupport.validate(rows, width: width)
        let x = GradientSupport.flat(rows)
        let numbers = try GradientSupport.rowNumbers(rowIndices, count: x.batchSize)
        let shape = model.layerShapes[index]
        let units = shape.reduce(1, *)
        let recorder = try ActivationRecorder(model: network, layers: [layer], capturesGradients: method != .activation)
        defer { recorder.remove() }
        let capture = LayerCapture(recorder: recorder, layer: layer, units: units)
        var result: [LayerAttribution.Row] = []
        switch method {
        case .activation:
            // One row per pass, so that no row's numbers depend on the others (`GradientBatching`).
            for start in 0..<x.batchSize {
                let range = start..<(start + 1)
                _ = network.forward(x.rows(range))
                let y = try capture.activations(count: range.count)
                for (slot, r) in range.enumerated() {
                    result.append(row(r, scores: y[(slot * units)..<((slot + 1) * units)].map(Double.init), shape: shape))
                }
            }
        case .gradientXActivation:
            for start in 0..<x.batchSize {
                let range = start..<(start + 1)
                let (outputs, _, targets) = try GradientSupport.outputsAndGradients(network, x.rows(range), target: target)
                let y = try capture.activations(count: range.count), g = try capture.gradients(count: range.count)
                for (slot, r) in range.enumerated() {
                    let scores = (slot * units..<(slot + 1) * units).map { Double(y[$0]) * Double(g[$0]) }
                    let t = targets[slot]
                    result.append(row(r, target: t, targetName: GradientSupport.outputName(model, t),
                                      prediction: Double(outputs.scalars[slot * model.outputCount + t]), scores: scores, shape: shape))
                }
            }
        case .conductance:
            result = try conductance(x, model: network, target: target, capture: capture, shape: shape,
                                     baselines: try baseline.resolved(width: width, featureStats: featureStats, background: background))
        }
        for i in result.indices { result[i].row = numbers[result[i].row] }
        return LayerAttribution(layer: layer, shape: shape, method: method.rawValue, parameters: parameters, rows: result)
    }

    /// Conductance of every row, whole paths per chunk, and only paths of one row in a chunk.
    private func conductance(_ x: Tensor, model: Model, target: Target, capture: LayerCapture, shape: [Int],
                             baselines: Tensor) throws -> [LayerAttribution.Row] {
        let n = x.batchSize, width = model.inputWidth, units = capture.units, outputCount = model.outputCount
        guard n > 0 else { return [] }
        let targets = try GradientSupport.targets(target, outputs: batching.predict(model, x), outputCount: outputCount)
        let b = baselines.batchSize, points = stepCount + 1, paths = n * b
        let pathsPerChunk = Swift.max(1, batching.pointsPerChunk(for: model) / points)
        var scores = [Double](repeating: 0, count: n * units)
        var fx = [Double](repeating: 0, count: n), fBase = [Double](repeating: 0, count: n)
        var first = 0
        while first < paths {
            let chunk = first..<Swift.min(paths, first + pathsPerChunk, (first / b + 1) * b)
            first = chunk.upperBound
            var input = [Float](repeating: 0, count: chunk.count * points * width)
            for (slot, path) in chunk.enumerated() {
                let r = path / b, base = path % b
                for k in 0..<points {
                    let alpha = Float(k) / Float(stepCount), at = (slot * points + k) * width
                    for j in 0..<width {
                        let start = baselines.scalars[base * width + j]
                        input[at + j] = start + alpha * (x.scalars[r * width + j] - start)
                    }
                }
            }
            let pathTargets = chunk.flatMap { [Int](repeating: targets[$0 / b], count: points) }
            let (outputs, _) = try model.gradient(Tensor(shape: [pathTargets.count, width], scalars: input), targets: pathTargets)
            let y = try capture.activations(count: pathTargets.count), g = try capture.gradients(count: pathTargets.count)
            for (slot, path) in chunk.enumerated() {
                let r = path / b, t = targets[r], share = 1 / Double(b)
                let firstPoint = slot * points, lastPoint = firstPoint + stepCount
                fBase[r] += share * Double(outputs.scalars[firstPoint * outputCount + t])
                fx[r] = Double(outputs.scalars[lastPoint * outputCount + t])
                for k in 1..<points {
                    let now = (firstPoint + k) * units, before = now - units
                    for j in 0..<units {
                        let slope = 0.5 * (Double(g[now + j]) + Double(g[before + j]))
                        scores[r * units + j] += share * slope * (Double(y[now + j]) - Double(y[before + j]))
                    }
                }
            }
        }
        return (0..<n).map { r in
            let s = Array(scores[(r * units)..<((r + 1) * units)])
            let t = targets[r]
            return row(r, target: t, targetName: GradientSupport.outputName(model, t), prediction: fx[r],
                       baseValue: fBase[r], scores: s, shape: shape, gap: s.reduce(0, +) - (fx[r] - fBase[r]))
        }
    }

    private func row(_ r: Int, target: Int? = nil, targetName: String? = nil, prediction: Double? = nil,
                     baseValue: Double? = nil, scores: [Double], shape: [Int], gap: Double? = nil) -> LayerAttribution.Row {
        let (map, sums) = LayerAttribution.channelSummaries(scores, shape: shape)
        return LayerAttribution.Row(row: r, target: target, targetName: targetName, prediction: prediction,
                                    baseValue: baseValue, scores: scores, channelMap: map, channelSums: sums,
                                    completenessGap: gap)
    }
}

/// Reads one layer's captured activation and output gradient after a pass, checking it belongs to that pass.
private struct LayerCapture {
    let recorder: ActivationRecorder
    let layer: String
    let units: Int

    func activations(count: Int) throws(ExplainError) -> [Float] { try checked(recorder.activations[layer], count) }
    func gradients(count: Int) throws(ExplainError) -> [Float] { try checked(recorder.gradients[layer], count) }

    private func checked(_ t: Tensor?, _ count: Int) throws(ExplainError) -> [Float] {
        guard let t, t.count == count * units else {
            throw ExplainError(.unsupported, "the hooks on layer \"\(layer)\" did not capture this pass")
        }
        return t.scalars
    }
}
