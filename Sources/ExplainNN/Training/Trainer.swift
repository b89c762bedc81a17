import ExplainTensor

/// Progress after one minibatch, for `Trainer.onBatch`.
public struct BatchProgress: Sendable, Equatable {
    /// 1-based epoch.
    public var epoch: Int
    /// 1-based batch within the epoch.
    public var batch: Int
    public var batchCount: Int
    /// The batch's mean loss.
    public var loss: Double
}

/// Fits a model's parameters by minibatch gradient descent, recording a `TrainingHistory`.
///
/// Each epoch shuffles the training rows with a generator derived from the seed and the epoch, runs every minibatch
/// forward in training mode (dropout active, its masks seeded per batch) through the model's own forward and pullback
/// APIs — so the model's forward and backward hooks fire — and takes one optimizer step per batch. With validation
/// data, each epoch ends with an inference pass over it, and at the end the weights of the epoch with the lowest
/// validation loss are restored; with `patience`, training also stops once the validation loss has not improved for
/// that many epochs. Without validation data the last epoch's weights are kept.
///
/// `fit` does not initialise the weights: build the model with `NetworkBuilder`, or call `initializeParameters(seed:)`.
public struct Trainer {
    public var configuration: TrainingConfiguration
    /// Called after every epoch with its record.
    public var onEpoch: ((TrainingHistory.Epoch) -> Void)?
    /// Called after every minibatch.
    public var onBatch: ((BatchProgress) -> Void)?

    public init(configuration: TrainingConfiguration = TrainingConfiguration(),
                onEpoch: ((TrainingHistory.Epoch) -> Void)? = nil, onBatch: ((BatchProgress) -> Void)? = nil) {
        self.configuration = configuration
        self.onEpoch = onEpoch
        self.onBatch = onBatch
    }

    /// Trains `model` in place and returns what happened, epoch by epoch.
    ///
    /// - Throws: `ExplainError(.invalidArgument)` for a bad configuration or data that does not fit the model;
    ///   `ExplainError(.numerical)` when the loss stops being finite.
    /// - Complexity: `epochCount · ⌈N / batchSize⌉` forward and backward passes, plus one inference pass over the
    ///   validation rows per epoch.
    public func fit(_ model: Model, training: LabeledData, validation: LabeledData? = nil) throws(ExplainError) -> TrainingHistory {
        let config = configuration
        try config.validate()
        try check(training, for: model, name: "training data")
        if let validation { try check(validation, for: model, name: "validation data") }

        let diagnostics = config.recordsDiagnostics ? TrainingDiagnostics(model: model, binCount: config.histogramBinCount) : nil
        var handles: [HookHandle] = []
        defer { handles.forEach { $0.remove() } }
        for (layer, hook) in diagnostics?.forwardHooks ?? [] { handles.append(try model.registerForwardHook(at: layer, hook)) }

        var optimizer = config.optimizer.make(weightDecay: Float(config.weightDecay))
        let root = SplitMix64(seed: config.seed)
        let shuffleRoot = root.derived(1), dropoutRoot = root.derived(2)
        let n = training.count
        // A batch larger than the data is the whole data (as PyTorch's DataLoader does); this also keeps n + size − 1
        // from overflowing.
        let batchSize = max(1, min(config.batchSize, n))
        let batchCount = (n + batchSize - 1) / batchSize
        let sampleShape = model.inputShape

        var epochs: [TrainingHistory.Epoch] = []
        var best: (loss: Double, epoch: Int, parameters: [[Tensor]])?
        var epochsSinceBest = 0
        for epoch in 0..<config.epochCount {
            let rate = config.schedule.rate(base: config.learningRate, epoch: epoch, epochCount: config.epochCount)
            var order = Array(0..<n)
            var shuffler = shuffleRoot.derived(UInt64(epoch))
            shuffler.shuffle(&order)
            let epochDropout = dropoutRoot.derived(UInt64(epoch))
            var lossSum = 0.0, correct = 0
            for b in 0..<batchCount {
                let rows = Array(order[(b * batchSize)..<min((b + 1) * batchSize, n)])
                let x = training.inputs.gathering(rows: rows)
                let targets = training.targets.gathering(rows: rows)
                var dropout = epochDropout.derived(UInt64(b))
                let (value, predictions, gradients) = model.lossAndGradients(
                    x.reshaped([rows.count] + sampleShape), targets: targets, loss: config.loss,
                    mode: .training(seed: dropout.next()), computesInputGradient: false)
                guard value.isFinite else {
                    let advice = config.weightDecay > 0 ? "a lower learning rate or weight decay" : "a lower learning rate"
                    throw ExplainError(.numerical, "the training loss became \(value) in epoch \(epoch + 1); try \(advice)")
                }
                lossSum += value * Double(rows.count)
                correct += Model.correctCount(predictions, targets: targets, loss: config.loss) ?? 0
                diagnostics?.recordGradients(gradients.parameters)
                let before = b == batchCount - 1 && diagnostics != nil ? model.parameters : []
                model.updateParameters { optimizer.step(&$0, gradients: gradients.parameters, learningRate: Float(rate)) }
                if !before.isEmpty { diagnostics?.recordUpdate(before: before, after: model.parameters) }
                onBatch?(BatchProgress(epoch: epoch + 1, batch: b + 1, batchCount: batchCount, loss: value))
            }
            let validationResult = validation.map { model.evaluate($0, loss: config.loss) }
            let record = TrainingHistory.Epoch(
                epoch: epoch + 1, trainLoss: lossSum / Double(n),
                trainAccuracy: config.loss.readsLogits ? Double(correct) / Double(n) : nil,
                validationLoss: validationResult?.loss, validationAccuracy: validationResult?.accuracy,
                learningRate: rate, layers: diagnostics?.finishEpoch() ?? [])
            epochs.append(record)
            onEpoch?(record)
            guard let validationLoss = validationResult?.loss else { continue }
            if best == nil || validationLoss < best?.loss ?? .infinity {
                best = (validationLoss, epoch + 1, model.parameters)
                epochsSinceBest = 0
            } else {
                epochsSinceBest += 1
                if let patience = config.patience, epochsSinceBest >= patience { break }
            }
        }
        if let best { model.setParameters(best.parameters) }
        return TrainingHistory(epochs: epochs, bestEpoch: best?.epoch ?? epochs.count, testAccuracy: nil, seed: config.seed)
    }

    private func check(_ data: LabeledData, for model: Model, name: String) throws(ExplainError) {
        guard data.count > 0 else { throw ExplainError(.invalidArgument, "has no rows", at: name) }
        guard data.inputs.sampleCount == model.inputWidth else {
            throw ExplainError(.invalidArgument, "rows have \(data.inputs.sampleCount) values, the model takes \(model.inputWidth)", at: name)
        }
        let head = model.lossInputLayerCount(for: configuration.loss)
        let width = head == 0 ? model.inputWidth : model.layerShapes[head - 1].reduce(1, *)
        guard data.targets.sampleCount == width else {
            throw ExplainError(.invalidArgument, "targets have \(data.targets.sampleCount) values per row, the loss reads \(width)", at: name)
        }
        guard data.inputs.isFinite, data.targets.isFinite else {
            throw ExplainError(.invalidArgument, "contains a value that is not a finite number", at: name)
        }
    }
}
