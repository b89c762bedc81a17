import ExplainKit
import Foundation
import Testing

/// Guided Grad-CAM = guided backprop ⊙ the nearest-upsampled Grad-CAM map, against its two parts and captum.
@Suite("Guided Grad-CAM")
struct GuidedGradCAMTests {
    @Test("equals guided backprop times the upsampled Grad-CAM map, pixel by pixel, on every channel", arguments: ["conv2d3", "relu4"])
    func product(layer: String) throws {
        let model = try CaptumCAMFixtureTests.model("cnn")
        var rng = SplitMix64(seed: 12)
        let x = Tensor(shape: [4, 162], scalars: (0..<(4 * 162)).map { _ in Float(rng.nextUniform() * 2 - 0.5) })
        let explanations = try GuidedGradCAM(layer: layer).explain(x, model: model)
        let maps = try GradCAM(layer: layer).maps(x, model: model)
        for (r, e) in explanations.enumerated() {
            let guided = try GuidedBackprop().explain(x.rows(r..<(r + 1)), using: model, target: .index(maps[r].target))[0]
            let up = CAMInterpolation.nearest.resize(maps[r].values, height: 4, width: 4, toHeight: 9, width: 9)
            #expect(e.target == maps[r].target && e.layerMap?.values == maps[r].values)
            for c in 0..<2 { for p in 0..<81 { #expect(e.attributions[c * 81 + p] == guided.attributions[c * 81 + p] * up[p]) } }
        }
        #expect(GuidedGradCAM(layer: layer).parameters(for: model) == ["layer": layer, "interpolation": "nearest"])
    }

    @Test("matches captum GuidedGradCam (nearest upsampling) at a conv2d and at the ReLU after it", arguments: ["conv", "relu"])
    func captum(entry: String) throws {
        let model = try CaptumCAMFixtureTests.model("cnn")
        let fixture = try #require(try CaptumCAMFixtureTests.expected()["guided_grad_cam"]?[entry])
        let inputs = Tensor(rows: CaptumCAMFixtureTests.matrix(try CaptumCAMFixtureTests.expected()["grad_cam"]?["inputs"]).map { $0.map(Float.init) })
        let layer = try #require(fixture["layer"]?.stringValue)
        let explanations = try GuidedGradCAM(layer: layer).explain(inputs, model: model)
        #expect(explanations.map(\.target) == (fixture["targets"]?.arrayValue ?? []).compactMap(\.intValue))
        CaptumCAMFixtureTests.expectClose(explanations.map(\.attributions), CaptumCAMFixtureTests.matrix(fixture["attributions"]),
                                          "guided grad-cam \(layer)")
    }

    @Test("a tabular model is refused, as for Grad-CAM")
    func refusesTabular() throws {
        let model = try CaptumCAMFixtureTests.model("mlp")
        #expect(throws: ExplainError.self) { try GuidedGradCAM().explain(Tensor(shape: [1, 5], repeating: 0), model: model) }
    }
}
