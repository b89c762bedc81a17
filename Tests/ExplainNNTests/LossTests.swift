import ExplainNN
import ExplainTensor
import Testing

@Suite("Losses")
struct LossTests {
    @Test("softmax cross-entropy equals log-sum-exp minus the target logit, with gradient softmax − onehot over N")
    func crossEntropyClosedForm() {
        let z = Tensor(rows: [[1, 2, 3], [0.5, -1, 0]])
        let t = Tensor(rows: [[0, 0, 1], [1, 0, 0]])
        let (value, gradient) = Loss.softmaxCrossEntropy.evaluate(z, targets: t)
        var expected = 0.0
        for r in 0..<2 {
            let row = z.row(r).map(Double.init)
            let lse = row.map { Math.exp($0) }.reduce(0, +)
            let target = t.row(r).firstIndex(of: 1) ?? 0
            expected += Math.log(lse) - row[target]
            for j in 0..<3 {
                let p = Math.exp(row[j]) / lse
                #expect(abs(Double(gradient.scalars[r * 3 + j]) - (p - Double(t.scalars[r * 3 + j])) / 2) < 1e-6)
            }
        }
        #expect(abs(value - expected / 2) < 1e-6)
    }

    @Test("the fused losses stay finite and exact for logits far beyond exp's range")
    func stability() {
        let z = Tensor(rows: [[1000, -1000]])
        let ce = Loss.softmaxCrossEntropy.evaluate(z, targets: Tensor(rows: [[0, 1]]))
        #expect(abs(ce.value - 2000) < 1e-3)
        #expect(ce.gradient.scalars == [1, -1])
        let bce = Loss.binaryCrossEntropy.evaluate(Tensor(rows: [[-500], [500]]), targets: Tensor(rows: [[1], [1]]))
        #expect(abs(bce.value - 250) < 1e-3)
        #expect(bce.gradient.isFinite)
    }

    @Test("mean squared error averages over every output, like PyTorch MSELoss")
    func meanSquaredError() {
        let (value, gradient) = Loss.meanSquaredError.evaluate(Tensor(rows: [[1, 2], [3, 5]]), targets: Tensor(rows: [[0, 2], [3, 3]]))
        #expect(abs(value - (1 + 0 + 0 + 4) / 4.0) < 1e-9)
        #expect(gradient.scalars == [0.5, 0, 0, 1])
    }

    @Test("binary cross-entropy equals −[t log σ(z) + (1 − t) log(1 − σ(z))]")
    func binaryCrossEntropy() {
        let z: [Float] = [0.3, -1.2, 2.0], t: [Float] = [1, 0, 1]
        let (value, _) = Loss.binaryCrossEntropy.evaluate(Tensor(shape: [3, 1], scalars: z), targets: Tensor(shape: [3, 1], scalars: t))
        let expected = zip(z, t).map { z, t -> Double in
            let s = 1 / (1 + Math.exp(-Double(z)))
            return -(Double(t) * Math.log(s) + (1 - Double(t)) * Math.log(1 - s))
        }.reduce(0, +) / 3
        #expect(abs(value - expected) < 1e-6)
    }

    @Test("loss gradients with respect to every parameter match central finite differences", arguments: Loss.allCases)
    func parameterGradients(loss: Loss) throws {
        let final: (any Layer)? = switch loss {
        case .softmaxCrossEntropy: Softmax(name: "softmax4")
        case .binaryCrossEntropy: Activation(name: "sigmoid4", kind: .sigmoid)
        case .meanSquaredError: nil
        }
        let outputs = loss == .softmaxCrossEntropy ? 3 : 2
        let model = try TrainFixtures.mlp(sizes: [3, 5, 4, outputs], hidden: .tanh, final: final, seed: 11)
        let x = TrainFixtures.randomRows(6, width: 3, seed: 5)
        var rng = SplitMix64(seed: 9)
        let targets: Tensor = switch loss {
        case .softmaxCrossEntropy: LabeledData(inputs: x, classes: (0..<6).map { $0 % 3 }, classCount: 3).targets
        case .binaryCrossEntropy: Tensor(shape: [6, 2], scalars: (0..<12).map { Float($0 % 2) })
        case .meanSquaredError: Tensor(shape: [6, 2], scalars: (0..<12).map { _ in Float(rng.nextNormal()) })
        }
        TrainFixtures.expectGradientsMatchFiniteDifferences(model, x, targets, loss)
    }

    @Test("cross-entropy gradients through conv, max-pool and flatten match finite differences")
    func convolutionalGradients() throws {
        let layers: [any Layer] = [
            Conv2D(name: "conv0", weight: Tensor(shape: [2, 1, 3, 3]), bias: Tensor(shape: [2]), padding: 1),
            Activation(name: "tanh1", kind: .tanh),
            Pool2D(name: "pool2", reduction: .average, kernel: 2),
            Flatten(name: "flatten3"),
            Dense(name: "dense4", weight: Tensor(shape: [3, 8]), bias: Tensor(shape: [3])),
            Softmax(name: "softmax5"),
        ]
        let model = try Model(name: "cnn", inputShape: [1, 4, 4], featureNames: (0..<16).map { "px\($0)" },
                              outputNames: ["a", "b", "c"], layers: layers)
        model.initializeParameters(seed: 3)
        let x = TrainFixtures.randomRows(4, width: 16, seed: 8)
        let targets = LabeledData(inputs: x, classes: [0, 1, 2, 1], classCount: 3).targets
        TrainFixtures.expectGradientsMatchFiniteDifferences(model, x, targets, .softmaxCrossEntropy)
    }

    @Test("models ending in softmax or sigmoid are trained on their logits")
    func fusedHead() throws {
        let softmaxModel = try TrainFixtures.mlp(sizes: [2, 3], hidden: .tanh, final: Softmax(name: "s"), seed: 1)
        #expect(softmaxModel.lossInputLayerCount(for: .softmaxCrossEntropy) == softmaxModel.layers.count - 1)
        #expect(softmaxModel.lossInputLayerCount(for: .meanSquaredError) == softmaxModel.layers.count)
        let sigmoidModel = try TrainFixtures.mlp(sizes: [2, 1], hidden: .tanh, final: Activation(name: "s", kind: .sigmoid), seed: 1)
        #expect(sigmoidModel.lossInputLayerCount(for: .binaryCrossEntropy) == sigmoidModel.layers.count - 1)
        #expect(sigmoidModel.lossInputLayerCount(for: .softmaxCrossEntropy) == sigmoidModel.layers.count)
    }
}
