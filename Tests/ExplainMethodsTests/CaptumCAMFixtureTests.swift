import ExplainKit
import Foundation
import Testing

/// Grad-CAM and GradientSHAP against real captum (fixtures made by scripts/make_captum_fixtures_cam.py).
///
/// captum's `GradientShap` draws its baselines and α inside; the script seeds it, draws the same values again, checks
/// that they reproduce captum's result, and stores them. Fed those draws, our estimator (the plain mean, as captum's)
/// must give captum's numbers: this tests the estimator itself, not just its expectation.
@Suite("captum parity: LayerGradCam with interpolate, and GradientShap on the same draws")
struct CaptumCAMFixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func model(_ kind: String) throws -> Model {
        try ModelFile.load(path: fixtures.appendingPathComponent("captum-cam-\(kind).json").path).model
    }

    static func expected() throws -> JSONValue {
        try JSONParser.parse(try AtomicFile.read(fixtures.appendingPathComponent("captum-cam-expected.json").path), file: "expected")
    }

    static func matrix(_ value: JSONValue?) -> [[Double]] {
        (value?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
    }

    static func expectClose(_ ours: [[Double]], _ theirs: [[Double]], _ label: String, tolerance: Double = 1e-4) {
        #expect(ours.count == theirs.count && !theirs.isEmpty, "\(label): \(ours.count) rows vs \(theirs.count)")
        let scale = max(theirs.flatMap { $0 }.map(abs).max() ?? 0, 1e-6)
        for (a, b) in zip(ours, theirs) {
            #expect(a.count == b.count, "\(label): \(a.count) values vs \(b.count)")
            for (u, v) in zip(a, b) { #expect(abs(u - v) <= tolerance * scale, "\(label): \(u) vs captum \(v)") }
        }
    }

    @Test("Grad-CAM equals LayerGradCam(relu_attributions=True) at the layer and interpolated, bilinear and nearest",
          arguments: ["conv", "relu"])
    func gradCAM(entry: String) throws {
        let model = try Self.model("cnn")
        let fixture = try #require(try Self.expected()["grad_cam"])
        let inputs = Tensor(rows: Self.matrix(fixture["inputs"]).map { $0.map(Float.init) })
        let captum = try #require(fixture[entry])
        let layer = try #require(captum["layer"]?.stringValue)
        let explainer = GradCAM(layer: layer)
        let maps = try explainer.maps(inputs, model: model)
        #expect(maps.map(\.target) == (captum["targets"]?.arrayValue ?? []).compactMap(\.intValue))
        #expect(maps.allSatisfy { $0.shape == [4, 4] })
        Self.expectClose(maps.map(\.values), Self.matrix(captum["map"]), "\(layer) map")
        let explanations = try explainer.explain(inputs, model: model)
        // captum's interpolated map has one channel; ours repeats it over the input's two channels.
        Self.expectClose(explanations.map { Array($0.attributions[0..<81]) }, Self.matrix(captum["bilinear"]), "\(layer) bilinear")
        #expect(explanations.allSatisfy { Array($0.attributions[0..<81]) == Array($0.attributions[81...]) })
        let nearest = maps.map { CAMInterpolation.nearest.resize($0.values, height: 4, width: 4, toHeight: 9, width: 9) }
        Self.expectClose(nearest, Self.matrix(captum["nearest"]), "\(layer) nearest")
        #expect(explanations.map(\.layerMap?.values) == maps.map(\.values))
    }

    @Test("GradientSHAP on captum's draws equals GradientShap (MLP, MLP with input noise, CNN)",
          arguments: [("mlp", "mlp"), ("mlp_noise", "mlp"), ("cnn", "cnn")])
    func gradientSHAP(entry: String, kind: String) throws {
        let model = try Self.model(kind)
        let captum = try #require(try Self.expected()["gradient_shap"]?[entry])
        let inputs = Tensor(rows: Self.matrix(captum["inputs"]).map { $0.map(Float.init) })
        let background = Background(rows: Tensor(rows: Self.matrix(captum["background"]).map { $0.map(Float.init) }))
        let samples = try #require(captum["samples"]?.intValue)
        let indices = (captum["baselines"]?.arrayValue ?? []).compactMap(\.intValue)
        let alphas = (captum["alphas"]?.arrayValue ?? []).compactMap(\.doubleValue)
        let noise = Self.matrix(captum["noise"])
        let draws = (0..<inputs.batchSize).map { r in
            (0..<samples).map { s in
                let k = r * samples + s
                return GradientSHAP.Draw(baseline: indices[k], alpha: alphas[k], noise: noise.isEmpty ? nil : noise[k].map(Float.init))
            }
        }
        let targets = (captum["targets"]?.arrayValue ?? []).compactMap(\.intValue)
        let ours = try GradientSHAP(usesControlVariate: false).explain(inputs, using: model, background: background, draws: draws)
        #expect(ours.map(\.target) == targets)
        Self.expectClose(ours.map(\.attributions), Self.matrix(captum["attributions"]), "\(entry)")
    }
}
