import ExplainNN
import ExplainTensor
import Testing

@Suite("Early stopping")
struct EarlyStoppingTests {
    /// Training labels are noise the network memorises; validation labels follow a different rule, so the validation
    /// loss turns upward after a few epochs.
    func overfittingSetup() throws -> (model: Model, training: LabeledData, validation: LabeledData) {
        let model = try TrainFixtures.mlp(sizes: [4, 32, 3], hidden: .relu, final: Softmax(name: "softmax"), seed: 4)
        let blobs = TrainFixtures.blobs(count: 48, seed: 6)
        let noisy = LabeledData(inputs: blobs.inputs, classes: (0..<48).map { ($0 * 7 + $0 / 5) % 3 }, classCount: 3)
        return (model, noisy, TrainFixtures.blobs(count: 30, seed: 7))
    }

    @Test("training stops `patience` epochs after the best validation loss and restores that epoch's weights")
    func restoresBestWeights() throws {
        let (model, training, validation) = try overfittingSetup()
        let snapshots = ParameterLog()
        let patience = 5
        let trainer = Trainer(
            configuration: TrainingConfiguration(learningRate: 0.02, epochCount: 200, batchSize: 8, patience: patience, seed: 1),
            onEpoch: { _ in snapshots.append(model.parameters) })
        let history = try trainer.fit(model, training: training, validation: validation)
        let losses = history.epochs.compactMap(\.validationLoss)
        #expect(losses.count == history.epochs.count)
        let best = (losses.indices.min { losses[$0] < losses[$1] } ?? 0) + 1
        #expect(history.bestEpoch == best)
        #expect(history.epochs.count < 200, "the validation loss never rose for \(patience) epochs")
        #expect(history.epochs.count == best + patience)
        #expect(model.parameters == snapshots.values[best - 1])
        #expect(model.parameters != snapshots.values[history.epochs.count - 1])
        let restored = model.evaluate(validation, loss: .softmaxCrossEntropy).loss
        #expect(abs(restored - losses[best - 1]) < 1e-9)
    }

    @Test("without patience every epoch runs, and the best validation weights are still kept")
    func keepsBestWithoutPatience() throws {
        let (model, training, validation) = try overfittingSetup()
        let trainer = Trainer(configuration: TrainingConfiguration(learningRate: 0.02, epochCount: 30, batchSize: 8, seed: 1))
        let history = try trainer.fit(model, training: training, validation: validation)
        #expect(history.epochs.count == 30)
        let losses = history.epochs.compactMap(\.validationLoss)
        let best = losses.min() ?? .infinity
        #expect(abs(model.evaluate(validation, loss: .softmaxCrossEntropy).loss - best) < 1e-9)
    }

    @Test("without validation data the last epoch's weights are kept")
    func noValidation() throws {
        let (model, training, _) = try overfittingSetup()
        let trainer = Trainer(configuration: TrainingConfiguration(epochCount: 4, batchSize: 8, patience: 1, seed: 1))
        let history = try trainer.fit(model, training: training)
        #expect(history.epochs.count == 4 && history.bestEpoch == 4)
        #expect(history.epochs.allSatisfy { $0.validationLoss == nil })
    }
}

/// Parameter snapshots taken from an epoch callback.
final class ParameterLog: @unchecked Sendable {
    private(set) var values: [[[Tensor]]] = []
    func append(_ parameters: [[Tensor]]) { values.append(parameters) }
}
