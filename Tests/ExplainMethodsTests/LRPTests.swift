import ExplainMethods
import ExplainNN
import ExplainTensor
import TestSupport
import Testing

@Suite("LRP: LRP-0 is gradient × input on bias-free ReLU nets, relevance is conserved where the rules conserve it")
struct LRPTests {
    @Test("LRP-0 (ε → 0) on a bias-free ReLU MLP equals gradient × input")
    func lrpZero() throws {
        let model = try ModifiedBackpropFixtures.mlp(biases: false)
        let x = GradientFixtures.rows(8, width: 4, seed: 41, scale: 1.5)
        let lrp = try LRP(rule: .epsilon, epsilon: 1e-9).explain(x, using: model)
        let gxi = try GradientExplainer(kind: .gradientXInput).explain(x, using: model)
        for (a, b) in zip(lrp, gxi) {
            let scale = max(b.attributions.map(abs).max() ?? 0, 1e-6)
            #expect(Closeness.maxAbsDifference(a.attributions, b.attributions) <= 1e-5 * scale)
        }
    }

    @Test("bias-free nets conserve relevance under every rule, through max and average pooling too",
          arguments: LRPRule.allCases)
    func conservation(rule: LRPRule) throws {
        for model in [try ModifiedBackpropFixtures.mlp(biases: false), try ModifiedBackpropFixtures.cnn(biases: false)] {
            let x = GradientFixtures.rows(6, width: model.inputWidth, seed: 42, scale: 2).map { abs($0) + 0.1 }
            for e in try LRP(rule: rule, epsilon: 1e-9).explain(x, using: model) {
                let explained = try #require(e.diagnostics["explained_value"])
                #expect(abs(e.attributions.reduce(0, +) - explained) <= 1e-4 * max(1, abs(explained)), "\(model.name) \(rule)")
                #expect(abs(e.diagnostics["conservation_gap"] ?? .nan) <= 1e-4 * max(1, abs(explained)))
                #expect(e.flags.isEmpty)
            }
        }
    }

    @Test("a final softmax is stepped over: the relevance is that of the logit, the prediction the probability")
    func finalSoftmax() throws {
        let model = try ModifiedBackpropFixtures.mlp(biases: false, softmax: true)
        let logits = try ModifiedBackpropFixtures.mlp(biases: false)
        let x = GradientFixtures.rows(3, width: 4, seed: 43)
        let probabilities = model.forward(x), scores = logits.forward(x)
        for (r, (a, b)) in zip(try LRP().explain(x, using: model), try LRP().explain(x, using: logits, target: .predicted)).enumerated() {
            #expect(a.attributions == b.attributions && a.target == b.target)
            #expect(a.prediction == Double(probabilities.scalars[r * 3 + a.target]))
            #expect(a.diagnostics["explained_value"] == Double(scores.scalars[r * 3 + a.target]))
        }
    }

    @Test("gamma with γ = 0 is the epsilon rule; biases make a gap, and the gap reported is Σφ − R_out")
    func ruleRelations() throws {
        let model = try ModifiedBackpropFixtures.mlp()
        let x = GradientFixtures.rows(4, width: 4, seed: 44)
        let epsilon = try LRP(rule: .epsilon).explain(x, using: model)
        let gamma0 = try LRP(rule: .gamma, gamma: 0).explain(x, using: model)
        for (a, b) in zip(epsilon, gamma0) { #expect(Closeness.maxAbsDifference(a.attributions, b.attributions) < 1e-9) }
        #expect(epsilon.contains { abs($0.diagnostics["conservation_gap"] ?? 0) > 1e-3 })
        for e in epsilon {
            let gap = e.attributions.reduce(0, +) - (e.diagnostics["explained_value"] ?? .nan)
            #expect(abs(gap - (e.diagnostics["conservation_gap"] ?? .nan)) < 1e-9)
        }
        #expect(LRP(rule: .gamma).parameters == ["lrp_rule": "gamma", "epsilon": "1e-06", "gamma": "0.25"])
    }

    @Test("a model that is only a softmax gives the target's input all the relevance")
    func softmaxOnly() throws {
        let model = try Model(name: "s", inputShape: [3], featureNames: ["a", "b", "c"], outputNames: ["p", "q", "r"],
                              layers: [Softmax(name: "softmax")])
        let e = try #require(try LRP().explain(Tensor(shape: [1, 3], scalars: [0.5, 2, -1]), using: model).first)
        #expect(e.target == 1 && e.attributions == [0, 2, 0] && e.diagnostics["conservation_gap"] == 0)
    }

    @Test("a layer without a rule is refused by name")
    func refusal() throws {
        var rng = SplitMix64(seed: 45)
        let model = try Model(name: "sig", inputShape: [3], featureNames: ["a", "b", "c"], outputNames: ["y"], layers: [
            GradientFixtures.dense("fc1", 3, 4, rng: &rng), Activation(name: "squash", kind: .sigmoid),
            GradientFixtures.dense("fc2", 4, 1, rng: &rng),
        ])
        do {
            _ = try LRP().explain(GradientFixtures.rows(1, width: 3, seed: 46), using: model)
            Issue.record("expected an error")
        } catch let error as ExplainError {
            #expect(error.code == .unsupported && error.message.contains("squash") && error.location == "layers[1]")
        }
    }
}
