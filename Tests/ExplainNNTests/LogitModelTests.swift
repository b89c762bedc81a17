import ExplainKit
import Foundation
import Testing
import TestSupport

/// `Model.logitModel()`: the network without its final softmax or sigmoid, for explaining logits.
@Suite("Logit view of a model")
struct LogitModelTests {
    /// The MLP fixture ending in a sigmoid instead of its softmax (two independent outputs).
    static func sigmoidMLP() throws -> Model {
        let softmax = try Fixtures.mlp()
        return try Model(name: "sig", inputShape: softmax.inputShape, featureNames: softmax.featureNames,
                         outputNames: softmax.outputNames,
                         layers: Array(softmax.layers.dropLast()) + [Activation(name: "sigmoid", kind: .sigmoid)])
    }

    @Test("outputs and gradients equal those of the network built without its last layer", arguments: ["softmax", "sigmoid", "cnn"])
    func equalsPreActivationNetwork(kind: String) throws {
        let model = kind == "softmax" ? try Fixtures.mlp() : kind == "sigmoid" ? try Self.sigmoidMLP() : try Fixtures.cnn()
        #expect(model.outputActivation == (kind == "sigmoid" ? "sigmoid" : "softmax"))
        let logits = try model.logitModel()
        let reference = try Model(name: "ref", inputShape: model.inputShape, featureNames: model.featureNames,
                                  outputNames: model.outputNames, layers: Array(model.layers.dropLast()))
        #expect(logits.outputActivation == nil)
        #expect(logits.layerNames == reference.layerNames && logits.outputNames == model.outputNames)
        let x = FiniteDifferences.randomTensor(shape: [5, model.inputWidth], seed: 3, scale: 2)
        #expect(logits.forward(x) == reference.forward(x))
        #expect(logits.infer(x) == reference.infer(x))
        for target in 0..<model.outputCount {
            let targets = [Int](repeating: target, count: 5)
            #expect(logits.inputGradient(x, targets: targets).gradient == reference.inputGradient(x, targets: targets).gradient)
        }
        // The probabilities are the squashed logits.
        let p = model.forward(x), z = logits.forward(x)
        if kind == "sigmoid" {
            for (pi, zi) in zip(p.scalars, z.scalars) { #expect(abs(Double(pi) - 1 / (1 + Foundation.exp(-Double(zi)))) < 1e-6) }
        } else {
            #expect(Softmax.apply(z).scalars.enumerated().allSatisfy { abs($0.element - p.scalars[$0.offset]) < 1e-6 })
        }
    }

    @Test("the view shares the model's hooks")
    func sharesHooks() throws {
        let model = try Fixtures.mlp()
        let logits = try model.logitModel()
        let seen = LockedCounter()
        let handle = try model.registerForwardHook(at: "fc1") { _ in seen.increment() }
        _ = logits.forward(FiniteDifferences.randomTensor(shape: [2, 4], seed: 1, scale: 1))
        #expect(seen.value == 1)
        handle.remove()
        _ = logits.forward(FiniteDifferences.randomTensor(shape: [2, 4], seed: 1, scale: 1))
        #expect(seen.value == 1)
    }

    @Test("a model whose outputs are already unbounded is refused, naming its last layer")
    func refusesUnbounded() throws {
        let model = try Fixtures.mlp()
        let unbounded = try Model(name: "reg", inputShape: [4], featureNames: model.featureNames, outputNames: ["y0", "y1"],
                                  layers: Array(model.layers.dropLast()))
        #expect(unbounded.outputActivation == nil)
        #expect {
            _ = try unbounded.logitModel()
        } throws: { error in
            let e = error as? ExplainError
            return e?.code == .invalidArgument && e?.message.contains("dense") == true
        }
    }
}
