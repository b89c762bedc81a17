import ExplainKit
import Testing
import TestSupport

/// A small DAG with every kind of wiring: a tensor read by three layers (fan-out), a residual sum, a product of two
/// activations, a concatenation, and a dense head.
///
/// ```
/// x ─ fc1 ─ tanh ─┬─ fc2 ─ sigmoid ─┐
///                 ├──────────────── add ─┐
///                 └──────────────── mul ─┴─ concat ─ head ─ softmax
/// ```
enum GraphModelFixture {
    static func random(_ shape: [Int], _ seed: UInt64, scale: Float = 0.6) -> Tensor {
        FiniteDifferences.randomTensor(shape: shape, seed: seed, scale: scale)
    }

    static func model(softmax: Bool = true) throws -> Model {
        var layers: [any Layer] = [
            Dense(name: "fc1", weight: random([4, 3], 1), bias: random([4], 2)),           // 1
            Activation(name: "tanh", kind: .tanh),                                        // 2
            Dense(name: "fc2", weight: random([4, 4], 3), bias: random([4], 4)),           // 3
            Activation(name: "sigmoid", kind: .sigmoid),                                  // 4
            Broadcast(name: "add", operation: .add),                                      // 5: tanh + sigmoid
            Broadcast(name: "mul", operation: .mul),                                      // 6: tanh · sigmoid
            Concat(name: "concat", axis: 0),                                              // 7: [add, mul]
            Dense(name: "head", weight: random([3, 8], 5), bias: random([3], 6)),          // 8
        ]
        var wiring: [[Int]] = [[0], [1], [2], [3], [2, 4], [2, 4], [5, 6], [7]]
        if softmax {
            layers.append(Softmax(name: "softmax"))
            wiring.append([8])
        }
        return try Model(name: "dag", inputShape: [3], featureNames: ["a", "b", "c"],
                         outputNames: ["p", "q", "r"], layers: layers, inputIDs: wiring)
    }
}

@Suite("Graph models: topological execution, summed fan-out gradients, hooks and names")
struct GraphModelTests {
    @Test("the input gradient of a DAG with fan-out matches central finite differences")
    func inputGradient() throws {
        let model = try GraphModelFixture.model()
        #expect(!model.isChain)
        let x = GraphModelFixture.random([5, 3], 9, scale: 1)
        let seed = GraphModelFixture.random([5, 3], 10, scale: 1)
        let (_, pullback) = model.forwardWithPullback(x)
        let analytic = pullback(seed).input
        let numeric = FiniteDifferences.gradient(of: { FiniteDifferences.weightedSum(model.forward($0), seed) }, at: x)
        #expect(FiniteDifferences.relativeError(analytic.scalars, numeric) < 2e-3)
    }

    @Test("every layer's parameter gradients on a DAG match central finite differences")
    func parameterGradients() throws {
        let model = try GraphModelFixture.model()
        let x = GraphModelFixture.random([4, 3], 11, scale: 1)
        let seed = GraphModelFixture.random([4, 3], 12, scale: 1)
        let analytic = model.forwardWithPullback(x).pullback(seed).parameters
        let original = model.parameters
        for (i, tensors) in original.enumerated() {
            for (p, tensor) in tensors.enumerated() {
                let numeric = FiniteDifferences.gradient(of: { value in
                    var changed = original
                    changed[i][p] = value
                    model.setParameters(changed)
                    defer { model.setParameters(original) }
                    return FiniteDifferences.weightedSum(model.forward(x), seed)
                }, at: tensor)
                #expect(FiniteDifferences.relativeError(analytic[i][p].scalars, numeric) < 2e-3, "layer \(i) parameter \(p)")
            }
        }
    }

    @Test("infer, activations and trace agree with forward; every layer's output is what its inputs give")
    func passesAgree() throws {
        let model = try GraphModelFixture.model()
        let x = GraphModelFixture.random([6, 3], 13, scale: 1)
        let y = model.forward(x)
        #expect(Closeness.maxAbsDifference(model.infer(x).scalars, y.scalars) < 1e-6)
        let acts = model.activations(x)
        #expect(Closeness.maxAbsDifference(acts[acts.count - 1].scalars, y.scalars) < 1e-7)
        let traces = model.trace(x)
        #expect(traces.map(\.inputIDs) == model.inputIDs)
        #expect(traces[4].inputs.map(\.scalars) == [acts[1].scalars, acts[3].scalars])
        let sum = zip(acts[1].scalars, acts[3].scalars).map { $0 + $1 }
        #expect(Closeness.maxAbsDifference(acts[4].scalars, sum) == 0)
    }

    @Test("hooks fire on graph layers by layer or tensor name, once per pass, with the gradient summed over readers")
    func hooks() throws {
        let model = try GraphModelFixture.model()
        let x = GraphModelFixture.random([2, 3], 14, scale: 1)
        let recorder = try ActivationRecorder(model: model, layers: ["tanh"])
        defer { recorder.remove() }
        let (_, pullback) = model.forwardWithPullback(x)
        let seed = GraphModelFixture.random([2, 3], 15, scale: 1)
        _ = pullback(seed)
        let gradient = try #require(recorder.gradients["tanh"])
        // tanh's output feeds fc2, add and mul: the hook sees the sum of the three gradients, which is what a
        // finite difference of the rest of the network at that tensor gives.
        let index = try model.layerIndex(named: "tanh")
        let pass = model.forwardWithLayerPullback(x, at: index)
        #expect(Closeness.maxAbsDifference(pass.pullback(seed).scalars, gradient.scalars) < 1e-6)
        #expect(try model.layerIndex(named: "concat") == 6)
        #expect(throws: ExplainError.self) { try model.layerIndex(named: "nope") }
    }

    @Test("a wiring that reads a later tensor, or a one-input layer given two, is a located error")
    func badWiring() throws {
        let layers: [any Layer] = [Activation(name: "a", kind: .relu), Broadcast(name: "b", operation: .add)]
        #expect(throws: ExplainError.self) {
            try Model(name: "m", inputShape: [2], featureNames: ["x", "y"], outputNames: ["p", "q"], layers: layers,
                      inputIDs: [[0], [0, 2]])
        }
        do {
            _ = try Model(name: "m", inputShape: [2], featureNames: ["x", "y"], outputNames: ["p", "q"], layers: layers,
                          inputIDs: [[0, 0], [0, 1]])
            Issue.record("expected an error")
        } catch {
            #expect(error.location == "layers[0]")
        }
    }

    @Test("a chain given explicit wiring is a chain, and runs exactly as the sequential model")
    func chainIsChain() throws {
        let layers: [any Layer] = [Dense(name: "fc", weight: GraphModelFixture.random([2, 3], 16), bias: GraphModelFixture.random([2], 17)),
                                   Activation(name: "relu", kind: .relu)]
        let wired = try Model(name: "m", inputShape: [3], featureNames: ["a", "b", "c"], outputNames: ["p", "q"],
                              layers: layers, inputIDs: [[0], [1]])
        let plain = try Model(name: "m", inputShape: [3], featureNames: ["a", "b", "c"], outputNames: ["p", "q"], layers: layers)
        #expect(wired.isChain)
        let x = GraphModelFixture.random([3, 3], 18, scale: 1)
        #expect(wired.forward(x).scalars == plain.forward(x).scalars)
    }
}

@Suite("Graph models train")
struct GraphTrainingTests {
    @Test("the trainer fits a DAG with fan-out: the training loss falls, every layer with parameters changes")
    func trains() throws {
        let model = try GraphModelFixture.model()
        var rng = SplitMix64(seed: 3)
        let n = 96
        var xs = [Float](), classes = [Int]()
        for _ in 0..<n {
            let row = (0..<3).map { _ in Float(rng.nextNormal()) }
            xs += row
            classes.append(row[0] + row[1] > 0.5 ? 0 : (row[2] > 0 ? 1 : 2))
        }
        let data = LabeledData(inputs: Tensor(shape: [n, 3], scalars: xs), classes: classes, classCount: 3)
        let before = model.parameters
        var configuration = TrainingConfiguration()
        configuration.epochCount = 40
        configuration.batchSize = 16
        let history = try Trainer(configuration: configuration).fit(model, training: data)
        let losses = history.epochs.map(\.trainLoss)
        #expect(try #require(losses.last) < 0.7 * (try #require(losses.first)))
        for (i, (a, b)) in zip(before, model.parameters).enumerated() where !a.isEmpty {
            #expect(a.map(\.scalars) != b.map(\.scalars), "layer \(i) did not change")
        }
    }
}

@Suite("Graph inference plans")
struct GraphInferencePlanTests {
    @Test("a residual block of conv → batch norm → relu: infer (norm folded into the convolution, channels-last) equals forward")
    func residualBlock() throws {
        let r = { (shape: [Int], seed: UInt64) in FiniteDifferences.randomTensor(shape: shape, seed: seed, scale: 0.5) }
        let norm = { (name: String, seed: UInt64) in
            ChannelAffine(name: name, scale: r([3], seed).scalars.map { 1 + $0 }, shift: r([3], seed + 1).scalars)
        }
        let layers: [any Layer] = [
            Conv2D(name: "stem", weight: r([3, 2, 3, 3], 1), bias: r([3], 2), stride: 1, padding: 1),   // 1
            Activation(name: "relu0", kind: .relu),                                                    // 2 (read twice)
            Conv2D(name: "c1", weight: r([3, 3, 3, 3], 3), bias: r([3], 4), stride: 1, padding: 1),     // 3
            norm("bn1", 5),                                                                            // 4
            Activation(name: "relu1", kind: .relu),                                                    // 5
            Conv2D(name: "c2", weight: r([3, 3, 3, 3], 7), bias: r([3], 8), stride: 1, padding: 1),     // 6
            norm("bn2", 9),                                                                            // 7
            Broadcast(name: "add", operation: .add),                                                   // 8: relu0 + bn2
            Activation(name: "relu", kind: .relu),                                                     // 9
            GlobalAveragePool(name: "gap"),                                                            // 10
            Flatten(name: "flat"),                                                                     // 11
            Dense(name: "fc", weight: r([4, 3], 11), bias: r([4], 12)),                                 // 12
        ]
        let wiring: [[Int]] = [[0], [1], [2], [3], [4], [5], [6], [2, 7], [8], [9], [10], [11]]
        let model = try Model(name: "res", inputShape: [2, 5, 5], featureNames: (0..<50).map { "p\($0)" },
                              outputNames: ["a", "b", "c", "d"], layers: layers, inputIDs: wiring)
        let x = r([7, 50], 13)
        let forward = model.forward(x), inferred = model.infer(x)
        let scale = Double(forward.scalars.map(Swift.abs).max() ?? 1)
        #expect(Closeness.maxAbsDifference(forward.scalars, inferred.scalars) < 1e-5 * Swift.max(1, scale))
    }
}
