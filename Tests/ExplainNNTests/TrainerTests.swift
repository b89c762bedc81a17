import ExplainNN
import ExplainTensor
import Foundation
import Testing

@Suite("Trainer")
struct TrainerTests {
    @Test("a 2-4-1 tanh/sigmoid network learns XOR to 100% accuracy from a fixed seed")
    func xor() throws {
        let model = try TrainFixtures.mlp(sizes: [2, 4, 1], hidden: .tanh, final: Activation(name: "sigmoid", kind: .sigmoid), seed: 1)
        let data = TrainFixtures.xor
        let trainer = Trainer(configuration: TrainingConfiguration(
            loss: .binaryCrossEntropy, optimizer: .adam(), learningRate: 0.05, epochCount: 300, batchSize: 4, seed: 7))
        let history = try trainer.fit(model, training: data)
        #expect(model.evaluate(data, loss: .binaryCrossEntropy).accuracy == 1)
        #expect(history.epochs.last?.trainAccuracy == 1)
        let outputs = model.forward(data.inputs).scalars
        #expect(outputs[0] < 0.2 && outputs[3] < 0.2 && outputs[1] > 0.8 && outputs[2] > 0.8, "\(outputs)")
    }

    @Test("SGD with Nesterov momentum also solves XOR, and the training loss falls")
    func xorWithSGD() throws {
        let model = try TrainFixtures.mlp(sizes: [2, 4, 1], hidden: .tanh, final: Activation(name: "sigmoid", kind: .sigmoid), seed: 1)
        let trainer = Trainer(configuration: TrainingConfiguration(
            loss: .binaryCrossEntropy, optimizer: .sgd(momentum: 0.9, nesterov: true), learningRate: 0.2,
            epochCount: 400, batchSize: 2, seed: 3))
        let history = try trainer.fit(model, training: TrainFixtures.xor)
        #expect(model.evaluate(TrainFixtures.xor, loss: .binaryCrossEntropy).accuracy == 1)
        #expect((history.epochs.last?.trainLoss ?? 1) < (history.epochs.first?.trainLoss ?? 0))
    }

    @Test("training fires the model's forward and backward hooks once per minibatch, and the callbacks run")
    func hooksAndCallbacks() throws {
        let model = try TrainFixtures.mlp(sizes: [2, 4, 1], hidden: .tanh, final: Activation(name: "sigmoid", kind: .sigmoid), seed: 1)
        let forward = Counter(), backward = Counter(), inference = Counter()
        let batches = Counter(), epochs = Counter()
        var trainer = Trainer(configuration: TrainingConfiguration(loss: .binaryCrossEntropy, epochCount: 5, batchSize: 3, seed: 1))
        trainer.onBatch = { progress in
            batches.increment()
            #expect(progress.batchCount == 2 && (1...2).contains(progress.batch))
        }
        trainer.onEpoch = { record in
            epochs.increment()
            #expect(record.epoch == epochs.value)
        }
        try model.withHooks(
            forward: [("dense0", { event in event.mode.isTraining ? forward.increment() : inference.increment() })],
            backward: [("dense0", { _ in backward.increment() })]
        ) {
            _ = try trainer.fit(model, training: TrainFixtures.xor, validation: TrainFixtures.xor)
        }
        // 4 rows in batches of 3: two batches per epoch, five epochs; one validation pass per epoch.
        #expect(forward.value == 10 && backward.value == 10 && inference.value == 5)
        #expect(batches.value == 10 && epochs.value == 5)
        #expect(model.hookCount == 0)
    }

    @Test("the same seed gives identical weights and history; another seed gives different weights")
    func determinism() throws {
        func train(seed: UInt64) throws -> (parameters: [[Tensor]], history: Data) {
            let model = try TrainFixtures.mlp(sizes: [4, 8, 3], hidden: .relu, final: Softmax(name: "softmax"), seed: seed)
            let data = TrainFixtures.blobs(count: 60, seed: 2)
            let trainer = Trainer(configuration: TrainingConfiguration(
                epochCount: 5, batchSize: 8, patience: 3, seed: seed))
            let history = try trainer.fit(model, training: data, validation: TrainFixtures.blobs(count: 20, seed: 3))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return (model.parameters, try encoder.encode(history))
        }
        let a = try train(seed: 42), b = try train(seed: 42), c = try train(seed: 43)
        #expect(a.parameters == b.parameters)
        #expect(a.history == b.history)
        #expect(a.parameters != c.parameters)
    }

    @Test("a batch size beyond the data (up to Int.max) trains on the whole data as one batch")
    func oversizedBatch() throws {
        func train(batchSize: Int) throws -> [[Tensor]] {
            let model = try TrainFixtures.mlp(sizes: [4, 8, 3], hidden: .relu, final: Softmax(name: "softmax"), seed: 4)
            let trainer = Trainer(configuration: TrainingConfiguration(epochCount: 3, batchSize: batchSize, seed: 4))
            _ = try trainer.fit(model, training: TrainFixtures.blobs(count: 30, seed: 2), validation: nil)
            return model.parameters
        }
        let whole = try train(batchSize: 30)
        #expect(try train(batchSize: Int.max) == whole)
        #expect(try train(batchSize: 31) == whole)
        #expect(try train(batchSize: 10) != whole)
    }

    @Test("dropout is active in training only: its hook sees zeros in training mode and the identity at inference")
    func dropoutInTraining() throws {
        let layers: [any Layer] = [
            Dense(name: "dense0", weight: Tensor(shape: [16, 2]), bias: Tensor(shape: [16])),
            Activation(name: "relu1", kind: .relu), Dropout(name: "dropout2", p: 0.5),
            Dense(name: "dense3", weight: Tensor(shape: [1, 16]), bias: Tensor(shape: [1])),
        ]
        let model = try Model(name: "d", inputShape: [2], featureNames: ["a", "b"], outputNames: ["y"], layers: layers)
        model.initializeParameters(seed: 1)
        let dropped = Counter(), kept = Counter()
        let trainer = Trainer(configuration: TrainingConfiguration(loss: .meanSquaredError, epochCount: 1, batchSize: 4, seed: 1))
        let data = LabeledData(inputs: Tensor(rows: [[1, 1], [2, 2], [3, 3], [4, 4]]), targets: Tensor(rows: [[1], [2], [3], [4]]))
        try model.withHooks(forward: [("dropout2", { event in
            guard event.mode.isTraining else { #expect(event.input == event.output); return }
            for (x, y) in zip(event.input.scalars, event.output.scalars) where x != 0 {
                if y == 0 { dropped.increment() } else { kept.increment(); #expect(abs(y - 2 * x) < 1e-6) }
            }
        })]) {
            _ = try trainer.fit(model, training: data, validation: data)
        }
        #expect(dropped.value > 0 && kept.value > 0)
    }

    @Test("bad configurations and data that do not fit the model are errors, not crashes")
    func validation() throws {
        let model = try TrainFixtures.mlp(sizes: [2, 3], hidden: .tanh, final: Softmax(name: "s"), seed: 1)
        let data = LabeledData(inputs: Tensor(rows: [[0, 1]]), classes: [2], classCount: 3)
        #expect(throws: ExplainError.self) { try Trainer(configuration: .init(learningRate: -1)).fit(model, training: data) }
        #expect(throws: ExplainError.self) { try Trainer(configuration: .init(batchSize: 0)).fit(model, training: data) }
        let narrow = LabeledData(inputs: Tensor(rows: [[0]]), classes: [0], classCount: 3)
        #expect(throws: ExplainError.self) { try Trainer().fit(model, training: narrow) }
        let wrongTargets = LabeledData(inputs: Tensor(rows: [[0, 1]]), classes: [1], classCount: 2)
        #expect(throws: ExplainError.self) { try Trainer().fit(model, training: wrongTargets) }
        let linear = try TrainFixtures.mlp(sizes: [2, 1], hidden: .tanh, final: nil, seed: 1)
        let diverging = Trainer(configuration: .init(loss: .meanSquaredError, optimizer: .sgd(momentum: 0), learningRate: 1e30, epochCount: 3))
        let regression = LabeledData(inputs: Tensor(rows: [[1e3, 1e3]]), targets: Tensor(rows: [[1]]))
        #expect(throws: ExplainError.self) { try diverging.fit(linear, training: regression) }
    }
}

/// A thread-safe counter for hooks and callbacks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// Small models and data sets shared by the training tests.
enum TrainFixtures {
    /// Dense layers of `sizes` with `hidden` activations between them, then `final`, initialised from `seed`.
    static func mlp(sizes: [Int], hidden: Activation.Kind, final: (any Layer)?, seed: UInt64) throws -> Model {
        var layers: [any Layer] = []
        for i in 0..<(sizes.count - 1) {
            layers.append(Dense(name: "dense\(layers.count)", weight: Tensor(shape: [sizes[i + 1], sizes[i]]),
                                bias: Tensor(shape: [sizes[i + 1]])))
            if i < sizes.count - 2 { layers.append(Activation(name: "\(hidden.typeName)\(layers.count)", kind: hidden)) }
        }
        if var final {
            final.name = "\(final.type)\(layers.count)"
            layers.append(final)
        }
        let model = try Model(name: "test", inputShape: [sizes[0]], featureNames: (0..<sizes[0]).map { "x\($0)" },
                              outputNames: (0..<(sizes.last ?? 1)).map { "y\($0)" }, layers: layers)
        model.initializeParameters(seed: seed)
        return model
    }

    static func randomRows(_ count: Int, width: Int, seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: [count, width], scalars: (0..<(count * width)).map { _ in Float(rng.nextNormal()) })
    }

    static let xor = LabeledData(inputs: Tensor(rows: [[0, 0], [0, 1], [1, 0], [1, 1]]), classes: [0, 1, 1, 0], classCount: 1)

    /// Three Gaussian clusters in 4 dimensions, centred at ±2 on different axes.
    static func blobs(count: Int, seed: UInt64) -> LabeledData {
        var rng = SplitMix64(seed: seed)
        let classes = (0..<count).map { $0 % 3 }
        var rows: [[Float]] = []
        for c in classes {
            var row = (0..<4).map { _ in Float(rng.nextNormal()) }
            row[c] += 2
            row[3] -= Float(c)
            rows.append(row)
        }
        return LabeledData(inputs: Tensor(rows: rows), classes: classes, classCount: 3)
    }

    /// Checks every parameter's loss gradient against central differences (step 1e-2, Float32 forward passes).
    static func expectGradientsMatchFiniteDifferences(_ model: Model, _ x: Tensor, _ targets: Tensor, _ loss: Loss) {
        let gradients = model.lossAndGradients(x, targets: targets, loss: loss).gradients.parameters
        let original = model.parameters
        let h: Float = 1e-2
        var checked = 0
        for l in original.indices {
            for p in original[l].indices {
                for i in original[l][p].scalars.indices {
                    var shifted = original
                    shifted[l][p].scalars[i] += h
                    model.setParameters(shifted)
                    let plus = model.lossAndGradients(x, targets: targets, loss: loss).value
                    shifted[l][p].scalars[i] -= 2 * h
                    model.setParameters(shifted)
                    let minus = model.lossAndGradients(x, targets: targets, loss: loss).value
                    let numeric = (plus - minus) / Double(2 * h)
                    let analytic = Double(gradients[l][p].scalars[i])
                    #expect(abs(numeric - analytic) <= 1e-3 + 1e-2 * abs(numeric), "layer \(l) parameter \(p)[\(i)]: \(analytic) vs \(numeric)")
                    checked += 1
                }
            }
        }
        model.setParameters(original)
        #expect(checked == model.parameterCount)
    }
}
