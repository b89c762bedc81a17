import ExplainKit
import Foundation
import Testing
import TestSupport

@Suite("Model.infer: the no-gradient path explainers evaluate through")
struct InferenceTests {
    /// standardize → dense → relu → dense → relu → dense → softmax, with breast-cancer-like feature scales.
    static func reluMLP() throws -> Model {
        func r(_ s: [Int], _ k: UInt64) -> Tensor { FiniteDifferences.randomTensor(shape: s, seed: 40 &+ k, scale: 0.6) }
        let mean: [Float] = [14, 19, 92, 655, 0.1, 0.1]
        let std: [Float] = [3.5, 4.3, 24, 352, 0.014, 0.05]
        return try Model(
            name: "relu-mlp", inputShape: [6], featureNames: (0..<6).map { "f\($0)" }, outputNames: ["a", "b"],
            layers: [
                Standardize(name: "z", mean: mean, std: std),
                Dense(name: "fc1", weight: r([8, 6], 1), bias: r([8], 2)),
                Activation(name: "relu1", kind: .relu),
                Dense(name: "fc2", weight: r([8, 8], 3), bias: r([8], 4)),
                Activation(name: "relu2", kind: .relu),
                Dense(name: "fc3", weight: r([2, 8], 5), bias: r([2], 6)),
                Softmax(name: "softmax"),
            ])
    }

    /// standardize → conv (padding 1) → relu → max pool → conv (stride 2, padding 1) → relu → avg pool → flatten →
    /// dense → softmax, on 1×8×8 images: the digits sample's shape, with both kinds of pooling and fused ReLUs.
    static func reluCNN() throws -> Model {
        func r(_ s: [Int], _ k: UInt64) -> Tensor { FiniteDifferences.randomTensor(shape: s, seed: 60 &+ k, scale: 0.5) }
        return try Model(
            name: "relu-cnn", inputShape: [1, 8, 8], featureNames: (0..<64).map { "p\($0)" }, outputNames: ["a", "b", "c"],
            layers: [
                Standardize(name: "z", mean: [Float](repeating: 4, count: 64), std: [Float](repeating: 5, count: 64)),
                Conv2D(name: "conv1", weight: r([4, 1, 3, 3], 1), bias: r([4], 2), padding: 1),
                Activation(name: "relu1", kind: .relu),
                Pool2D(name: "pool1", reduction: .max, kernel: 2),
                Conv2D(name: "conv2", weight: r([6, 4, 3, 3], 3), bias: r([6], 4), stride: 2, padding: 1),
                Activation(name: "relu2", kind: .relu),
                Pool2D(name: "pool2", reduction: .average, kernel: 2),
                Flatten(name: "flat"),
                Dense(name: "fc", weight: r([3, 6], 5), bias: r([3], 6)),
                Softmax(name: "softmax"),
            ])
    }

    static func named(_ name: String) throws -> Model {
        switch name {
        case "relu-mlp": try reluMLP()
        case "relu-cnn": try reluCNN()
        case "mlp": try Fixtures.mlp()
        default: try Fixtures.cnn()
        }
    }

    /// Rows on the scale of the features: mean + std · N(0, 1).
    static func rows(_ model: Model, count: Int, seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        let z = model.layers[0] as? Standardize
        let w = model.inputWidth
        return Tensor(shape: [count, w], scalars: (0..<(count * w)).map { i in
            let j = i % w
            return (z?.mean[j] ?? 0) + (z?.std[j] ?? 1) * Float(rng.nextNormal())
        })
    }

    @Test("matches forward to float rounding on MLPs (folded standardize, fused ReLU) and a CNN",
          arguments: ["relu-mlp", "mlp", "cnn", "relu-cnn"])
    func matchesForward(name: String) throws {
        let model = try Self.named(name)
        let x = Self.rows(model, count: 300, seed: 7)
        let fast = model.infer(x), reference = model.forward(x)
        #expect(fast.shape == reference.shape)
        let worst = zip(fast.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 2e-6, "largest difference \(worst)")
        #expect(try model.predict(x).scalars == fast.scalars)
    }

    @Test("batches larger than a block give forward's outputs on every row, across block edges",
          arguments: ["relu-mlp", "cnn", "relu-cnn"])
    func blocks(name: String) throws {
        let model = try Self.named(name)
        let count = 2 * model.inferenceBlockRows + 7
        #expect(count > 2 * model.inferenceBlockRows && model.inferenceBlockRows < 20_000)
        let x = Self.rows(model, count: count, seed: 9)
        let fast = model.infer(x), reference = model.forward(x)
        #expect(fast.shape == [count, model.outputCount])
        let worst = zip(fast.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 2e-6, "largest difference \(worst)")
    }

    @Test("infer(preActivations: x·Wᵀ + b) with inputAffine's folded first layer equals infer(x)")
    func preActivations() throws {
        let model = try Self.reluMLP()
        let x = Self.rows(model, count: 50, seed: 10)
        let affine = try #require(model.inputAffine)
        #expect(model.preActivationWidth == affine.bias.count)
        let split = model.infer(preActivations: Self.preActivations(x, affine)), whole = model.infer(x)
        let worst = zip(split.scalars, whole.scalars).map { abs($0 - $1) }.max() ?? 1
        #expect(split.shape == whole.shape && worst <= 2e-6, "largest difference \(worst)")
    }

    /// x·Wᵀ + b in Double for rows x and an `inputAffine` (W, b).
    static func preActivations(_ x: Tensor, _ affine: (weight: [Float], bias: [Float])) -> Tensor {
        let hidden = affine.bias.count, width = x.sampleCount, n = x.batchSize
        var h = [Float](repeating: 0, count: n * hidden)
        for r in 0..<n {
            for u in 0..<hidden {
                var s = Double(affine.bias[u])
                for j in 0..<width { s += Double(affine.weight[u * width + j]) * Double(x.scalars[r * width + j]) }
                h[r * hidden + u] = Float(s)
            }
        }
        return Tensor(shape: [n, hidden], scalars: h)
    }

    /// conv (2 input channels, stride 2, no padding, no standardize, no ReLU) → flatten → dense → softmax: a first
    /// convolution whose input changes layout on the way into the channels-last path.
    static func twoChannelCNN() throws -> Model {
        func r(_ s: [Int], _ k: UInt64) -> Tensor { FiniteDifferences.randomTensor(shape: s, seed: 80 &+ k, scale: 0.5) }
        return try Model(
            name: "two-channel-cnn", inputShape: [2, 5, 5], featureNames: (0..<50).map { "p\($0)" }, outputNames: ["a", "b"],
            layers: [
                Conv2D(name: "conv", weight: r([3, 2, 3, 3], 1), bias: r([3], 2), stride: 2),
                Flatten(name: "flat"),
                Dense(name: "fc", weight: r([2, 12], 3), bias: r([2], 4)),
                Softmax(name: "softmax"),
            ])
    }

    @Test("a first convolution unrolls into inputAffine's matrix, and infer(preActivations: x·Wᵀ + b) equals infer(x)",
          arguments: ["relu-cnn", "cnn", "two-channel-cnn"])
    func convolutionPreActivations(name: String) throws {
        let model = name == "two-channel-cnn" ? try Self.twoChannelCNN() : try Self.named(name)
        let x = Self.rows(model, count: 40, seed: 11)
        let affine = try #require(model.inputAffine)
        let hidden = affine.bias.count, width = model.inputWidth
        // The first convolution's outputs: O · OH · OW.
        let shape = model.layerShapes[try #require(model.layers.firstIndex { $0 is Conv2D })]
        #expect(hidden == shape.reduce(1, *) && model.preActivationWidth == hidden)
        #expect(affine.weight.count == hidden * width)
        let h = Self.preActivations(x, affine)
        let split = model.infer(preActivations: h), whole = model.infer(x)
        let worst = zip(split.scalars, whole.scalars).map { abs($0 - $1) }.max() ?? 1
        #expect(split.shape == whole.shape && worst <= 2e-6, "largest difference \(worst)")
        let prepared = try #require(model.preActivationInference())
        #expect(prepared(h).scalars == split.scalars)
    }

    @Test("a convolution too large to unroll, or not first, offers no first layer")
    func largeConvolutionHasNoAffineStep() throws {
        // 8 channels on 64 × 64: 32,768 outputs × 4,096 inputs is far above the limit.
        let big = try Model(
            name: "big", inputShape: [1, 64, 64], featureNames: (0..<4096).map { "p\($0)" }, outputNames: ["y"],
            layers: [
                Conv2D(name: "conv", weight: Tensor(shape: [8, 1, 3, 3], scalars: [Float](repeating: 0.1, count: 72)),
                       bias: Tensor(shape: [8], scalars: [Float](repeating: 0, count: 8)), padding: 1),
                Pool2D(name: "pool", reduction: .max, kernel: 64),
                Flatten(name: "flat"),
                Dense(name: "fc", weight: Tensor(shape: [1, 8], scalars: [Float](repeating: 0.2, count: 8)),
                      bias: Tensor(shape: [1], scalars: [0])),
            ])
        #expect(32_768 * 4_096 > Model.unrolledConvolutionLimit)
        #expect(big.inputAffine == nil && big.preActivationWidth == nil && big.preActivationInference() == nil)
        let poolFirst = try Model(
            name: "pool-first", inputShape: [1, 4, 4], featureNames: (0..<16).map { "p\($0)" },
            outputNames: ["a", "b", "c", "d"],
            layers: [
                Pool2D(name: "pool", reduction: .max, kernel: 2),
                Conv2D(name: "conv", weight: Tensor(shape: [1, 1, 1, 1], scalars: [1]), bias: Tensor(shape: [1], scalars: [0])),
                Flatten(name: "flat"),
            ])
        #expect(poolFirst.inputAffine == nil && poolFirst.preActivationWidth == nil)
    }

    @Test("the cached plan follows new parameters: infer after setParameters matches forward with them",
          arguments: ["relu-mlp", "relu-cnn"])
    func planFollowsParameters(name: String) throws {
        let model = try Self.named(name)
        let x = Self.rows(model, count: 20, seed: 12)
        let before = model.infer(x)
        model.setParameters(model.parameters.map { $0.map { t in Tensor(shape: t.shape, scalars: t.scalars.map { -0.5 * $0 }) } })
        let after = model.infer(x), reference = model.forward(x)
        #expect(after.scalars != before.scalars)
        let worst = zip(after.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 1
        #expect(worst <= 2e-6, "largest difference \(worst)")
    }

    @Test("with a forward hook registered it is forward exactly, and the hook fires")
    func hooksSeeEveryLayer() throws {
        let model = try Self.reluMLP()
        let x = Self.rows(model, count: 10, seed: 8)
        let fired = LockedCounter()
        let handle = try model.registerForwardHook(at: "relu1") { _ in fired.increment() }
        #expect(model.infer(x).scalars == model.forward(x).scalars)
        #expect(fired.value == 2)
        handle.remove()
        _ = model.infer(x)
        #expect(fired.value == 2)
    }
}

/// A thread-safe counter for hook callbacks.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
