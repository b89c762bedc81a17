import ExplainNN
import ExplainTensor
import Testing

/// The explainers' shortcut — no parameter gradients in the pullback — must not change a bit of the output or the
/// input gradient of a strided convolution, and changes a dense layer's and a stride-1 convolution's only by float
/// rounding (they run through the small-matrix kernel then: `Dense+Lean.swift`, `Conv2D+Direct.swift`).
@Suite("Skipping the parameter gradients")
struct ParameterGradientSkipTests {
    private static func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

    /// Equal to float rounding: max |a − b| ≤ 1e-5 · max(1, max |b|).
    private static func close(_ a: Tensor, _ b: Tensor) -> Bool {
        let scale = max(1, b.scalars.map(abs).max() ?? 0)
        return a.scalars.count == b.scalars.count && zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * scale }
    }

    private static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) })
    }

    @Test("dense and conv2d: the same output and input gradient (bit for bit for the strided conv), and no parameter gradients")
    func layers() {
        let cases: [(any Layer, Tensor)] = [
            (Dense(name: "fc", weight: Self.random([5, 7], seed: 1), bias: Self.random([5], seed: 2)), Self.random([9, 7], seed: 3)),
            (Conv2D(name: "conv", weight: Self.random([4, 2, 3, 3], seed: 5), bias: Self.random([4], seed: 6), stride: 2, padding: 1),
             Self.random([3, 2, 5, 6], seed: 7)),
        ]
        for (layer, input) in cases {
            let (full, fullPullback) = layer(input, mode: .inference)
            let (lean, leanPullback) = layer(input, mode: .inference, needsInputGradient: true, needsParameterGradients: false)
            let dy = Self.random(full.shape, seed: 8)
            let (dx, dp) = fullPullback(dy), (leanDx, leanDp) = leanPullback(dy)
            if layer is Dense {
                #expect(Self.close(full, lean) && Self.close(dx, leanDx))
            } else {
                #expect(Self.bits(full) == Self.bits(lean) && Self.bits(dx) == Self.bits(leanDx))
            }
            #expect(dp.count == 2 && leanDp.isEmpty)
        }
    }

    @Test("Model.inputGradient and forwardWithInputPullback equal the full pullback's input gradient (a stride-1 conv: to float rounding)")
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
        #expect(Self.close(outputs, out))
        #expect(Self.close(gradient, full.input.reshaped([5, 16])))
        #expect(full.parameters[0].count == 2 && full.parameters[3].count == 2)
        let upper = model.forwardWithPullback(model.activations(x)[1], layers: 2..<5)
        let leanUpper = model.forwardWithInputPullback(model.activations(x)[1], layers: 2..<5)
        #expect(Self.close(upper.pullback(seed).input, leanUpper.pullback(seed)))
    }
}
