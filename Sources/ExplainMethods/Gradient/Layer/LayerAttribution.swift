/// Per-unit scores of one hidden layer for a set of rows (the result of `LayerAttributor`).
///
/// `scores` of a row has one value per unit of the layer's output, flattened row-major (CHW for convolutional
/// layers). For a layer whose output is `[C, H, W]`, `channel_map` is the channel-summed map at the layer's spatial
/// resolution (`H·W` values, Σ_c score[c, h, w]) and `channel_sums` the per-channel totals (`C` values,
/// Σ_{h,w} score[c, h, w]); both are nil for flat layers.
public struct LayerAttribution: Codable, Sendable, Equatable {
    /// The scores of one explained row.
    public struct Row: Codable, Sendable, Equatable {
        /// The 0-based row index in the input.
        public var row: Int
        /// The explained output (nil for `activation`, which needs none).
        public var target: Int?
        /// The explained output's name.
        public var targetName: String?
        /// f(x) for the target (nil for `activation`).
        public var prediction: Double?
        /// f(x') averaged over the baselines (`conductance` only).
        public var baseValue: Double?
        /// One score per unit of the layer.
        public var scores: [Double]
        /// Σ_c scores over channels, `H·W` values, for `[C, H, W]` layers.
        public var channelMap: [Double]?
        /// Σ_{h,w} scores per channel, `C` values, for `[C, H, W]` layers.
        public var channelSums: [Double]?
        /// Σ scores − (f(x) − f(x')) (`conductance` only; ≈ 0 up to quadrature error).
        public var completenessGap: Double?

        public init(row: Int, target: Int? = nil, targetName: String? = nil, prediction: Double? = nil,
                    baseValue: Double? = nil, scores: [Double], channelMap: [Double]? = nil,
                    channelSums: [Double]? = nil, completenessGap: Double? = nil) {
            self.row = row
            self.target = target
            self.targetName = targetName
            self.prediction = prediction
            self.baseValue = baseValue
            self.scores = scores
            self.channelMap = channelMap
            self.channelSums = channelSums
            self.completenessGap = completenessGap
        }

        enum CodingKeys: String, CodingKey {
            case row, target, prediction, scores
            case targetName = "target_name", baseValue = "base_value", channelMap = "channel_map"
            case channelSums = "channel_sums", completenessGap = "completeness_gap"
        }
    }

    /// The layer's name in the model.
    public var layer: String
    /// The layer's output shape for one row (`[units]` or `[C, H, W]`).
    public var shape: [Int]
    /// `activation`, `gradient-x-activation` or `conductance`.
    public var method: String
    /// The method's parameters with CLI spellings.
    public var parameters: [String: String]
    /// One entry per explained row.
    public var rows: [Row]

    public init(layer: String, shape: [Int], method: String, parameters: [String: String], rows: [Row]) {
        self.layer = layer
        self.shape = shape
        self.method = method
        self.parameters = parameters
        self.rows = rows
    }

    /// The channel-summed map and per-channel sums of `scores` for a `[C, H, W]` shape, or nils for other shapes.
    static func channelSummaries(_ scores: [Double], shape: [Int]) -> (map: [Double]?, sums: [Double]?) {
        guard shape.count == 3 else { return (nil, nil) }
        let c = shape[0], plane = shape[1] * shape[2]
        var map = [Double](repeating: 0, count: plane)
        var sums = [Double](repeating: 0, count: c)
        for ch in 0..<c {
            for p in 0..<plane {
                let v = scores[ch * plane + p]
                map[p] += v
                sums[ch] += v
            }
        }
        return (map, sums)
    }
}
