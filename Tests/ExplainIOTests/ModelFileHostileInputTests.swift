import ExplainIO
import ExplainTensor
import Testing

/// Crafted model files that once crashed, hung or flooded the terminal: each must be one short located error.
@Suite("Model file: crafted inputs")
struct ModelFileHostileInputTests {
    static let tabular = ModelFixtures.tabularDocument()
    static let image = ModelFixtures.imageDocument()

    /// A nested array whose first element at every level has `count` entries and whose siblings are all `0`: tiny
    /// in the file, but the first elements alone promise `count^levels` values.
    static func bomb(count: Int, levels: Int) -> JSONValue {
        var level = JSONValue([Float](repeating: 0, count: count))
        for _ in 1..<levels { level = .array([level] + Array(repeating: 0, count: count - 1)) }
        return level
    }

    /// A conv2d layer with 8 zero 3×3 kernels over one channel.
    static func conv(padding: Int) -> JSONValue {
        let kernel: JSONValue = [[[0, 0, 0], [0, 0, 0], [0, 0, 0]]]
        return ["type": "conv2d", "weight": .array(Array(repeating: kernel, count: 8)),
                "bias": JSONValue([Float](repeating: 0, count: 8)), "padding": JSONValue(padding)]
    }

    static let cases: [MalformedModel] = [
        MalformedModel("conv2d whose output is above the size limit", ["layers", 0], conv(padding: 1024), base: image,
                       at: "m.json: layers[0]",
                       "the layer's output [8, 2050, 2050] has more than 16777216 values per sample"),
        MalformedModel("dense weight promising 200000² values", ["layers", 1, "weight"], bomb(count: 200_000, levels: 2),
                       at: "m.json: layers[1].weight[1]", "expected an array of 200000 values, got 0"),
        MalformedModel("conv2d weight whose promised size overflows Int", ["layers", 0, "weight"],
                       bomb(count: 100_000, levels: 4), base: image,
                       at: "m.json: layers[0].weight[0][0][1]", "expected an array of 100000 values, got 0"),
        MalformedModel("a version of a million digits", ["version"], .number("1" + String(repeating: "0", count: 1_000_000)),
                       at: "m.json: version",
                       "expected an integer, got 1\(String(repeating: "0", count: 59))… (1000001 characters)"),
        MalformedModel("a format string of 100000 characters", ["format"], .string(String(repeating: "x", count: 100_000)),
                       at: "m.json: format",
                       "expected \"explainkit.model\", got \"\(String(repeating: "x", count: 60))…\" (100000 characters)"),
        MalformedModel("an unknown layer type of 100000 characters", ["layers", 2, "type"],
                       .string(String(repeating: "q", count: 100_000)), at: "m.json: layers[2].type",
                       "unknown layer type \"\(String(repeating: "q", count: 60))…\" (100000 characters); known types are",
                       prefix: true),
        MalformedModel("a number among the rows of a weight", ["layers", 1, "weight", 3], 7,
                       at: "m.json: layers[1].weight[3]", "expected an array of 4 values, got 7"),
    ]

    @Test("each crafted model is one error at its JSON path, before any large allocation", arguments: cases)
    func crafted(_ c: MalformedModel) {
        c.expectOneError()
    }
}

extension ModelFileHostileInputTests {
    @Test("background weights whose sum overflows load as the same background as equal weights")
    func overflowingBackgroundWeights() throws {
        let huge = ModelFixtures.bytes(Self.tabular.setting(["background", "weights"], to: [1e308, 1e308, 1e308]))
        let ones = ModelFixtures.bytes(Self.tabular.setting(["background", "weights"], to: [1, 1, 1]))
        let a = try ModelFile.parse(bytes: huge, file: "m.json"), b = try ModelFile.parse(bytes: ones, file: "m.json")
        #expect(a.background == b.background)
        #expect(a.background?.weights == [Double](repeating: 1.0 / 3, count: 3))
    }
}
