import ExplainNN
import ExplainTensor

/// Grad-CAM: a convolutional feature map weighted by the spatial mean of its gradient, rectified and upsampled.
///
/// ```
/// α_k = (1 / HW) Σ_{h,w} ∂f/∂A_k[h, w]          (A = the layer's output, [K, H, W])
/// L[h, w] = ReLU(Σ_k α_k A_k[h, w])              (the map at the layer's resolution)
/// φ = bilinear upsampling of L to the input's height and width, the same for every input channel
/// ```
/// Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization";
/// captum `LayerGradCam` with `relu_attributions=True` (captum's default leaves out the ReLU), upsampled with
/// `LayerAttribution.interpolate(..., "bilinear")`, i.e. `align_corners=False` (`CAMInterpolation`).
///
/// The network is split at the layer: the layers up to it run forward once, the rest forward and backward
/// (`Model.forwardWithInputPullback(_:layers:)`), so nothing is differentiated below the layer and no parameter
/// gradient is computed. The default layer is the
/// last `conv2d` (`defaultLayer(in:)`): its output, before the activation that follows it, as `LayerGradCam` on a
/// `Conv2d` module sees it; name the activation (`--layer relu5`) for the rectified feature maps.
public struct GradCAM: Sendable {
    /// One row's map, before and after upsampling (`maps(_:model:target:rowIndices:)`).
    public struct Map: Sendable, Equatable {
        public var row: Int
        public var target: Int
        /// f(x) for the target.
        public var prediction: Double
        /// `[H, W]` of the layer.
        public var shape: [Int]
        /// L at the layer's resolution, `H·W` values.
        public var values: [Double]
        /// α_k, one per channel.
        public var channelWeights: [Double]
    }

    /// The feature-map layer, or nil for `defaultLayer(in:)`.
    public var layer: String?
    /// The memory budget of one forward/backward pass.
    public var batching: GradientBatching

    public init(layer: String? = nil, batching: GradientBatching = GradientBatching()) {
        self.layer = layer
        self.batching = batching
    }

    /// The CONTRACT method name.
    public var method: String { "grad-cam" }

    /// The parameters with CLI spellings for `model`: `layer` (the resolved name) and `interpolation`.
    public func parameters(for model: Model) -> [String: String] {
        ["layer": layer ?? Self.defaultLayer(in: model) ?? "none", "interpolation": CAMInterpolation.bilinear.rawValue]
    }

    /// The last `conv2d` layer, or the last layer with a `[C, H, W]` output when there is none; nil for a model
    /// without feature maps (or whose input is not an image).
    public static func defaultLayer(in model: Model) -> String? {
        guard model.inputShape.count == 3 else { return nil }
        if let conv = model.layers.lastIndex(where: { $0 is Conv2D }) { return model.layers[conv].name }
        return model.layerShapes.lastIndex { $0.count == 3 }.map { model.layers[$0].name }
    }

    /// The layer's index, checked: an image model and a `[C, H, W]` output.
    /// - Throws: `ExplainError(.unsupported)` naming the layers that qualify, or `.unknownLayer`.
    public func layerIndex(in model: Model) throws(ExplainError) -> Int {
        let maps = model.layers.indices.filter { model.layerShapes[$0].count == 3 }.map { model.layers[$0].name }
        guard model.inputShape.count == 3, let name = layer ?? Self.defaultLayer(in: model) else {
            throw ExplainError(.unsupported, "grad-cam needs an image model with a convolutional layer; \(model.name) has input shape \(model.inputShape)", at: "--layer")
        }
        let index = try model.layerIndex(named: name)
        guard model.layerShapes[index].count == 3 else {
            throw ExplainError(.unsupported, "grad-cam needs a [C, H, W] feature map, and layer \"\(name)\" has shape \(model.layerShapes[index]); layers with feature maps are \(maps.joined(separator: ", "))", at: "--layer")
        }
        return index
    }

    /// The Grad-CAM map of every row at the layer's resolution.
    ///
    /// - Throws: the errors of `layerIndex(in:)`, `ExplainError` for invalid rows or target.
    /// - Complexity: one forward pass to the layer and one forward and backward pass above it per row.
    public func maps(_ rows: Tensor, model: Model, target: Target = .predicted, rowIndices: [Int]? = nil) throws -> [Map] {
        let index = try layerIndex(in: model)
        try GradientSupport.validate(rows, width: model.inputWidth)
        let x = GradientSupport.flat(rows)
        let numbers = try GradientSupport.rowNumbers(rowIndices, count: x.batchSize)
        let shape = model.layerShapes[index], channels = shape[0], plane = shape[1] * shape[2]
        let outputCount = model.outputCount
        // One row per pass, so that no row's numbers depend on the others (`GradientBatching`), unless the model
        // computes each row on its own (`Model.rowsAreIndependent`): then a cache-sized chunk of rows.
        let chunk = model.rowsAreIndependent ? batching.pointsPerChunk(for: model) : 1
        var result: [Map] = []
        result.reserveCapacity(x.batchSize)
        for start in stride(from: 0, to: x.batchSize, by: chunk) {
            let range = start..<Swift.min(x.batchSize, start + chunk)
            let (activation, out, pullback) = model.forwardWithLayerPullback(x.rows(range), at: index)
            let outputs = out.reshaped([range.count, outputCount])
            let targets = try GradientSupport.targets(target, outputs: outputs, outputCount: outputCount)
            var seed = Tensor(shape: out.shape, repeating: 0)
            for (slot, t) in targets.enumerated() { seed.scalars[slot * outputCount + t] = 1 }
            let gradient = pullback(seed)
            for (slot, r) in range.enumerated() {
                let at = slot * channels * plane
                let weights = (0..<channels).map { k in
                    (0..<plane).reduce(0.0) { $0 + Double(gradient.scalars[at + k * plane + $1]) } / Double(plane)
                }
                let values = (0..<plane).map { p in
                    Swift.max(0, (0..<channels).reduce(0.0) { $0 + weights[$1] * Double(activation.scalars[at + $1 * plane + p]) })
                }
                result.append(Map(row: numbers[r], target: targets[slot],
                                  prediction: Double(outputs.scalars[slot * outputCount + targets[slot]]),
                                  shape: [shape[1], shape[2]], values: values, channelWeights: weights))
            }
        }
        return result
    }

    /// Explains every row: the map upsampled to the input (bilinear), repeated over the input channels.
    ///
    /// - Returns: one explanation per row with `layer_map` (the map at the layer's resolution and α), no base value,
    ///   and the flag `grad_cam_map_zero` when the ReLU leaves nothing (no region raises the target).
    /// - Throws: as `maps(_:model:target:rowIndices:)`.
    public func explain(_ rows: Tensor, model: Model, target: Target = .predicted, rowIndices: [Int]? = nil) throws -> [Explanation] {
        let name = model.layers[try layerIndex(in: model)].name
        let channels = model.inputShape[0], height = model.inputShape[1], width = model.inputShape[2]
        return try GradientSupport.finite(try maps(rows, model: model, target: target, rowIndices: rowIndices).map { m in
            let upsampled = CAMInterpolation.bilinear.resize(m.values, height: m.shape[0], width: m.shape[1],
                                                             toHeight: height, width: width)
            return Explanation(row: m.row, target: m.target, targetName: GradientSupport.outputName(model, m.target),
                               prediction: m.prediction,
                               attributions: Array([[Double]](repeating: upsampled, count: channels).joined()),
                               diagnostics: ["model_evaluations": 1],
                               flags: m.values.allSatisfy { $0 == 0 } ? ["grad_cam_map_zero"] : [],
                               layerMap: LayerMap(layer: name, shape: m.shape, values: m.values, channelWeights: m.channelWeights))
        })
    }
}
