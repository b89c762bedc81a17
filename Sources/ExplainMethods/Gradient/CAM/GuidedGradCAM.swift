import ExplainNN
import ExplainTensor

/// Guided Grad-CAM: guided backpropagation weighted pixel by pixel by the upsampled Grad-CAM map.
///
/// ```
/// φ[c, h, w] = GuidedBackprop(x)[c, h, w] · up(L)[h, w]      (L = the Grad-CAM map at the layer, `GradCAM`)
/// ```
/// Selvaraju et al. 2017, "Grad-CAM", §3.1; captum `GuidedGradCam`, whose Grad-CAM keeps the ReLU and whose default
/// upsampling is nearest-neighbour (`interpolate_mode="nearest"`), as here. The two parts explain the same target: the
/// Grad-CAM map's (the argmax of f for `.predicted`), so a near-tie cannot give them different classes.
public struct GuidedGradCAM: Sendable {
    /// The feature-map layer, or nil for `GradCAM.defaultLayer(in:)`.
    public var layer: String?
    /// How the map is upsampled to the input (captum's default: nearest).
    public var interpolation: CAMInterpolation
    /// The memory budget of one pass.
    public var batching: GradientBatching

    public init(layer: String? = nil, interpolation: CAMInterpolation = .nearest,
                batching: GradientBatching = GradientBatching()) {
        self.layer = layer
        self.interpolation = interpolation
        self.batching = batching
    }

    /// The CONTRACT method name.
    public var method: String { "guided-grad-cam" }

    /// The parameters with CLI spellings for `model`: `layer` (the resolved name) and `interpolation`.
    public func parameters(for model: Model) -> [String: String] {
        ["layer": layer ?? GradCAM.defaultLayer(in: model) ?? "none", "interpolation": interpolation.rawValue]
    }

    /// Explains every row for its target.
    ///
    /// - Returns: one explanation per row, with `layer_map` (the Grad-CAM map at the layer's resolution) and no base
    ///   value; the flag `grad_cam_map_zero` when the map is all zero (so is φ).
    /// - Throws: the errors of `GradCAM.maps` and `GuidedBackprop.explain`.
    /// - Complexity: per row, Grad-CAM's passes and one guided backward pass.
    public func explain(_ rows: Tensor, model: Model, target: Target = .predicted, rowIndices: [Int]? = nil) throws -> [Explanation] {
        let cam = GradCAM(layer: layer, batching: batching)
        let name = model.layers[try cam.layerIndex(in: model)].name
        let x = GradientSupport.flat(rows)
        let maps = try cam.maps(rows, model: model, target: target, rowIndices: rowIndices)
        let guided = GuidedBackprop(kind: .guidedBackprop, batching: batching)
        let channels = model.inputShape[0], height = model.inputShape[1], width = model.inputShape[2]
        return try GradientSupport.finite(try maps.enumerated().map { r, m in
            let g = try guided.explain(x.rows(r..<(r + 1)), using: model, target: .index(m.target), rowIndices: [m.row])[0]
            let up = interpolation.resize(m.values, height: m.shape[0], width: m.shape[1], toHeight: height, width: width)
            var phi = g.attributions
            for c in 0..<channels { for p in 0..<(height * width) { phi[c * height * width + p] *= up[p] } }
            return Explanation(row: m.row, target: m.target, targetName: GradientSupport.outputName(model, m.target),
                               prediction: m.prediction, attributions: phi, diagnostics: ["model_evaluations": 2],
                               flags: m.values.allSatisfy { $0 == 0 } ? ["grad_cam_map_zero"] : [],
                               layerMap: LayerMap(layer: name, shape: m.shape, values: m.values, channelWeights: m.channelWeights))
        })
    }
}
