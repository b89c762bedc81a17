/// A map over a hidden layer's spatial positions behind an input attribution (Grad-CAM's map at the layer's
/// resolution, before it is upsampled to the input).
///
/// Written in the attribution JSON as `layer_map` of an explanation: `{"layer", "shape", "values",
/// "channel_weights"}`.
public struct LayerMap: Codable, Sendable, Equatable {
    /// The layer's name in the model.
    public var layer: String
    /// `[H, W]` of the layer's output.
    public var shape: [Int]
    /// `H·W` values, row-major.
    public var values: [Double]
    /// One weight per channel of the layer (Grad-CAM's α_k), or nil.
    public var channelWeights: [Double]?

    public init(layer: String, shape: [Int], values: [Double], channelWeights: [Double]? = nil) {
        self.layer = layer
        self.shape = shape
        self.values = values
        self.channelWeights = channelWeights
    }

    enum CodingKeys: String, CodingKey {
        case layer, shape, values
        case channelWeights = "channel_weights"
    }
}
