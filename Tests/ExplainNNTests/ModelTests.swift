import ExplainKit
import Testing
import TestSupport

/// A small CNN and MLP used by several suites.
enum Fixtures {
    static func cnn(seed: UInt64 = 1) throws -> Model {
        func r(_ s: [Int], _ k: UInt64) -> Tensor { FiniteDifferences.randomTensor(shape: s, seed: seed &+ k, scale: 0.4) }
        return try Model(
            name: "cnn", inputShape: [1, 6, 6], featureNames: (0..<36).map { "px\($0)" }, outputNames: ["a", "b", "c"],
            layers: [
                Conv2D(name: "conv1", weight: r([2, 1, 3, 3], 1), bias: r([2], 2), stride: 1, padding: 1),
                Activation(name: "act1", kind: .tanh),
                Pool2D(name: "pool1", reduction: .average, kernel: 2),
                Conv2D(name: "conv2", weight: r([3, 2, 2, 2], 3), bias: r([3], 4), stride: 2, padding: 1),
                Activation(name: "act2", kind: .sigmoid),
                Flatten(name: "flat"),
                Dense(name: "fc", weight: r([3, 12], 5), bias: r([3], 6)),
                Softmax(name: "softmax"),
            ])
    }

    static func mlp(seed: UInt64 = 2) throws -> Model {
        func r(_ s: [Int], _ k: UInt64) -> Tensor { FiniteDifferences.randomTensor(shape: s, seed: seed &+ k, scale: 0.5) }
        return try Model(
            name: "mlp", inputShape: [4], featureNames: ["a", "b", "c", "d"], outputNames: ["y0", "y1"],
            layers: [
                Standardize(name: "z", mean: [0.5, -1, 0, 2], std: [1.5, 0.5, 2, 1]),
                Dense(name: "fc1", weight: r([5, 4], 1), bias: r([5], 2)),
                Activation(name: "tanh1", kind: .tanh),
                Dense(name: "fc2", weight: r([2, 5], 3), bias: r([2], 4)),
                Softmax(name: "softmax"),
            ])
    }
}

@Suite("Model forward, shapes and whole-network gradients")
struct ModelTests {
    @Test("a tiny network's outputs, worked out by hand")
    func handComputed() throws {
        // x = (1, 2): standardize with mean (1, 0), std (1, 2) -> (0, 1)
        // dense W = [[1, -1], [2, 0.5]], b = (0.5, -1) -> (0·1 + 1·(−1) + 0.5, 0·2 + 1·0.5 − 1) = (−0.5, −0.5)
        // leaky relu 0.1 -> (−0.05, −0.05); dense [[2, 4]], b = 1 -> 1 − 0.1 − 0.2 = 0.7
        let model = try Model(
            name: "tiny", inputShape: [2], featureNames: ["p", "q"], outputNames: ["y"],
            layers: [
                Standardize(name: "z", mean: [1, 0], std: [1, 2]),
                Dense(name: "fc1", weight: Tensor(shape: [2, 2], scalars: [1, -1, 2, 0.5]), bias: Tensor(shape: [2], scalars: [0.5, -1])),
                Activation(name: "act", kind: .leakyReLU(slope: 0.1)),
                Dense(name: "fc2", weight: Tensor(shape: [1, 2], scalars: [2, 4]), bias: Tensor(shape: [1], scalars: [1])),
            ])
        let y = model.forward(Tensor(rows: [[1, 2], [1, 0]]))
        // Second row: z = (0, 0) -> fc1 (0.5, −1) -> (0.5, −0.1) -> 1 + 1 − 0.4 = 1.6
        #expect(abs(y.scalars[0] - 0.7) < 1e-6)
        #expect(abs(y.scalars[1] - 1.6) < 1e-6)
        #expect(y.shape == [2, 1])
    }

    @Test("softmax outputs of a stable softmax sum to 1 even for huge logits")
    func stableSoftmax() {
        let y = Softmax.apply(Tensor(rows: [[1000, 1001, 999], [-1000, -1000, -1000]]))
        #expect(y.isFinite)
        #expect(abs(y.scalars[0...2].reduce(0, +) - 1) < 1e-6)
        #expect(abs(y.scalars[3] - 1.0 / 3) < 1e-6)
    }

    @Test("shape inference gives each layer's output shape")
    func shapes() throws {
        let model = try Fixtures.cnn()
        #expect(model.layerShapes[0] == [2, 6, 6])
        #expect(model.layerShapes[2] == [2, 3, 3])
        #expect(model.layerShapes[3] == [3, 2, 2])
        #expect(model.layerShapes.last == [3])
    }

    @Test("whole-model input gradient matches finite differences", arguments: ["mlp", "cnn"])
    func wholeModelInputGradient(kind: String) throws {
        let model = kind == "mlp" ? try Fixtures.mlp() : try Fixtures.cnn()
        let x = FiniteDifferences.randomTensor(shape: [3, model.inputWidth], seed: 21)
        let targets = [0, 1, model.outputCount - 1]
        let (_, g) = model.inputGradient(x, targets: targets)
        let numeric = FiniteDifferences.gradient(of: { xs in
            let y = model.forward(xs)
            return targets.enumerated().reduce(0.0) { $0 + Double(y.scalars[$1.offset * model.outputCount + $1.element]) }
        }, at: x)
        #expect(FiniteDifferences.relativeError(g.scalars, numeric) < 2e-3)
    }

    @Test("whole-model parameter gradients match finite differences")
    func wholeModelParameters() throws {
        let model = try Fixtures.cnn()
        let x = FiniteDifferences.randomTensor(shape: [2, model.inputWidth], seed: 22)
        let seed = FiniteDifferences.randomTensor(shape: [2, 3], seed: 23)
        let grads = model.forwardWithPullback(x).pullback(seed).parameters
        let original = model.parameters
        for (i, params) in original.enumerated() {
            for (k, p) in params.enumerated() {
                let numeric = FiniteDifferences.gradient(of: { value in
                    var ps = original
                    ps[i][k] = value
                    model.setParameters(ps)
                    defer { model.setParameters(original) }
                    return FiniteDifferences.weightedSum(model.forward(x), seed)
                }, at: p)
                #expect(FiniteDifferences.relativeError(grads[i][k].scalars, numeric) < 2e-3, "layer \(i) param \(k)")
            }
        }
    }

    @Test("construction errors name the layer")
    func constructionErrors() {
        #expect(throws: ExplainError.self) {
            try Model(name: "m", inputShape: [3], featureNames: ["a", "b", "c"], outputNames: ["y"],
                      layers: [Dense(name: "fc", weight: Tensor(shape: [1, 2], repeating: 0), bias: Tensor(shape: [1], repeating: 0))])
        }
        do {
            _ = try Model(name: "m", inputShape: [2], featureNames: ["a", "b"], outputNames: ["y"],
                          layers: [Activation(name: "x", kind: .relu), Dense(name: "x", weight: Tensor(shape: [1, 2], repeating: 0), bias: Tensor(shape: [1], repeating: 0))])
            Issue.record("expected a duplicate-name error")
        } catch {
            #expect(error.location == "layers[1].name")
            #expect(error.message.contains("duplicate"))
        }
    }
}
