import ExplainMethods
import ExplainNN
import ExplainTensor
import Testing

@Suite("Grad-CAM and CAM interpolation")
struct GradCAMTests {
    typealias F = GradientFixtures

    /// 2×6×6 → conv 3@3×3 pad 1 → tanh → conv 4@3×3 stride 2 → tanh → flatten → dense 4 → softmax.
    static func cnn() throws -> Model {
        var rng = SplitMix64(seed: 8)
        func conv(_ name: String, _ o: Int, _ c: Int, stride: Int, padding: Int) -> Conv2D {
            Conv2D(name: name, weight: Tensor(shape: [o, c, 3, 3], scalars: F.gaussian(o * c * 9, scale: 0.5, rng: &rng)),
                   bias: Tensor(shape: [o], scalars: F.gaussian(o, scale: 0.2, rng: &rng)), stride: stride, padding: padding)
        }
        return try Model(name: "cnn", inputShape: [2, 6, 6], featureNames: F.names("px", 72), outputNames: F.names("class", 4), layers: [
            conv("conv1", 3, 2, stride: 1, padding: 1), Activation(name: "tanh1", kind: .tanh),
            conv("conv2", 4, 3, stride: 2, padding: 0), Activation(name: "tanh2", kind: .tanh),
            Flatten(name: "flat"), F.dense("fc", 16, 4, rng: &rng, scale: 2), Softmax(name: "softmax"),
        ])
    }

    @Test("the map equals ReLU(Σ_k mean(∂f/∂A_k) A_k) from activations and gradients captured by hooks",
          arguments: ["conv2", "tanh2", "conv1"])
    func matchesHookedComputation(layer: String) throws {
        let model = try Self.cnn()
        let x = F.rows(3, width: 72, seed: 51, scale: 1.5)
        let maps = try GradCAM(layer: layer).maps(x, model: model, target: .index(2))
        let recorder = try ActivationRecorder(model: model, layers: [layer])
        defer { recorder.remove() }
        _ = model.inputGradient(x, targets: [2, 2, 2])
        let a = try #require(recorder.activations[layer]), g = try #require(recorder.gradients[layer])
        let (k, h, w) = (a.shape[1], a.shape[2], a.shape[3])
        #expect(model.hookCount == 2)
        for r in 0..<3 {
            let weights = (0..<k).map { c in (0..<(h * w)).map { Double(g.scalars[(r * k + c) * h * w + $0]) }.reduce(0, +) / Double(h * w) }
            let expected = (0..<(h * w)).map { p in max(0, (0..<k).map { weights[$0] * Double(a.scalars[(r * k + $0) * h * w + p]) }.reduce(0, +)) }
            #expect(maps[r].shape == [h, w])
            #expect(F.maxDifference(maps[r].channelWeights, weights) < 1e-7)
            #expect(F.maxDifference(maps[r].values, expected) < 1e-7)
        }
        #expect(maps.contains { $0.values.contains { $0 > 0 } })
    }

    @Test("bilinear upsampling (align_corners=False) and nearest match hand-computed cases")
    func interpolation() {
        // 2×2 → 4×4: source rows/columns max(0, (i + ½)/2 − ½) = 0, 0.25, 0.75, 1.
        let up = CAMInterpolation.bilinear.resize([1, 2, 3, 4], height: 2, width: 2, toHeight: 4, width: 4)
        #expect(up == [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4])
        // 1×2 → 1×3: sources 0 (clamped from −1/6), 0.5, 7/6 → clamped to the last column.
        let three = CAMInterpolation.bilinear.resize([0, 6], height: 1, width: 2, toHeight: 1, width: 3)
        #expect(F.maxDifference(three, [0, 3, 6]) < 1e-12)
        #expect(CAMInterpolation.nearest.resize([0, 6], height: 1, width: 2, toHeight: 1, width: 3) == [0, 0, 6])
        // Same size is the identity; 3 → 2 reads sources 0.25 and 1.75.
        #expect(CAMInterpolation.bilinear.resize([1, 2, 3, 4], height: 2, width: 2, toHeight: 2, width: 2) == [1, 2, 3, 4])
        #expect(CAMInterpolation.bilinear.resize([0, 4, 8], height: 1, width: 3, toHeight: 1, width: 2) == [1, 7])
    }

    @Test("explanations upsample the map to the input, repeat it over channels, carry layer_map; chunking changes nothing")
    func explanations() throws {
        let model = try Self.cnn()
        let x = F.rows(4, width: 72, seed: 52)
        let cam = GradCAM()
        var chunked = cam
        chunked.batching = GradientBatching(maxScalars: 1)
        let e = try cam.explain(x, model: model, rowIndices: [3, 4, 5, 6])
        #expect(try chunked.explain(x, model: model, rowIndices: [3, 4, 5, 6]) == e)
        let maps = try cam.maps(x, model: model)
        #expect(cam.parameters(for: model)["layer"] == "conv2")
        for (explanation, map) in zip(e, maps) {
            let up = CAMInterpolation.bilinear.resize(map.values, height: 2, width: 2, toHeight: 6, width: 6)
            #expect(explanation.attributions == up + up)
            #expect(explanation.layerMap == LayerMap(layer: "conv2", shape: [2, 2], values: map.values, channelWeights: map.channelWeights))
            #expect(explanation.target == map.target && explanation.baseValue == nil && explanation.stdErrors == nil)
            #expect(explanation.flags == (map.values.allSatisfy { $0 == 0 } ? ["grad_cam_map_zero"] : []))
        }
        #expect(e.map(\.row) == [3, 4, 5, 6])
    }

    @Test("the default layer is the last conv2d; MLPs and flat layers are refused, naming the feature-map layers")
    func layers() throws {
        #expect(GradCAM.defaultLayer(in: try Self.cnn()) == "conv2")
        #expect(GradCAM.defaultLayer(in: try F.smoothMLP()) == nil)
        let x = F.rows(1, width: 5, seed: 53)
        #expect(throws: ExplainError.self) { try GradCAM().explain(x, model: try F.smoothMLP()) }
        do {
            _ = try GradCAM(layer: "fc").explain(F.rows(1, width: 72, seed: 54), model: try Self.cnn())
            Issue.record("a dense layer was accepted")
        } catch let error as ExplainError {
            #expect(error.message.contains("conv1, tanh1, conv2, tanh2"))
        }
        #expect(throws: ExplainError.self) { try GradCAM(layer: "nope").explain(F.rows(1, width: 72, seed: 54), model: try Self.cnn()) }
    }
}
