import ExplainIO
import ExplainMethods
import ExplainNN
import ExplainTensor
import Foundation
import Testing

/// Networks exported from real PyTorch, with captum's DeepLift, DeepLiftShap, GuidedBackprop, Deconvolution and LRP
/// attributions recorded by scripts/make_captum_fixtures_deeplift.py.
@Suite("captum fixtures: DeepLIFT, DeepSHAP, guided backprop, deconvolution and LRP equal captum's on the same networks")
struct CaptumModifiedBackpropTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct Case {
        let model: Model
        let inputs: Tensor
        let entry: JSONValue
        let expected: JSONValue

        init(_ kind: String) throws {
            model = try ModelFile.load(path: CaptumModifiedBackpropTests.fixtures
                .appendingPathComponent("captum-modified-backprop-\(kind).json").path).model
            expected = try JSONParser.parse(try AtomicFile.read(CaptumModifiedBackpropTests.fixtures
                .appendingPathComponent("captum-modified-backprop-expected.json").path), file: "expected")
            entry = try #require(expected[kind])
            inputs = Tensor(rows: Self.matrix(entry["inputs"]).map { $0.map(Float.init) })
        }

        static func matrix(_ value: JSONValue?) -> [[Double]] {
            (value?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
        }

        func rows(_ key: String) -> Tensor { Tensor(rows: Self.matrix(entry[key]).map { $0.map(Float.init) }) }

        /// Checks that `explanations` explain captum's targets with captum's `key` attributions, to `tolerance`
        /// relative to the largest |φ|.
        func expectAgreement(_ explanations: [Explanation], _ key: String, tolerance: Double = 1e-5) {
            let theirs = Self.matrix(entry[key])
            let targets = (entry["targets"]?.arrayValue ?? []).compactMap(\.intValue)
            #expect(explanations.map(\.target) == targets, "\(model.name) \(key): the predicted classes differ")
            #expect(explanations.count == theirs.count && !theirs.isEmpty)
            let scale = max(theirs.flatMap { $0 }.map(abs).max() ?? 0, 1e-6)
            for (e, t) in zip(explanations, theirs) {
                let worst = zip(e.attributions, t).map { abs($0 - $1) }.max() ?? .infinity
                #expect(worst <= tolerance * scale, "\(model.name) \(key) row \(e.row): off by \(worst) (scale \(scale))")
            }
        }
    }

    @Test("DeepLift (rescale rule, softmax and max pooling as captum) and DeepLiftShap", arguments: ["mlp", "cnn"])
    func deepLIFT(kind: String) throws {
        let c = try Case(kind)
        c.expectAgreement(try DeepLIFT(baseline: .rows(c.rows("baseline"))).explain(c.inputs, using: c.model), "deeplift")
        // captum's DeepLiftShap: uniform weights, on the network without its softmax.
        let logits = try Model(name: c.model.name, inputShape: c.model.inputShape, featureNames: c.model.featureNames,
                               outputNames: c.model.outputNames, layers: Array(c.model.layers.dropLast()))
        let shap = try DeepSHAP().explain(c.inputs, using: logits, background: Background(rows: c.rows("shap_baselines")),
                                          target: .predicted)
        c.expectAgreement(shap, "deeplift_shap_logits")
    }

    @Test("GuidedBackprop and Deconvolution", arguments: ["mlp", "cnn"])
    func guided(kind: String) throws {
        let c = try Case(kind)
        c.expectAgreement(try GuidedBackprop(kind: .guidedBackprop).explain(c.inputs, using: c.model), "guided_backprop")
        c.expectAgreement(try GuidedBackprop(kind: .deconvolution).explain(c.inputs, using: c.model), "deconvolution")
    }

    @Test("LRP with the epsilon, gamma and z⁺ rules (captum on the logits; ours steps over the final softmax)",
          arguments: ["mlp", "cnn"])
    func lrp(kind: String) throws {
        let c = try Case(kind)
        let epsilon = Float(try #require(c.expected["lrp_epsilon"]?.doubleValue))
        let gamma = Float(try #require(c.expected["lrp_gamma"]?.doubleValue))
        let stabiliser = Float(try #require(c.expected["lrp_rule_epsilon_elsewhere"]?.doubleValue))
        c.expectAgreement(try LRP(rule: .epsilon, epsilon: epsilon).explain(c.inputs, using: c.model), "lrp_epsilon")
        c.expectAgreement(try LRP(rule: .gamma, epsilon: stabiliser, gamma: gamma).explain(c.inputs, using: c.model), "lrp_gamma")
        c.expectAgreement(try LRP(rule: .zPlus, epsilon: stabiliser).explain(c.inputs, using: c.model), "lrp_zplus")
    }
}
