import ExplainMethods
import ExplainNN
import ExplainTensor
import TestSupport
import Testing

@Suite("DeepLIFT: the rescale rule, completeness and the closed form of a unit crossing its kink")
struct DeepLIFTTests {
    @Test("equals an independent Double implementation of the rescale rule", arguments: [
        Activation.Kind.relu, .tanh, .sigmoid, .leakyReLU(slope: 0.1),
    ])
    func rescaleRule(hidden: Activation.Kind) throws {
        for softmax in [false, true] {
            let model = try ModifiedBackpropFixtures.mlp(hidden: hidden, softmax: softmax)
            let x = GradientFixtures.rows(5, width: 4, seed: 3, scale: 1.5)
            let baseline = GradientFixtures.rows(1, width: 4, seed: 4, scale: 0.5)
            let explanations = try DeepLIFT(baseline: .rows(baseline)).explain(x, using: model)
            for (r, e) in explanations.enumerated() {
                let want = ModifiedBackpropFixtures.deepLIFT(model, x: x.row(r).map(Double.init),
                                                             reference: baseline.row(0).map(Double.init), target: e.target)
                // The softmax multiplier Δs/Δz divides two Float differences of nearby values: 1e-4 there.
                let scale = max(want.map(abs).max() ?? 0, 1e-6) * (softmax ? 1e-4 : 1e-5)
                #expect(zip(e.attributions, want).allSatisfy { abs($0 - $1) <= scale }, "\(hidden) softmax \(softmax) row \(r): \(e.attributions) vs \(want)")
            }
        }
    }

    @Test("Σφ = f(x) − f(x′) to float precision without a softmax, for one baseline and averaged over several")
    func completeness() throws {
        for model in [try ModifiedBackpropFixtures.mlp(), try ModifiedBackpropFixtures.mlp(hidden: .sigmoid),
                      try ModifiedBackpropFixtures.cnn()] {
            let x = GradientFixtures.rows(6, width: model.inputWidth, seed: 5, scale: 2)
            for baseline in [GradientBaseline.zeros, .rows(GradientFixtures.rows(3, width: model.inputWidth, seed: 6))] {
                for (r, e) in try DeepLIFT(baseline: baseline).explain(x, using: model, target: .index(1)).enumerated() {
                    let difference = e.prediction - (e.baseValue ?? .nan)
                    #expect(abs(e.attributions.reduce(0, +) - difference) <= 1e-5 * max(1, abs(difference)), "\(model.name) row \(r)")
                    #expect(abs((e.diagnostics["completeness_gap"] ?? .nan)) <= 1e-5 * max(1, abs(difference)))
                    #expect(e.flags.isEmpty)
                }
            }
        }
    }

    @Test("one hidden layer, one unit crossing its kink: φ_i = Δx_i (v₁w₁ᵢ + v₂w₂ᵢ · z₂/(z₂ − z₂′))")
    func closedForm() throws {
        // z₁ = x₀ + 2x₁ + 1 is active at x and x′; z₂ = 2x₀ − x₁ − 1 is off at x′ = 0 and on at x = (2, 1).
        let w: [Float] = [1, 2, 2, -1], b: [Float] = [1, -1], v: [Float] = [0.5, 3]
        let model = try Model(name: "kink", inputShape: [2], featureNames: ["x0", "x1"], outputNames: ["y"], layers: [
            Dense(name: "fc1", weight: Tensor(shape: [2, 2], scalars: w), bias: Tensor(shape: [2], scalars: b)),
            Activation(name: "relu", kind: .relu),
            Dense(name: "fc2", weight: Tensor(shape: [1, 2], scalars: v), bias: Tensor(shape: [1], scalars: [0.25])),
        ])
        let x: [Double] = [2, 1]
        let z2 = 2 * x[0] - x[1] - 1, z2Reference = -1.0
        let rescale = z2 / (z2 - z2Reference)   // (relu(z₂) − relu(z₂′)) / (z₂ − z₂′) = 2 / 3
        let want = (0..<2).map { i in x[i] * (0.5 * Double(w[i]) + 3 * Double(w[2 + i]) * rescale) }
        let e = try #require(try DeepLIFT().explain(Tensor(shape: [1, 2], scalars: x.map(Float.init)), using: model).first)
        #expect(Closeness.maxAbsDifference(e.attributions, want) < 1e-6, "\(e.attributions) vs \(want)")
        // f(x) − f(0) = 0.5·(5 − 1) + 3·(2 − 0) = 8.
        #expect(abs(e.attributions.reduce(0, +) - 8) < 1e-5)
        #expect(e.baseValue == 0.5 * 1 + 0.25)
    }

    @Test("a row equal to its baseline gets zeros; parameters echo the baseline")
    func zeroDifference() throws {
        let model = try ModifiedBackpropFixtures.cnn()
        let x = GradientFixtures.rows(1, width: model.inputWidth, seed: 8)
        let e = try #require(try DeepLIFT(baseline: .rows(x, source: "b.csv")).explain(x, using: model).first)
        #expect(e.attributions.allSatisfy { $0 == 0 })
        #expect(DeepLIFT(baseline: .rows(x, source: "b.csv")).parameters == ["baseline": "b.csv"])
    }
}
