import ExplainIO
import ExplainMethods
import ExplainTensor
import Testing

@Suite("Attribution JSON")
struct AttributionJSONTests {
    static func result(method: String = "kernelshap", seed: UInt64 = 0) -> AttributionResult {
        AttributionResult(
            method: method, model: "iris-mlp", features: ["a", "b"], outputs: ["no", "yes"], seed: seed,
            parameters: ["samples": "2048", "background": "model", "link": "identity"],
            explanations: [
                Explanation(row: 0, target: 1, targetName: "yes", prediction: 0.97, baseValue: 0.33,
                            attributions: [0.1, 0.54], stdErrors: [0, 0], fidelity: nil,
                            diagnostics: ["model_evaluations": 1024, "completeness_gap": 1e-9], flags: ["exact"]),
                Explanation(row: 4, target: 0, targetName: "no", prediction: -1.5e-7, attributions: [1.0 / 3, -2],
                            featureLabels: ["a <= 1", "b > 2"], outputs: [0.25, 0.75]),
            ])
    }

    @Test("one result is written with CONTRACT keys in a fixed order, null for absent values")
    func layout() throws {
        let text = String(decoding: try AttributionJSON.encode(Self.result()), as: UTF8.self)
        #expect(text == """
            {
              "method": "kernelshap",
              "model": "iris-mlp",
              "features": ["a", "b"],
              "outputs": ["no", "yes"],
              "seed": 0,
              "parameters": {
                "background": "model",
                "link": "identity",
                "samples": "2048"
              },
              "explanations": [
                {
                  "row": 0,
                  "target": 1,
                  "target_name": "yes",
                  "prediction": 0.97,
                  "base_value": 0.33,
                  "attributions": [0.1, 0.54],
                  "std_errors": [0.0, 0.0],
                  "fidelity": null,
                  "diagnostics": {
                    "completeness_gap": 1e-09,
                    "model_evaluations": 1024.0
                  },
                  "flags": ["exact"]
                },
                {
                  "row": 4,
                  "target": 0,
                  "target_name": "no",
                  "prediction": -1.5e-07,
                  "base_value": null,
                  "attributions": [0.3333333333333333, -2.0],
                  "std_errors": null,
                  "fidelity": null,
                  "diagnostics": {},
                  "flags": [],
                  "feature_labels": ["a <= 1", "b > 2"],
                  "outputs": [0.25, 0.75]
                }
              ]
            }

            """)
    }

    @Test("decoding gives back an equal result, and re-encoding the same bytes")
    func roundTrip() throws {
        let r = Self.result(seed: UInt64.max)
        let bytes = try AttributionJSON.encode(r)
        let back = try AttributionJSON.decode(bytes, file: "a.json")
        #expect(back == [r])
        #expect(try AttributionJSON.encode(back[0]) == bytes)
    }

    @Test("a convergence trace is written last, one object per round with sorted keys, and decodes back")
    func convergence() throws {
        var r = Self.result()
        r.explanations[0].convergence = [
            ConvergencePoint(modelEvaluations: 2_169, coalitions: 216, maxStdError: 0.25, valueRange: 2),
            ConvergencePoint(modelEvaluations: 4_281, coalitions: 428, maxStdError: 0.125, valueRange: 2.5),
        ]
        let bytes = try AttributionJSON.encode(r)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("""
                  "flags": ["exact"],
                  "convergence": [
                    {
                      "coalitions": 216,
                      "max_std_error": 0.25,
                      "model_evaluations": 2169,
                      "value_range": 2.0
                    },
            """))
        let back = try AttributionJSON.decode(bytes, file: "a.json")
        #expect(back == [r] && back[0].explanations[1].convergence == nil)
        #expect(try AttributionJSON.encode(back[0]) == bytes)
        let bad = text.replacingOccurrences(of: "\"coalitions\": 428", with: "\"coalitions\": -1")
        do {
            _ = try AttributionJSON.decode(Array(bad.utf8), file: "a.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("a.json") && error.description.contains("convergence[1].coalitions"))
        }
    }

    @Test("a Grad-CAM layer_map is written last with layer, shape, values and channel weights, and decodes back")
    func layerMap() throws {
        var r = Self.result(method: "grad-cam")
        r.explanations[0].layerMap = LayerMap(layer: "conv2", shape: [1, 2], values: [0, 0.5], channelWeights: [-1, 2, 0.25])
        let bytes = try AttributionJSON.encode(r)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("""
                  "flags": ["exact"],
                  "layer_map": {
                    "layer": "conv2",
                    "shape": [1, 2],
                    "values": [0.0, 0.5],
                    "channel_weights": [-1.0, 2.0, 0.25]
                  }
            """))
        let back = try AttributionJSON.decode(bytes, file: "a.json")
        #expect(back == [r] && back[0].explanations[1].layerMap == nil)
        #expect(try AttributionJSON.encode(back[0]) == bytes)
    }

    @Test("--method all writes a results array with the shared header, and decodes to every result")
    func all() throws {
        let results = [Self.result(method: "gradient"), Self.result(method: "lime")]
        let document = try JSONParser.parse(try AttributionJSON.encode(all: results), file: "a.json")
        #expect(document.objectValue?.map(\.key) == ["model", "features", "outputs", "seed", "results"])
        #expect(document["results"]?.arrayValue?.count == 2)
        #expect(document["results"]?[1]?["method"]?.stringValue == "lime")
        #expect(try AttributionJSON.decode(try AttributionJSON.encode(all: results), file: "a.json") == results)
        #expect(throws: ExplainError.self) { try AttributionJSON.encode(all: []) }
    }

    @Test("a non-finite attribution is an error at its path, and nothing is written")
    func nonFinite() throws {
        var r = Self.result()
        r.explanations[1].attributions[1] = .infinity
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        do {
            try AttributionJSON.write([r], to: dir.file("a.json"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .numerical)
            #expect(error.location == "\(dir.file("a.json")): explanations[1].attributions[1]")
        }
        #expect(try dir.contents().isEmpty)
        try AttributionJSON.write([Self.result()], to: dir.file("a.json"))
        #expect(try AttributionJSON.decode(AtomicFile.read(dir.file("a.json")), file: "a.json") == [Self.result()])
    }

    @Test("decoding reports missing or mistyped fields at their path")
    func decodeErrors() throws {
        let good = try JSONParser.parse(try AttributionJSON.encode(Self.result()), file: "a.json")
        let missing = good.setting(["explanations", 0, "prediction"], to: nil)
        do {
            _ = try AttributionJSON.decode(try missing.serialized(), file: "a.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.location == "a.json: explanations[0].prediction")
            #expect(error.message == "missing required field")
        }
        let mistyped = good.setting(["seed"], to: "zero")
        #expect(throws: ExplainError.self) { try AttributionJSON.decode(try mistyped.serialized(), file: "a.json") }
    }
}
