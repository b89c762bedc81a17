import ExplainNN
import ExplainTensor
import Testing

/// The explainers' shortcut — no parameter gradients in the pullback — must not change a bit of the output or the
/// input gradient.
@Suite("Skipping the parameter gradients")
struct ParameterGradientSkipTests {
    private static func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

    private static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) })
    }

    @Test("dense and conv2d: the same output and input gradient bit for bit, and no parameter gradients")
    func layers() {
        let cases: [(any Layer, Tensor)] = [
            (Dense(name: "fc", weight: Self.random([5, 7], seed: 1), bias: Self.random([5], seed: 2)), Self.random([9, 7], seed: 3)),
            (Conv2D(name: "conv", weight: Self.random([4, 2, 3, 3], seed: 5), bias: Self.random([4], seed: 6), stride: 2, padding: 1),
             Self.random([3, 2, 5, 6], seed: 7)),
        ]
        for (layer, input) in cases {
            let (full, fullPullback) = layer(input, mode: .inference)
            let (lean, leanPullback) = layer(input, mode: .inference, needsInputGradient: true, needsParameterGradients: false)
            #expect(Self.bits(full) == Self.bits(lean))
            let dy = Self.random(full.shape, seed: 8)
            let (dx, dp) = fullPullback(dy), (leanDx, leanDp) = leanPullback(dy)
            #expect(Self.bits(dx) == Self.bits(leanDx))
            #expect(dp.count == 2 && leanDp.isEmpty)
        }
    }

    @Test("Model.inputGradient and forwardWithInputPullback equal the full pullback's input gradient bit for bit")
    func model() throws {
        let layers: [any Layer] = [
            Conv2D(name: "conv", weight: Self.random([3, 1, 3, 3], seed: 11), bias: Self.random([3], seed: 12), padding: 1),
            Activation(name: "relu", kind: .relu), Flatten(name: "flat"),
            Dense(name: "fc", weight: Self.random([4, 48], seed: 13), bias: Self.random([4], seed: 14)), Softmax(name: "softmax"),
        ]
        let model = try Model(name: "m", inputShape: [1, 4, 4], featureNames: (0..<16).map { "p\($0)" },
                              outputNames: ["a", "b", "c", "d"], layers: layers)
        let x = Self.random([5, 16], seed: 15), targets = [0, 3, 1, 2, 2]
        let (out, pullback) = model.forwardWithPullback(x)
        var seed = Tensor(shape: out.shape, repeating: 0)
        for (r, t) in targets.enumerated() { seed.scalars[r * 4 + t] = 1 }
        let full = pullback(seed)
        let (outputs, gradient) = model.inputGradient(x, targets: targets)
        #expect(Self.bits(outputs) == Self.bits(out))
        #expect(Self.bits(gradient) == Self.bits(full.input.reshaped([5, 16])))
        #expect(full.parameters[0].count == 2 && full.parameters[3].count == 2)
        let upper = model.forwardWithPullback(model.activations(x)[1], layers: 2..<5)
        let leanUpper = model.forwardWithInputPullback(model.activations(x)[1], layers: 2..<5)
        #expect(Self.bits(upper.pullback(seed).input) == Self.bits(leanUpper.pullback(seed)))
    }
}
