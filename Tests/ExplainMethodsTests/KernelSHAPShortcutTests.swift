import ExplainKit
import Foundation
import Testing

@Suite("KernelSHAP's exact first-layer shortcut for models that start with a dense layer or a small convolution")
struct KernelSHAPShortcutTests {
    /// [standardize →] dense → relu → dense → relu → dense → softmax with `inputs` features and 3 outputs.
    static func model(inputs: Int, standardize: Bool, seed: UInt64) throws -> Model {
        var rng = SplitMix64(seed: seed)
        func random(_ shape: [Int], scale: Double) -> Tensor {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal() * scale) })
        }
        var layers: [any Layer] = []
        if standardize {
            layers.append(Standardize(name: "z", mean: (0..<inputs).map { _ in Float(rng.nextNormal() * 0.3) },
                                      std: (0..<inputs).map { _ in Float(0.5 + rng.nextUniform()) }))
        }
        layers += [
            Dense(name: "fc1", weight: random([12, inputs], scale: 1.5 / Double(inputs).squareRoot()),
                  bias: random([12], scale: 0.3)),
            Activation(name: "relu1", kind: .relu),
            Dense(name: "fc2", weight: random([8, 12], scale: 0.6), bias: random([8], scale: 0.3)),
            Activation(name: "relu2", kind: .relu),
            Dense(name: "fc3", weight: random([3, 8], scale: 0.8), bias: random([3], scale: 0.3)),
            Softmax(name: "softmax"),
        ]
        return try Model(name: "shortcut-mlp", inputShape: [inputs], featureNames: (0..<inputs).map { "f\($0)" },
                         outputNames: ["a", "b", "c"], layers: layers)
    }

    /// The same model as a black box, which KernelSHAP evaluates row by row.
    static func blackBox(_ model: Model) -> ClosurePredictor {
        ClosurePredictor(inputWidth: model.inputWidth, outputCount: model.outputCount) { try model.predict($0) }
    }

    /// A background whose column `constant` equals x there, so that feature does not vary.
    static func data(width: Int, rows: Int, constant: Int, seed: UInt64) -> (background: Background, x: [Float]) {
        let (background, x) = KernelSHAPTestModels.data(width: width, rows: rows, seed: seed)
        var scalars = background.rows.scalars
        for b in 0..<rows { scalars[b * width + constant] = x[constant] }
        return (Background(rows: Tensor(shape: [rows, width], scalars: scalars), weights: background.weights), x)
    }

    @Test("enumerated: values through the shortcut match brute-force Shapley values to 1e-5 of their range",
          arguments: [(5, true), (8, false), (9, true)])
    func matchesBruteForce(inputs: Int, standardize: Bool) throws {
        let model = try Self.model(inputs: inputs, standardize: standardize, seed: UInt64(inputs))
        let (background, x) = Self.data(width: inputs, rows: 7 + inputs, constant: 1, seed: UInt64(50 + inputs))
        let result = try Self.checkAgainstBruteForce(model, background: background, x: x)
        #expect(result.values.allSatisfy { $0[1] == 0 })
    }

    /// Explains x through `model`'s shortcut with every coalition enumerated and checks the values against
    /// brute-force Shapley values of the model as a black box (one feature of `background` equals x).
    static func checkAgainstBruteForce(_ model: Model, background: Background, x: [Float]) throws -> KernelSHAPResult {
        #expect(model.inputAffine != nil)
        let inputs = x.count
        let truth = KernelSHAPTestModels.shapley(
            try KernelSHAPTestModels.game(blackBox(model), x: x, background: background), players: inputs)
        var rng = SplitMix64(seed: 1)
        let result = try KernelSHAPExplainer(background: background).explain(x, predictor: model, rng: &rng)
        #expect(result.isExact && result.varyingFeatureCount == inputs - 1)
        #expect(KernelSHAPExactTests.relativeError(result.values, truth) <= 1e-5)
        return result
    }

    @Test("sampled coalitions and background: the shortcut gives the black box's values, one pair or one coalition per chunk too",
          arguments: [nil, 3] as [Int?], [KernelSHAPExplainer.defaultChunkBudget, 1])
    func sampledMatchesBlackBox(perCoalition: Int?, chunkBudget: Int) throws {
        let model = try Self.model(inputs: 16, standardize: true, seed: 21)
        let (background, x) = Self.data(width: 16, rows: 24, constant: 5, seed: 22)
        let explainer = try KernelSHAPExplainer(background: background, samples: 400, chunkBudget: chunkBudget,
                                                backgroundPerCoalition: perCoalition)
        var a = SplitMix64(seed: 3), b = SplitMix64(seed: 3)
        let fast = try explainer.explain(x, predictor: model, rng: &a)
        let reference = try explainer.explain(x, predictor: Self.blackBox(model), rng: &b)
        #expect(!fast.isExact && fast.coalitions == reference.coalitions)
        #expect(fast.modelEvaluations == reference.modelEvaluations)
        #expect(KernelSHAPExactTests.relativeError(fast.values, reference.values) <= 1e-5)
        #expect(KernelSHAPExactTests.relativeError(fast.stdErrors, reference.stdErrors) <= 1e-4)
    }

    /// [standardize →] conv (padding 1) → relu → max pool → flatten → dense → softmax on a `channels × side × side`
    /// image with 3 outputs.
    static func cnn(channels: Int, side: Int, standardize: Bool, seed: UInt64) throws -> Model {
        var rng = SplitMix64(seed: seed)
        func random(_ shape: [Int], scale: Double) -> Tensor {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal() * scale) })
        }
        let width = channels * side * side, pooled = 4 * (side / 2) * (side / 2)
        var layers: [any Layer] = []
        if standardize {
            layers.append(Standardize(name: "z", mean: (0..<width).map { _ in Float(rng.nextNormal() * 0.3) },
                                      std: (0..<width).map { _ in Float(0.5 + rng.nextUniform()) }))
        }
        layers += [
            Conv2D(name: "conv", weight: random([4, channels, 3, 3], scale: 0.6), bias: random([4], scale: 0.3), padding: 1),
            Activation(name: "relu", kind: .relu),
            Pool2D(name: "pool", reduction: .max, kernel: 2),
            Flatten(name: "flat"),
            Dense(name: "fc", weight: random([3, pooled], scale: 0.8), bias: random([3], scale: 0.3)),
            Softmax(name: "softmax"),
        ]
        return try Model(name: "shortcut-cnn", inputShape: [channels, side, side],
                         featureNames: (0..<width).map { "p\($0)" }, outputNames: ["a", "b", "c"], layers: layers)
    }

    @Test("a CNN, enumerated: values through the unrolled first convolution match brute-force Shapley values",
          arguments: [(1, true), (2, false)])
    func convolutionMatchesBruteForce(channels: Int, standardize: Bool) throws {
        let side = channels == 1 ? 3 : 2, inputs = channels * side * side
        let model = try Self.cnn(channels: channels, side: side, standardize: standardize, seed: UInt64(60 + channels))
        let (background, x) = Self.data(width: inputs, rows: 11, constant: 2, seed: UInt64(70 + channels))
        _ = try Self.checkAgainstBruteForce(model, background: background, x: x)
    }

    @Test("a CNN, sampled: the unrolled convolution gives the black box's values, whole background or drawn rows",
          arguments: [nil, 2] as [Int?])
    func convolutionSampledMatchesBlackBox(perCoalition: Int?) throws {
        let model = try Self.cnn(channels: 1, side: 6, standardize: true, seed: 81)
        let (background, x) = Self.data(width: 36, rows: 20, constant: 7, seed: 82)
        let explainer = try KernelSHAPExplainer(background: background, samples: 300, backgroundPerCoalition: perCoalition)
        var a = SplitMix64(seed: 4), b = SplitMix64(seed: 4)
        let fast = try explainer.explain(x, predictor: model, rng: &a)
        let reference = try explainer.explain(x, predictor: Self.blackBox(model), rng: &b)
        #expect(!fast.isExact && fast.coalitions == reference.coalitions)
        #expect(KernelSHAPExactTests.relativeError(fast.values, reference.values) <= 1e-5)
        #expect(KernelSHAPExactTests.relativeError(fast.stdErrors, reference.stdErrors) <= 1e-4)
    }

    @Test("no shortcut while a forward hook is registered (hooks see every layer), nor for a convolution too large to unroll")
    func hooksAndConvolutions() throws {
        let model = try Self.model(inputs: 6, standardize: true, seed: 31)
        let (background, x) = Self.data(width: 6, rows: 9, constant: 0, seed: 32)
        let calls = Counter()
        let handle = try model.registerForwardHook(at: "fc1") { _ in calls.add() }
        #expect(model.inputAffine == nil)
        var rng = SplitMix64(seed: 1)
        let hooked = try KernelSHAPExplainer(background: background).explain(x, predictor: model, rng: &rng)
        #expect(calls.value > 0)
        handle.remove()
        #expect(model.inputAffine != nil)
        rng = SplitMix64(seed: 1)
        let fast = try KernelSHAPExplainer(background: background).explain(x, predictor: model, rng: &rng)
        #expect(KernelSHAPExactTests.relativeError(fast.values, hooked.values) <= 1e-5)
        let cnn = try Model(name: "cnn", inputShape: [1, 4, 4], featureNames: (0..<16).map { "p\($0)" },
                            outputNames: ["y"], layers: [
                                Conv2D(name: "conv", weight: Tensor(shape: [2, 1, 3, 3], scalars: [Float](repeating: 0.1, count: 18)),
                                       bias: Tensor(shape: [2], scalars: [0, 0])),
                                Flatten(name: "flat"),
                                Dense(name: "fc", weight: Tensor(shape: [1, 8], scalars: [Float](repeating: 0.2, count: 8)),
                                      bias: Tensor(shape: [1], scalars: [0])),
                            ])
        #expect(cnn.inputAffine?.weight.count == 8 * 16 && cnn.preActivationWidth == 8)
        let wide = try Model(name: "wide", inputShape: [1, 48, 48], featureNames: (0..<2304).map { "p\($0)" },
                             outputNames: ["y"], layers: [
                                Conv2D(name: "conv", weight: Tensor(shape: [1, 1, 1, 1], scalars: [1]),
                                       bias: Tensor(shape: [1], scalars: [0])),
                                Flatten(name: "flat"),
                                Dense(name: "fc", weight: Tensor(shape: [1, 2304], scalars: [Float](repeating: 0.01, count: 2304)),
                                      bias: Tensor(shape: [1], scalars: [0])),
                             ])
        #expect(2304 * 2304 > Model.unrolledConvolutionLimit && wide.inputAffine == nil)
    }
}

/// An affine-input predictor whose second half returns too few outputs per row.
private struct ShortAffinePredictor: AffineInputPredictor {
    let inputWidth = 4, outputCount = 2
    var inputAffine: (weight: [Float], bias: [Float])? { ([Float](repeating: 0.5, count: 12), [0, 0, 0]) }
    func predict(_ batch: Tensor) throws -> Tensor {
        Tensor(shape: [batch.batchSize, 2], scalars: [Float](repeating: 0.25, count: 2 * batch.batchSize))
    }
    func predict(preActivations: Tensor) throws -> Tensor {
        Tensor(shape: [preActivations.batchSize, 1], scalars: [Float](repeating: 0.25, count: preActivations.batchSize))
    }
}

extension KernelSHAPShortcutTests {
    @Test("a predictor whose pre-activation path returns the wrong shape gets an error, not a trap")
    func wrongShape() throws {
        let (background, x) = KernelSHAPTestModels.data(width: 4, rows: 5, seed: 41)
        var rng = SplitMix64(seed: 1)
        #expect(throws: ExplainError.self) {
            try KernelSHAPExplainer(background: background).explain(x, predictor: ShortAffinePredictor(), rng: &rng)
        }
    }
}

/// A thread-safe call counter for hooks.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
