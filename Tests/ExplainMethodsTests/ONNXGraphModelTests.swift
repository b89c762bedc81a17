import ExplainIO
import ExplainMethods
import ExplainNN
import ExplainTensor
import Foundation
import Testing
import TestSupport

@Suite("ONNX graph models: predictions, gradients and attributions against onnxruntime, PyTorch and captum")
struct ONNXGraphModelTests {
    static let samples = ["breast_cancer_pipeline", "digits_resnet"]

    @Test("forward and infer equal onnxruntime's probabilities to 1e-5 relative", arguments: samples)
    func predictions(sample: String) throws {
        let entry = try #require(try ONNXGraphFixtures.document()[sample])
        let model = try ONNXGraphFixtures.sample(sample).model
        let x = try ONNXGraphFixtures.tensor(entry["input"])
        let want = try ONNXGraphFixtures.tensor(entry["probabilities"]).scalars.map(Double.init)
        for got in [model.forward(x), model.infer(x)] {
            #expect(got.shape == [x.batchSize, model.outputCount])
            // Probabilities near 0 come out of 1 − σ(z) in onnxruntime and σ(−z) here: compare to 1e-5 of 1 as well.
            let worst = zip(got.scalars.map(Double.init), want).map { Swift.abs($0 - $1) / Swift.max(Swift.abs($1), 1) }.max() ?? 0
            #expect(worst <= 1e-5, "\(sample): \(worst)")
        }
        #expect(model.isChain == (sample == "breast_cancer_pipeline"))
    }

    @Test("the logit view explains the tensor before the final squash: onnxruntime's logits", arguments: samples)
    func logits(sample: String) throws {
        let entry = try #require(try ONNXGraphFixtures.document()[sample])
        let model = try ONNXGraphFixtures.sample(sample).model.logitModel()
        let x = try ONNXGraphFixtures.tensor(entry["input"])
        let logits = try ONNXGraphFixtures.tensor(entry["logits"]).scalars.map(Double.init)
        let got = model.forward(x).scalars.map(Double.init)
        // skl2onnx's binary classifier has one logit z; the graph model's logits are [−z, z].
        let want = sample == "breast_cancer_pipeline" ? logits.flatMap { [-$0, $0] } : logits
        #expect(ONNXGraphFixtures.worstRelative(got, want) <= 1e-5)
    }

    @Test("input gradients equal PyTorch autograd (CNN) and the analytic float64 gradient (pipeline) to 1e-4",
          arguments: samples)
    func gradients(sample: String) throws {
        let entry = try #require(try ONNXGraphFixtures.document()[sample])
        let file = try ONNXGraphFixtures.sample(sample)
        let x = try ONNXGraphFixtures.tensor(entry["input"])
        let predicted = try #require(entry["predicted"]?.arrayValue).compactMap(\.intValue)
        let probability = file.model.inputGradient(x, targets: predicted).gradient.scalars.map(Double.init)
        #expect(ONNXGraphFixtures.worstRelative(probability, try ONNXGraphFixtures.doubles(entry["gradient"]), floor: 1e-2) <= 1e-4)
        // The pipeline's logit gradient is of its one logit (class 1); the CNN's of the predicted class's logit.
        let logitTargets = sample == "breast_cancer_pipeline" ? predicted.map { _ in 1 } : predicted
        let logit = try file.model.logitModel().inputGradient(x, targets: logitTargets).gradient.scalars.map(Double.init)
        #expect(ONNXGraphFixtures.worstRelative(logit, try ONNXGraphFixtures.doubles(entry["logit_gradient"]), floor: 1e-2) <= 1e-4)
    }

    @Test("integrated gradients on the residual CNN equal captum's, and so does the completeness gap",
          arguments: ["zeros", "mean"])
    func integratedGradients(baseline name: String) throws {
        let entry = try #require(try ONNXGraphFixtures.document()["digits_resnet"])
        let reference = try #require(entry["integrated_gradients"]?[name])
        let file = try ONNXGraphFixtures.sample("digits_resnet")
        let x = try ONNXGraphFixtures.tensor(entry["input"])
        let base = try ONNXGraphFixtures.tensor(reference["baseline"])
        let baseline = GradientBaseline.rows(base.reshaped([1, file.model.inputWidth]))
        let explanations = try IntegratedGradients(stepCount: 50, rule: .gaussLegendre, baseline: baseline)
            .explain(x, using: file.model)
        let want = try ONNXGraphFixtures.doubles(reference["attributions"])
        #expect(ONNXGraphFixtures.worstRelative(explanations.flatMap(\.attributions), want, floor: 1e-2) <= 1e-4)
        let deltas = try #require(reference["convergence_delta"]?.arrayValue).compactMap(\.doubleValue)
        for (e, delta) in zip(explanations, deltas) {
            let gap = try #require(e.diagnostics["completeness_gap"])
            // captum's delta is Σφ − (f(x) − f(x′)), our gap the same quantity.
            #expect(Swift.abs(gap - delta) <= 1e-4, "gap \(gap) vs captum \(delta)")
        }
    }

    @Test("KernelSHAP on an ONNX model with 8 features equals brute-force Shapley values from onnxruntime",
          arguments: ["probability", "logit"])
    func kernelSHAPExact(output: String) throws {
        let entry = try #require(try ONNXGraphFixtures.document()["mlp8"])
        let features = try #require(entry["features"]?.arrayValue).compactMap(\.stringValue)
        let path = ONNXGraphFixtures.folder.appendingPathComponent("mlp8.onnx").path
        let file = try ModelFile.loadONNX(path: path, featureNames: features, namesFrom: "mlp8.csv")
        let model = output == "logit" ? try file.model.logitModel() : file.model
        let background = Background(rows: try ONNXGraphFixtures.tensor(entry["background"]))
        let x = try ONNXGraphFixtures.tensor(entry["input"])
        let reference = try #require(entry["shapley"]?[output])
        let want = try ONNXGraphFixtures.doubles(reference["values"])
        let explainer = try KernelSHAPExplainer(background: background, samples: 1 << 10)
        var rng = SplitMix64(seed: 1)
        for r in 0..<x.batchSize {
            let row = Array(x.scalars[(r * 8)..<((r + 1) * 8)])
            let result = try explainer.explain(row, row: r, target: .index(1), predictor: model, rng: &rng)
            let phi = try result.explanation(target: .index(1)).attributions
            let expected = Array(want[(r * 8)..<((r + 1) * 8)])
            let scale = Swift.max(expected.map(Swift.abs).max() ?? 0, 1e-6)
            for (a, b) in zip(phi, expected) { #expect(Swift.abs(a - b) <= 1e-4 * scale + 1e-6, "row \(r): \(a) vs \(b)") }
        }
    }

    @Test("layer attribution reads an inner tensor of the residual block by its ONNX name")
    func innerTensor() throws {
        let entry = try #require(try ONNXGraphFixtures.document()["digits_resnet"])
        let inner = try #require(entry["inner_tensor"])
        let name = try #require(inner["name"]?.stringValue)
        let file = try ONNXGraphFixtures.sample("digits_resnet")
        let x = try ONNXGraphFixtures.tensor(entry["input"])
        let attribution = try LayerAttributor(layer: name, method: .activation).attribute(x.rows(0..<1), model: file.model)
        let want = try ONNXGraphFixtures.doubles(inner["value"])
        #expect(attribution.shape == [8, 8, 8])
        #expect(ONNXGraphFixtures.worstRelative(try #require(attribution.rows.first).scores, want, floor: 1e-2) <= 1e-5)
        // Gradient × activation there: the activation times the gradient of the output with respect to it.
        let gxa = try LayerAttributor(layer: name, method: .gradientXActivation).attribute(x.rows(0..<1), model: file.model)
        let index = try file.model.layerIndex(named: name)
        let pass = file.model.forwardWithLayerPullback(x.rows(0..<1), at: index)
        let t = try #require(gxa.rows.first?.target)
        var seed = Tensor(shape: pass.output.shape, repeating: 0)
        seed.scalars[t] = 1
        let g = pass.pullback(seed)
        let product = zip(pass.activation.scalars, g.scalars).map { Double($0) * Double($1) }
        #expect(ONNXGraphFixtures.worstRelative(try #require(gxa.rows.first).scores, product, floor: 1e-3) <= 1e-5)
    }
}

@Suite("ONNX graph models: KernelSHAP's first-layer shortcut")
struct ONNXFirstLayerShortcutTests {
    @Test("the imported input preprocessing (Scaler; Sub and Div) folds into the first affine node, and the rest of the graph runs from its pre-activations",
          arguments: ONNXGraphModelTests.samples)
    func shortcut(sample: String) throws {
        let model = try ONNXGraphFixtures.sample(sample).model
        let affine = try #require(model.inputAffine, "no first-layer shortcut on \(sample)")
        let entry = try #require(try ONNXGraphFixtures.document()[sample])
        let x = try ONNXGraphFixtures.tensor(entry["input"])
        let hidden = affine.bias.count, width = model.inputWidth
        var h = [Float](repeating: 0, count: x.batchSize * hidden)
        for r in 0..<x.batchSize {
            for o in 0..<hidden {
                var sum = Double(affine.bias[o])
                for j in 0..<width { sum += Double(affine.weight[o * width + j]) * Double(x.scalars[r * width + j]) }
                h[r * hidden + o] = Float(sum)
            }
        }
        let viaShortcut = model.infer(preActivations: Tensor(shape: [x.batchSize, hidden], scalars: h))
        #expect(Closeness.maxAbsDifference(viaShortcut.scalars, model.infer(x).scalars) < 1e-5)
    }
}

@Suite("ONNX graph models: class labels")
struct ONNXClassLabelTests {
    @Test("a bare scikit-learn export names its outputs by its class labels, and predicts what onnxruntime predicts")
    func labels() throws {
        let entry = try #require(try ONNXGraphFixtures.document()["iris_labels"])
        let classes = try #require(entry["classes"]?.arrayValue).compactMap(\.stringValue)
        let path = ONNXGraphFixtures.folder.appendingPathComponent("iris_labels.onnx").path
        let model = try ModelFile.loadONNX(path: path, featureNames: nil, namesFrom: "iris.csv").model
        #expect(model.outputNames == classes)
        #expect(classes == ["setosa", "versicolor", "virginica"])
        let x = try ONNXGraphFixtures.tensor(entry["input"])
        let want = try ONNXGraphFixtures.doubles(entry["probabilities"])
        #expect(ONNXGraphFixtures.worstRelative(model.forward(x).scalars.map(Double.init), want) <= 1e-5)
    }
}
