import ExplainTensor

/// Everything that decides how a model is trained. Equal configurations and data give identical weights.
public struct TrainingConfiguration: Sendable, Equatable {
    public var loss: Loss
    public var optimizer: OptimizerKind
    /// The base learning rate η.
    public var learningRate: Double
    /// λ: L2 for SGD and Adam, decoupled for AdamW.
    public var weightDecay: Double
    public var schedule: LearningRateSchedule
    /// The maximum number of passes over the training data.
    public var epochCount: Int
    /// Rows per minibatch; the last batch of an epoch may be smaller.
    public var batchSize: Int
    /// Stop after this many epochs without a lower validation loss, keeping the best weights (nil: never stop early).
    public var patience: Int?
    /// Seeds minibatch shuffling and dropout masks.
    public var seed: UInt64
    /// Whether to record per-layer diagnostics (activation statistics, gradient norms, update ratios) each epoch.
    public var recordsDiagnostics: Bool
    /// Histogram bins per layer and epoch (even).
    public var histogramBinCount: Int

    public init(loss: Loss = .softmaxCrossEntropy, optimizer: OptimizerKind = .adam(), learningRate: Double = 1e-3,
                weightDecay: Double = 0, schedule: LearningRateSchedule = .constant, epochCount: Int = 100,
                batchSize: Int = 32, patience: Int? = nil, seed: UInt64 = 0, recordsDiagnostics: Bool = true,
                histogramBinCount: Int = 32) {
        self.loss = loss
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.epochCount = epochCount
        self.batchSize = batchSize
        self.patience = patience
        self.seed = seed
        self.recordsDiagnostics = recordsDiagnostics
        self.histogramBinCount = histogramBinCount
    }

    /// Checks every value's range.
    /// - Throws: `ExplainError(.invalidArgument)` naming the first bad setting.
    public func validate() throws(ExplainError) {
        func require(_ condition: Bool, _ message: String, _ name: String) throws(ExplainError) {
            if !condition { throw ExplainError(.invalidArgument, message, at: name) }
        }
        try require(learningRate.isFinite && learningRate > 0, "must be a positive number, got \(learningRate)", "learning rate")
        try require(weightDecay.isFinite && weightDecay >= 0, "must be zero or positive, got \(weightDecay)", "weight decay")
        try require(epochCount > 0, "must be positive, got \(epochCount)", "epochs")
        try require(batchSize > 0, "must be positive, got \(batchSize)", "batch size")
        try require((patience ?? 1) > 0, "must be positive, got \(patience ?? 0)", "patience")
        try require(histogramBinCount >= 2 && histogramBinCount % 2 == 0, "must be even and at least 2", "histogram bins")
        switch optimizer {
        case .sgd(let momentum, let nesterov):
            try require(momentum >= 0 && momentum < 1 && (!nesterov || momentum > 0), "momentum must be in [0, 1) (and positive for Nesterov)", "optimizer")
        case .adam(let b1, let b2, let eps), .adamW(let b1, let b2, let eps):
            try require((0..<1).contains(b1) && (0..<1).contains(b2) && eps > 0, "betas must be in [0, 1) and epsilon positive", "optimizer")
        }
        if case .step(let period, let factor) = schedule {
            try require(period > 0 && factor > 0 && factor.isFinite, "step schedule needs a positive period and factor", "schedule")
        }
    }
}
