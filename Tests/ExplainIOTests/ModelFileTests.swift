import ExplainIO
import ExplainMethods
import ExplainNN
import ExplainTensor
import Testing

@Suite("Model file round trips")
struct ModelFileTests {
    func bits(_ file: ModelFile) -> [[UInt32]] {
        file.model.parameters.map { $0.flatMap { $0.scalars.map(\.bitPattern) } }
    }

    @Test("save(load(file)) reproduces the bytes of a file we wrote", arguments: [
        ModelFixtures.tabularDocument(), ModelFixtures.imageDocument(),
    ])
    func exactRoundTrip(document: JSONValue) throws {
        let original = ModelFixtures.bytes(document)
        let loaded = try ModelFile.parse(bytes: original, file: "m.json")
        let saved = try loaded.serialized()
        #expect(saved == original)
        let again = try ModelFile.parse(bytes: saved, file: "m.json")
        #expect(try again.serialized() == saved)
        #expect(bits(again) == bits(loaded))
    }

    @Test("loading builds the model the document describes, with default names for unnamed layers")
    func contents() throws {
        let file = try ModelFile.parse(bytes: ModelFixtures.bytes(ModelFixtures.tabularDocument()), file: "m.json")
        let model = file.model
        #expect(model.name == "iris-mlp")
        #expect(model.inputShape == [4])
        #expect(model.featureNames == ["a", "b", "c", "d"])
        #expect(model.outputNames == ["setosa", "versicolor", "virginica"])
        #expect(model.layerNames == ["standardize0", "fc1", "relu2", "dense3", "probs"])
        #expect(model.layerShapes == [[4], [5], [5], [3], [3]])
        let dense = try #require(model.layers[1] as? Dense)
        let json = try #require(ModelFixtures.tabularDocument()["layers"]?[1]?["weight"]?[2]?[3]?.floatValue)
        #expect(dense.weight.shape == [5, 4])
        #expect(dense.weight.scalars[2 * 4 + 3] == json)
        let background = try #require(file.background)
        #expect(background.rows.shape == [3, 4])
        #expect(background.weights == [0.25, 0.25, 0.5])
        #expect(file.featureStats?.quartiles[2] == [1.6, 4.35, 5.1])

        let image = try ModelFile.parse(bytes: ModelFixtures.bytes(ModelFixtures.imageDocument()), file: "m.json")
        #expect(image.model.layerNames == ["conv", "leaky_relu1", "maxpool2d2", "flatten3", "dropout4", "head"])
        #expect(image.model.layerShapes == [[2, 4, 4], [2, 4, 4], [2, 2, 2], [8], [8], [2]])
        #expect((image.model.layers[0] as? Conv2D)?.padding == 1)
        #expect((image.model.layers[1] as? Activation)?.kind == .leakyReLU(slope: 0.2))
        #expect((image.model.layers[4] as? Dropout)?.p == 0.25)
        #expect(image.background == nil && image.featureStats == nil)
    }

    @Test("a model built in code saves, loads back with bit-identical weights, and gives the same outputs")
    func programmaticModel() throws {
        var rng = SplitMix64(seed: 9)
        let w = Tensor(shape: [3, 4], scalars: (0..<12).map { _ in Float(rng.nextNormal()) })
        let b = Tensor(shape: [3], scalars: [0.1, -0.2, 1e-7])
        let model = try Model(name: "m", inputShape: [4], featureNames: ["a", "b", "c", "d"],
                              outputNames: ["x", "y", "z"],
                              layers: [Dense(name: "dense0", weight: w, bias: b), Activation(name: "out", kind: .tanh)])
        let rows = Tensor(shape: [10, 4], scalars: (0..<40).map { _ in Float(rng.nextUniform()) })
        let file = ModelFile(model: model, background: Background(rows: rows),
                             featureStats: FeatureStats.computed(from: rows.scalars, rows: 10, width: 4))
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try file.save(to: dir.file("models/m.json"))
        let text = String(decoding: try AtomicFile.read(dir.file("models/m.json")), as: UTF8.self)
        #expect(!text.contains("\"dense0\""))  // default names are not written
        #expect(text.contains("\"name\": \"out\""))
        let loaded = try ModelFile.load(path: dir.file("models/m.json"))
        #expect(bits(loaded) == bits(file))
        #expect(loaded.model.forward(rows) == model.forward(rows))
        #expect(loaded.background == file.background)
        #expect(loaded.featureStats == file.featureStats)
        // Uniform weights of 10 rows are not exact in binary; the second save must still match the first.
        try loaded.save(to: dir.file("models/m2.json"))
        #expect(try AtomicFile.read(dir.file("models/m2.json")) == AtomicFile.read(dir.file("models/m.json")))
    }

    @Test("a hand-written file in the canonical layout round trips byte for byte, names and optional fields kept")
    func handWritten() throws {
        let text = """
            {
              "format": "explainkit.model",
              "version": 1,
              "name": "h",
              "input": {
                "shape": [2],
                "features": ["u", "v"]
              },
              "output": {
                "names": ["y"]
              },
              "layers": [
                {
                  "type": "dense",
                  "name": "dense0",
                  "weight": [
                    [0.5, -1.25]
                  ],
                  "bias": [0.1]
                },
                {
                  "type": "leaky_relu",
                  "slope": 0.01
                }
              ],
              "background": {
                "rows": [
                  [1.0, 2.0]
                ]
              }
            }

            """
        let file = try ModelFile.parse(bytes: Array(text.utf8), file: "h.json")
        #expect(String(decoding: try file.serialized(), as: UTF8.self) == text)
    }

    @Test("saving a model with a non-finite weight fails at its JSON path and writes nothing")
    func nonFiniteWeight() throws {
        let file = try ModelFile.parse(bytes: ModelFixtures.bytes(ModelFixtures.tabularDocument()), file: "m.json")
        var parameters = file.model.parameters
        parameters[3][0].scalars[4] = .nan
        file.model.setParameters(parameters)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        do {
            try file.save(to: dir.file("bad.json"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .numerical)
            #expect(error.location == "\(dir.file("bad.json")): layers[3].weight[0][4]")
        }
        #expect(try dir.contents().isEmpty)
    }
}

@Suite("Model files refuse activations they cannot hold")
struct ModelFileActivationRefusalTests {
    @Test("gelu, erf and clip, read from ONNX graphs, cannot be written to a model file",
          arguments: [Activation.Kind.gelu(tanhApproximation: false), .gelu(tanhApproximation: true), .erf,
                      .clip(minimum: 0, maximum: 6)])
    func refuses(kind: Activation.Kind) throws {
        let model = try Model(name: "m", inputShape: [2], featureNames: ["a", "b"], outputNames: ["y"], layers: [
            Dense(name: "fc", weight: Tensor(shape: [1, 2], scalars: [1, -1]), bias: Tensor(shape: [1], scalars: [0])),
            Activation(name: "act", kind: kind),
        ])
        let error = try #require(throws: ExplainError.self) { try ModelFile(model: model).serialized() }
        #expect(error.code == .unsupported)
        #expect(error.description == "layers[1]: layer type \(kind.typeName) cannot be written to a model file")
    }
}
