import ExplainIO
import ExplainTensor
import Testing

/// One malformed model document and the error it must produce.
struct MalformedModel: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let location: String
    let message: String
    /// When true, `message` only has to start the error message.
    let isPrefix: Bool

    var testDescription: String { name }

    init(_ name: String, _ bytes: [UInt8], at location: String, _ message: String, prefix: Bool = false) {
        self.name = name
        self.bytes = bytes
        self.location = location
        self.message = message
        self.isPrefix = prefix
    }

    /// Expects parsing to fail with exactly this case's location and message.
    func expectOneError() {
        do {
            _ = try ModelFile.parse(bytes: bytes, file: "m.json")
            Issue.record("\(name): loaded without an error")
        } catch {
            #expect(error.code == .invalidModel)
            #expect(error.location == location)
            if isPrefix {
                #expect(error.message.hasPrefix(message), "\(error.message)")
            } else {
                #expect(error.message == message)
            }
        }
    }

    init(_ name: String, _ path: [PathStep], _ value: JSONValue?, base: JSONValue = ModelFixtures.tabularDocument(),
         at location: String, _ message: String, prefix: Bool = false) {
        self.init(name, ModelFixtures.bytes(base.setting(path, to: value)), at: location, message, prefix: prefix)
    }
}

@Suite("Model file validation")
struct ModelFileValidationTests {
    static let tabular = ModelFixtures.tabularDocument()
    static let image = ModelFixtures.imageDocument()

    static let cases: [MalformedModel] = [
        MalformedModel("bad JSON", Array(#"{"format": "explainkit.model" "version": 1}"#.utf8),
                       at: "m.json:1:31", "expected ',' or '}'"),
        MalformedModel("duplicate key", Array(#"{"format": "explainkit.model", "version": 1, "version": 2}"#.utf8),
                       at: "m.json: version", #"duplicate key "version""#),
        MalformedModel("duplicate key in a layer", ["layers", 2],
                       .object([(key: "type", value: "relu"), (key: "type", value: "tanh")]),
                       at: "m.json: layers[2].type", #"duplicate key "type""#),
        MalformedModel("not an object", Array("[1]".utf8), at: "m.json", "expected a JSON object at the top level"),
        MalformedModel("wrong format string", ["format"], "explainkit.modle",
                       at: "m.json: format", #"expected "explainkit.model", got "explainkit.modle""#),
        MalformedModel("unsupported version", ["version"], 2,
                       at: "m.json: version", "unsupported version 2; this build reads version 1"),
        MalformedModel("missing required field", ["layers", 1, "bias"], nil,
                       at: "m.json: layers[1].bias", "missing required field"),
        MalformedModel("missing input", ["input"], nil, at: "m.json: input", "missing required field"),
        MalformedModel("unknown layer type", ["layers", 2, "type"], "relu6",
                       at: "m.json: layers[2].type", #"unknown layer type "relu6"; known types are"#, prefix: true),
        MalformedModel("shape mismatch between layers", ["layers", 2], ["type": "maxpool2d", "kernel": 2],
                       at: "m.json: layers[2]", "maxpool2d needs a [C, H, W] input, got shape [5]"),
        MalformedModel("dense after conv without flatten", ["layers", 3], nil, base: image,
                       at: "m.json: layers[4]", "dense needs a flat input, got shape [2, 2, 2] (add a flatten layer)"),
        MalformedModel("wrong weight dims", ["layers", 3, "weight"], .array(Array(repeating: [1, 2, 3, 4], count: 3)),
                       at: "m.json: layers[3].weight", "expected 3×5, got 3×4"),
        MalformedModel("wrong conv weight channels", ["layers", 0, "weight", 1],
                       [[[1, 2, 3], [1, 2, 3], [1, 2, 3]], [[1, 2, 3], [1, 2, 3], [1, 2, 3]]], base: image,
                       at: "m.json: layers[0].weight[1]", "expected 1 array, got 2"),
        MalformedModel("conv weight channels vs input channels", ["layers", 0, "weight"],
                       .array(Array(repeating: .array(Array(repeating: [[1, 2], [3, 4]], count: 2)), count: 2)),
                       base: image, at: "m.json: layers[0].weight", "expected 2×1×2×2, got 2×2×2×2"),
        MalformedModel("ragged weight", ["layers", 1, "weight", 2], [1, 2, 3],
                       at: "m.json: layers[1].weight[2]", "expected 4 values, got 3"),
        MalformedModel("wrong bias length", ["layers", 1, "bias"], [1, 2, 3, 4],
                       at: "m.json: layers[1].bias", "expected 5 values, got 4"),
        MalformedModel("overflowing (infinite) weight", ["layers", 1, "weight", 0, 2], .number("1e999"),
                       at: "m.json: layers[1].weight[0][2]", "expected a finite number, got 1e999"),
        MalformedModel("weight beyond Float's range", ["layers", 1, "weight", 0, 2], .number("-1e39"),
                       at: "m.json: layers[1].weight[0][2]",
                       "expected a finite number within ±3.4e38 (a 32-bit float), got -1e39"),
        MalformedModel("standardize mean beyond Float's range", ["layers", 0, "mean", 1], .number("4e38"),
                       at: "m.json: layers[0].mean[1]",
                       "expected a finite number within ±3.4e38 (a 32-bit float), got 4e38"),
        MalformedModel("string where a number belongs", ["layers", 3, "bias", 1], "0.5",
                       at: "m.json: layers[3].bias[1]", #"expected a number, got string "0.5""#),
        MalformedModel("zero std in standardize", ["layers", 0, "std", 2], 0.0,
                       at: "m.json: layers[0].std[2]", "expected a positive number, got 0.0"),
        MalformedModel("duplicate layer names", ["layers", 3, "name"], "fc1",
                       at: "m.json: layers[3].name", #"duplicate layer name "fc1""#),
        MalformedModel("name colliding with a default name", ["layers", 3, "name"], "relu2",
                       at: "m.json: layers[3].name", #"duplicate layer name "relu2""#),
        MalformedModel("duplicate feature names", ["input", "features", 2], "a",
                       at: "m.json: input.features[2]", #"duplicate feature name "a""#),
        MalformedModel("empty layers", ["layers"], [], at: "m.json: layers", "expected at least one layer"),
        MalformedModel("feature count vs shape", ["input", "features"], ["a", "b", "c"],
                       at: "m.json: input.features", "expected 4 names for shape [4], got 3"),
        MalformedModel("input shape of rank 2", ["input", "shape"], [2, 2],
                       at: "m.json: input.shape", "expected [n] or [C, H, W], got [2, 2]"),
        MalformedModel("non-integer shape", ["input", "shape", 0], 4.5,
                       at: "m.json: input.shape[0]", "expected a positive integer, got 4.5"),
        MalformedModel("output names vs network outputs", ["output", "names"], ["x", "y"],
                       at: "m.json: output.names", "the network gives 3 outputs, but 2 names are given"),
        MalformedModel("bad background width", ["background", "rows", 1], [1, 2, 3],
                       at: "m.json: background.rows[1]", "expected 4 values, got 3"),
        MalformedModel("background weights count", ["background", "weights"], [1, 1],
                       at: "m.json: background.weights", "expected 3 values, got 2"),
        MalformedModel("negative background weight", ["background", "weights", 1], -1.0,
                       at: "m.json: background.weights[1]", "expected a non-negative weight, got -1.0"),
        MalformedModel("quartiles of the wrong length", ["feature_stats", "quartiles", 1], [1, 2],
                       at: "m.json: feature_stats.quartiles[1]", "expected 3 values, got 2"),
        MalformedModel("a quartile beyond Float's range (it reached LIME's labels)", ["feature_stats", "quartiles", 2, 1], 1e39,
                       at: "m.json: feature_stats.quartiles[2][1]", "expected a value within Float's range (±3.4e38), got 1e+39"),
        MalformedModel("decreasing quartiles", ["feature_stats", "quartiles", 0], [3, 2, 4],
                       at: "m.json: feature_stats.quartiles[0][1]", "expected non-decreasing quartiles, got 3.0 then 2.0"),
        MalformedModel("feature stats width", ["feature_stats", "min"], [1, 2],
                       at: "m.json: feature_stats.min", "expected 4 values, got 2"),
        MalformedModel("a feature statistic beyond Float's range", ["feature_stats", "min", 0], -1e308,
                       at: "m.json: feature_stats.min[0]", "expected a value within Float's range (±3.4e38), got -1e+308"),
        MalformedModel("a feature range beyond Float's range", ["feature_stats", "max", 2], 3e38,
                       base: ModelFixtures.tabularDocument().setting(["feature_stats", "min", 2], to: -3e38),
                       at: "m.json: feature_stats.max[2]", "max − min", prefix: true),
        MalformedModel("dropout probability out of range", ["layers", 4, "p"], 1.5, base: image,
                       at: "m.json: layers[4].p", "expected a probability in [0, 1), got 1.5"),
        MalformedModel("input shape whose size overflows", ["input", "shape"], [1, 16_777_216, 16_777_216], base: image,
                       at: "m.json: input.shape", "expected at most 16777216 values per sample, got shape [1, 16777216, 16777216]"),
        MalformedModel("input dimension above the limit", ["input", "shape"], [1_099_511_627_776], at: "m.json: input.shape[0]",
                       "expected an integer <= 16777216, got 1099511627776"),
        MalformedModel("conv padding that would overflow the output size", ["layers", 0, "padding"], 1_099_511_627_776, base: image,
                       at: "m.json: layers[0].padding", "expected an integer <= 1024, got 1099511627776"),
        MalformedModel("conv stride above the limit", ["layers", 0, "stride"], 1_048_576, base: image,
                       at: "m.json: layers[0].stride", "expected an integer <= 1024, got 1048576"),
        MalformedModel("zero pooling kernel", ["layers", 2, "kernel"], 0, base: image,
                       at: "m.json: layers[2].kernel", "expected a positive integer, got 0"),
        MalformedModel("layer type of the wrong JSON type", ["layers", 2, "type"], 3,
                       at: "m.json: layers[2].type", "expected a string, got 3"),
        MalformedModel("empty weight", ["layers", 1, "weight"], [],
                       at: "m.json: layers[1].weight", "expected a non-empty array"),
    ]

    @Test("each malformed model is one error with its own message and JSON path", arguments: cases)
    func malformed(_ c: MalformedModel) {
        c.expectOneError()
    }

    @Test("the unmodified fixtures are valid, so every failure above comes from its one change")
    func fixturesAreValid() throws {
        _ = try ModelFile.parse(bytes: ModelFixtures.bytes(Self.tabular), file: "m.json")
        _ = try ModelFile.parse(bytes: ModelFixtures.bytes(Self.image), file: "m.json")
    }

    @Test("a missing model file is an I/O error at its path")
    func missingFile() {
        do {
            _ = try ModelFile.load(path: "/nonexistent/m.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .io)
            #expect(error.description.hasPrefix("/nonexistent/m.json: cannot open"))
        }
    }
}
