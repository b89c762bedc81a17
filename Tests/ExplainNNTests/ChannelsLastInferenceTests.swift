import ExplainKit
import Testing
import TestSupport

/// `Model.infer` runs conv2d and pooling in channels-last order (`Model+ChannelsLast.swift`); these models cover every
/// way in and out of that layout, against `forward`, which stays channels-first throughout.
@Suite("Model.infer in channels-last order")
struct ChannelsLastInferenceTests {
    static func r(_ shape: [Int], _ k: UInt64) -> Tensor {
        FiniteDifferences.randomTensor(shape: shape, seed: 90 &+ k, scale: 0.5)
    }

    /// The architectures, each named for the layout changes it exercises.
    static func model(_ name: String) throws -> Model {
        let input: [Int]
        let layers: [any Layer]
        let outputs: Int
        switch name {
        case "3-channel input, flatten → dense with 2×2×5 positions permuted":
            // 3×7×6 → conv 3×2 (stride 1, pad 2) → 5×9×9 tanh → max pool 3/2 → 5×4×4 → conv 3×3 stride 2 pad 1 →
            // 5×2×2 leaky ReLU → flatten 20 → standardize → dense 4 → softmax
            input = [3, 7, 6]
            outputs = 4
            layers = [
                Conv2D(name: "c1", weight: r([5, 3, 3, 2], 1), bias: r([5], 2), padding: 2),
                Activation(name: "t1", kind: .tanh),
                Pool2D(name: "p1", reduction: .max, kernel: 3, stride: 2),
                Conv2D(name: "c2", weight: r([5, 5, 3, 3], 3), bias: r([5], 4), stride: 2, padding: 1),
                Activation(name: "l2", kind: .leakyReLU(slope: 0.1)),
                Flatten(name: "f"),
                Standardize(name: "z", mean: (0..<20).map { Float($0) * 0.01 }, std: (0..<20).map { 1 + Float($0) * 0.05 }),
                Dense(name: "d", weight: r([4, 20], 5), bias: r([4], 6)),
                Softmax(name: "s"),
            ]
        case "pool before the first conv, dropout inside, flatten → dropout → dense":
            input = [2, 8, 8]
            outputs = 3
            layers = [
                Pool2D(name: "p0", reduction: .average, kernel: 2),
                Conv2D(name: "c1", weight: r([4, 2, 3, 3], 7), bias: r([4], 8), padding: 1),
                Activation(name: "r1", kind: .relu),
                Dropout(name: "drop", p: 0.3),
                Pool2D(name: "p1", reduction: .average, kernel: 2),
                Flatten(name: "f"),
                Dropout(name: "drop2", p: 0.2),
                Dense(name: "d", weight: r([3, 16], 9), bias: r([3], 10)),
            ]
        case "a conv map as the output":
            input = [2, 5, 5]
            outputs = 27
            layers = [
                Conv2D(name: "c1", weight: r([3, 2, 3, 3], 11), bias: r([3], 12)),
                Activation(name: "s1", kind: .sigmoid),
            ]
        default:
            // flatten → softmax: the flattened map itself is the output, in channels-first order.
            input = [1, 6, 6]
            outputs = 18
            layers = [
                Conv2D(name: "c1", weight: r([2, 1, 3, 3], 13), bias: r([2], 14), padding: 1),
                Activation(name: "r1", kind: .relu),
                Pool2D(name: "p1", reduction: .max, kernel: 2),
                Flatten(name: "f"),
                Softmax(name: "s"),
            ]
        }
        let width = input.reduce(1, *)
        return try Model(name: "cl", inputShape: input, featureNames: (0..<width).map { "x\($0)" },
                         outputNames: (0..<outputs).map { "y\($0)" }, layers: layers)
    }

    @Test("matches forward to float rounding", arguments: [
        "3-channel input, flatten → dense with 2×2×5 positions permuted",
        "pool before the first conv, dropout inside, flatten → dropout → dense",
        "a conv map as the output",
        "flatten → softmax",
    ])
    func matchesForward(name: String) throws {
        let model = try Self.model(name)
        let x = FiniteDifferences.randomTensor(shape: [2 * model.inferenceBlockRows + 3, model.inputWidth], seed: 5,
                                               scale: 1)
        let fast = model.infer(x), reference = model.forward(x)
        #expect(fast.shape == [x.batchSize, model.outputCount])
        let worst = zip(fast.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 1
        let scale = reference.scalars.map(abs).max() ?? 0
        #expect(scale > 0.01 && worst <= 2e-6 * max(1, scale), "largest difference \(worst)")
    }
}
