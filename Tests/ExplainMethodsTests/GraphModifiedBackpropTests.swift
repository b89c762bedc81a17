import ExplainIO
import ExplainMethods
import ExplainNN
import ExplainTensor
import Testing
import TestSupport

@Suite("Modified backward passes on graph models")
struct GraphModifiedBackpropTests {
    @Test("DeepLIFT on the residual CNN's logits sums to f(x) − f(x′) (rescale rule, sums and fan-out exact)")
    func deepLIFTCompleteness() throws {
        let file = try ONNXGraphFixtures.sample("digits_resnet")
        let model = try file.model.logitModel()
        let entry = try #require(try ONNXGraphFixtures.document()["digits_resnet"])
        let x = try ONNXGraphFixtures.tensor(entry["input"])
        let explanations = try DeepLIFT(baseline: .mean).explain(x, using: model, featureStats: file.featureStats)
        #expect(explanations.count == x.batchSize)
        for e in explanations {
            let gap = try #require(e.diagnostics["completeness_gap"])
            let base = try #require(e.baseValue)
            #expect(Swift.abs(gap) <= 1e-4 * Swift.max(1, Swift.abs(e.prediction - base)), "gap \(gap)")
        }
    }

    @Test("LRP's epsilon rule runs through the residual sum and conserves relevance up to the biases", arguments: [false, true])
    func lrpOnGraph(bias: Bool) throws {
        // A bias-free residual MLP conserves relevance exactly (ε → 0); with biases the gap is reported.
        let r = { (shape: [Int], seed: UInt64) in FiniteDifferences.randomTensor(shape: shape, seed: seed, scale: 0.7) }
        let zero = { (n: Int) in Tensor(shape: [n], repeating: 0) }
        let layers: [any Layer] = [
            Dense(name: "fc1", weight: r([5, 4], 1), bias: bias ? r([5], 2) : zero(5)),
            Activation(name: "relu1", kind: .relu),
            Dense(name: "fc2", weight: r([5, 5], 3), bias: bias ? r([5], 4) : zero(5)),
            Broadcast(name: "add", operation: .add),
            Activation(name: "relu2", kind: .relu),
            Dense(name: "head", weight: r([2, 5], 5), bias: bias ? r([2], 6) : zero(2)),
        ]
        let model = try Model(name: "res", inputShape: [4], featureNames: ["a", "b", "c", "d"], outputNames: ["p", "q"],
                              layers: layers, inputIDs: [[0], [1], [2], [2, 3], [4], [5]])
        let x = r([3, 4], 7)
        let explanations = try LRP(rule: .epsilon, epsilon: 1e-9).explain(x, using: model, target: .index(0))
        for e in explanations {
            let gap = try #require(e.diagnostics["conservation_gap"])
            if !bias { #expect(Swift.abs(gap) <= 1e-4 * Swift.max(1, Swift.abs(e.prediction)), "gap \(gap)") }
            #expect(gap.isFinite)
        }
    }
}
