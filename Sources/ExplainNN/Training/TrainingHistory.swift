/// What the trainer recorded, epoch by epoch: losses, accuracies and per-layer diagnostics.
///
/// Saved next to the model as `<model>.history.json`, so reports can plot it.
public struct TrainingHistory: Codable, Sendable, Equatable {
    /// Per-layer statistics for one epoch.
    public struct LayerEpoch: Codable, Sendable, Equatable {
        public var layer: String
        /// Mean and standard deviation of the layer's activations over the epoch's training batches.
        public var activationMean: Double
        public var activationStd: Double
        /// Percentiles 5, 25, 50, 75 and 95 of the activations (from the histogram).
        public var activationPercentiles: [Double]
        /// Fixed-bin histogram of activations: `histogramEdges.count == histogramCounts.count + 1`.
        public var histogramEdges: [Double]
        public var histogramCounts: [Int]
        /// The fraction of ReLU units that were zero for every example of the epoch (nil for other layers).
        public var deadFraction: Double?
        /// The L2 norm of the parameter gradient (nil for layers without parameters).
        public var gradientNorm: Double?
        /// ‖update‖ / ‖weights‖ for the epoch's last step (nil for layers without parameters).
        public var updateRatio: Double?
        /// The smallest and largest activation of the epoch (nil in histories written without them).
        public var activationMin: Double?
        public var activationMax: Double?

        public init(layer: String, activationMean: Double, activationStd: Double, activationPercentiles: [Double],
                    histogramEdges: [Double], histogramCounts: [Int], deadFraction: Double?, gradientNorm: Double?,
                    updateRatio: Double?, activationMin: Double? = nil, activationMax: Double? = nil) {
            self.layer = layer
            self.activationMean = activationMean
            self.activationStd = activationStd
            self.activationPercentiles = activationPercentiles
            self.histogramEdges = histogramEdges
            self.histogramCounts = histogramCounts
            self.deadFraction = deadFraction
            self.gradientNorm = gradientNorm
            self.updateRatio = updateRatio
            self.activationMin = activationMin
            self.activationMax = activationMax
        }

        enum CodingKeys: String, CodingKey {
            case layer
            case activationMean = "activation_mean", activationStd = "activation_std"
            case activationPercentiles = "activation_percentiles"
            case histogramEdges = "histogram_edges", histogramCounts = "histogram_counts"
            case deadFraction = "dead_fraction", gradientNorm = "gradient_norm", updateRatio = "update_ratio"
            case activationMin = "activation_min", activationMax = "activation_max"
        }
    }

    /// One epoch's record.
    public struct Epoch: Codable, Sendable, Equatable {
        public var epoch: Int
        public var trainLoss: Double
        public var trainAccuracy: Double?
        public var validationLoss: Double?
        public var validationAccuracy: Double?
        public var learningRate: Double
        public var layers: [LayerEpoch]

        public init(epoch: Int, trainLoss: Double, trainAccuracy: Double?, validationLoss: Double?,
                    validationAccuracy: Double?, learningRate: Double, layers: [LayerEpoch]) {
            self.epoch = epoch
            self.trainLoss = trainLoss
            self.trainAccuracy = trainAccuracy
            self.validationLoss = validationLoss
            self.validationAccuracy = validationAccuracy
            self.learningRate = learningRate
            self.layers = layers
        }

        enum CodingKeys: String, CodingKey {
            case epoch, layers
            case trainLoss = "train_loss", trainAccuracy = "train_accuracy"
            case validationLoss = "validation_loss", validationAccuracy = "validation_accuracy"
            case learningRate = "learning_rate"
        }
    }

    public var epochs: [Epoch]
    /// The epoch whose weights were kept (early stopping restores the best validation loss).
    public var bestEpoch: Int
    /// Held-out test accuracy, when a test split was evaluated.
    public var testAccuracy: Double?
    public var seed: UInt64

    public init(epochs: [Epoch], bestEpoch: Int, testAccuracy: Double?, seed: UInt64) {
        self.epochs = epochs
        self.bestEpoch = bestEpoch
        self.testAccuracy = testAccuracy
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case epochs, seed
        case bestEpoch = "best_epoch", testAccuracy = "test_accuracy"
    }
}
