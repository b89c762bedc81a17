import ExplainMethods
import ExplainNN
import ExplainTensor
import TestSupport
import Testing

@Suite("Guided backprop and deconvolution: captum's ReLU backward rules on MLPs and CNNs")
struct GuidedBackpropTests {
    @Test("MLP: equals the rules written out in Double (relu changed, leaky relu and tanh keep their gradients)",
          arguments: [GuidedBackprop.Kind.guidedBackprop, .deconvolution])
    func mlp(kind: GuidedBackprop.Kind) throws {
        for hidden in [Activation.Kind.relu, .tanh, .leakyReLU(slope: 0.2)] {
            let model = try ModifiedBackpropFixtures.mlp(hidden: hidden)
            let x = GradientFixtures.rows(6, width: 4, seed: 31, scale: 1.5)
            for (r, e) in try GuidedBackprop(kind: kind).explain(x, using: model).enumerated() {
                let want = ModifiedBackpropFixtures.guided(model, x: x.row(r).map(Double.init), target: e.target,
                                                           deconvolution: kind == .deconvolution)
                let scale = max(want.map(abs).max() ?? 0, 1e-6)
                #expect(Closeness.maxAbsDifference(e.attributions, want) <= 1e-5 * scale, "\(hidden) row \(r)")
            }
        }
    }

    @Test("CNN: equals a layer-by-layer walk of the pullbacks with the ReLU rule applied in between",
          arguments: [GuidedBackprop.Kind.guidedBackprop, .deconvolution])
    func cnn(kind: GuidedBackprop.Kind) throws {
        let model = try ModifiedBackpropFixtures.cnn()
        let x = GradientFixtures.rows(4, width: 36, seed: 32, scale: 2)
        let explanations = try GuidedBackprop(kind: kind).explain(x, using: model, target: .index(2))
        for (r, e) in explanations.enumerated() {
            var h = x.rows(r..<(r + 1)).reshaped([1, 1, 6, 6])
            var steps: [(input: Tensor, pullback: Pullback, isReLU: Bool)] = []
            for layer in model.layers {
                let (y, pullback) = layer(h, mode: .inference)
                steps.append((h, pullback, (layer as? Activation)?.kind == .relu))
                h = y
            }
            var g = Tensor(shape: [1, 3], scalars: [0, 0, 1])
            for step in steps.reversed() {
                if step.isReLU {
                    g = kind == .deconvolution ? g.map { max($0, 0) } : step.pullback(g).input.map { max($0, 0) }
                } else {
                    g = step.pullback(g).input
                }
            }
            #expect(Closeness.maxAbsDifference(e.attributions, g.scalars) <= 1e-6 * Double(max(g.maxAbs(), 1e-6)), "row \(r)")
        }
        // The rules change the gradient on this network (the test would not tell them apart otherwise).
        let gradient = try GradientExplainer().explain(x, using: model, target: .index(2))
        #expect(zip(gradient, explanations).contains { Closeness.maxAbsDifference($0.attributions, $1.attributions) > 1e-3 })
    }

    @Test("without ReLU layers both equal the gradient")
    func noReLU() throws {
        let model = try GradientFixtures.smoothCNN()
        let x = GradientFixtures.rows(3, width: model.inputWidth, seed: 33)
        let gradient = try GradientExplainer().explain(x, using: model)
        for kind in GuidedBackprop.Kind.allCases {
            for (a, b) in zip(try GuidedBackprop(kind: kind).explain(x, using: model), gradient) {
                #expect(Closeness.maxAbsDifference(a.attributions, b.attributions) < 1e-7)
                // Guided backprop's forward pass records parameter pullbacks (im2col); the gradient's does not (the
                // direct convolution), so predictions agree to float rounding.
                #expect(a.target == b.target && abs(a.prediction - b.prediction) <= 1e-6 * max(1, abs(b.prediction)))
            }
        }
    }
}
