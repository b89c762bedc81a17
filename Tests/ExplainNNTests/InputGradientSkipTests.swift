import ExplainNN
import ExplainTensor
import Testing

/// The trainer's shortcuts — skipping the first layer's input gradient, writing activations straight into new
/// buffers — must not change a single bit of what the layers compute.
@Suite("Skipping the input gradient")
struct InputGradientSkipTests {
    private static func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

    private static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) })
    }

    /// Runs `layer` both ways and checks that the output and parameter gradients agree bit for bit, that the full
    /// pullback returns an input gradient of the input's shape, and that the skipping one returns an empty one.
    private static func checkSkip(_ layer: any Layer, input: Tensor, seed: UInt64) {
        let (full, fullPullback) = layer(input, mode: .inference)
        let (skipped, skippedPullback) = layer(input, mode: .inference, needsInputGradient: false)
        #expect(bits(full) == bits(skipped))
        let dy = random(full.shape, seed: seed)
        let (dx, dp) = fullPullback(dy)
        let (emptyDx, skippedDp) = skippedPullback(dy)
        #expect(dx.shape == input.shape)
        #expect(emptyDx.count == 0)
        #expect(dp.map(bits) == skippedDp.map(bits))
        #expect(dp.count == 2)
    }

    @Test("dense: the same output and parameter gradients, bit for bit, without the input gradient")
    func dense() {
        let layer = Dense(name: "fc", weight: Self.random([5, 7], seed: 1), bias: Self.random([5], seed: 2))
        Self.checkSkip(layer, input: Self.random([9, 7], seed: 3), seed: 4)
    }

    @Test("conv2d: the same output and parameter gradients, bit for bit, without col2im")
    func conv() {
        let layer = Conv2D(name: "conv", weight: Self.random([4, 2, 3, 3], seed: 5), bias: Self.random([4], seed: 6),
                           stride: 1, padding: 1)
        Self.checkSkip(layer, input: Self.random([3, 2, 5, 6], seed: 7), seed: 8)
    }

    @Test("activations and standardize equal their elementwise definitions bit for bit, forward and backward")
    func elementwise() {
        let x = Self.random([6, 10], seed: 9), dy = Self.random([6, 10], seed: 10)
        let kinds: [(Activation.Kind, (Float) -> Float, (Float, Float, Float) -> Float)] = [
            (.relu, { $0 > 0 ? $0 : 0 }, { g, x, _ in x > 0 ? g : 0 }),
            (.leakyReLU(slope: 0.1), { $0 > 0 ? $0 : 0.1 * $0 }, { g, x, _ in x > 0 ? g : 0.1 * g }),
            (.tanh, { Math.tanh($0) }, { g, x, _ in g * Activation.tanhDerivative(x) }),
            (.sigmoid, { Activation.sigmoid($0) }, { g, x, _ in g * Activation.sigmoidDerivative(x) }),
        ]
        for (kind, forward, backward) in kinds {
            let (y, pullback) = Activation(name: "a", kind: kind)(x, mode: .inference)
            let expectedY = x.map(forward)
            #expect(Self.bits(y) == Self.bits(expectedY), "\(kind)")
            let expectedDx = (0..<x.count).map { backward(dy.scalars[$0], x.scalars[$0], expectedY.scalars[$0]) }
            #expect(Self.bits(pullback(dy).input) == expectedDx.map(\.bitPattern), "\(kind)")
        }
        let mean: [Float] = (0..<10).map { Float($0) * 0.3 - 1 }
        let std: [Float] = (0..<10).map { Float($0) * 0.2 + 0.5 }
        let (z, pullback) = Standardize(name: "s", mean: mean, std: std)(x, mode: .inference)
        var expectedZ: [UInt32] = [], expectedDx: [UInt32] = []
        for i in 0..<x.count {
            let inverse: Float = 1 / std[i % 10]
            let scaled: Float = (x.scalars[i] - mean[i % 10]) * inverse
            let gradient: Float = dy.scalars[i] / std[i % 10]
            expectedZ.append(scaled.bitPattern)
            expectedDx.append(gradient.bitPattern)
        }
        #expect(Self.bits(z) == expectedZ)
        #expect(Self.bits(pullback(dy).input) == expectedDx)
    }

    @Test("lossAndGradients without the input gradient gives the same parameter gradients; a backward hook on the first parameter layer still sees its input gradient")
    func model() throws {
        let model = try TrainFixtures.mlp(sizes: [4, 6, 3], hidden: .relu, final: Softmax(name: "softmax"), seed: 11)
        let data = TrainFixtures.blobs(count: 12, seed: 12)
        let full = model.lossAndGradients(data.inputs, targets: data.targets, loss: .softmaxCrossEntropy)
        let skipped = model.lossAndGradients(data.inputs, targets: data.targets, loss: .softmaxCrossEntropy,
                                             computesInputGradient: false)
        #expect(full.value == skipped.value)
        #expect(full.gradients.input.shape == [12, 4] && skipped.gradients.input.count == 0)
        #expect(full.gradients.parameters.map { $0.map(Self.bits) } == skipped.gradients.parameters.map { $0.map(Self.bits) })

        let seen = Box()
        let handle = try model.registerBackwardHook(at: "dense0") { seen.add($0.inputGradient) }
        defer { handle.remove() }
        let hooked = model.lossAndGradients(data.inputs, targets: data.targets, loss: .softmaxCrossEntropy,
                                            computesInputGradient: false)
        #expect(hooked.gradients.parameters.map { $0.map(Self.bits) } == full.gradients.parameters.map { $0.map(Self.bits) })
        #expect(seen.values.map(Self.bits) == [Self.bits(full.gradients.input)])
    }
}

/// Collects what a `@Sendable` hook sees (tests run the model on one thread).
private final class Box: @unchecked Sendable {
    private(set) var values: [Tensor] = []
    func add(_ t: Tensor) { values.append(t) }
}
