import ExplainMethods
import ExplainTensor

/// The attribution JSON of CONTRACT.md §4: encoding `AttributionResult`s to bytes, and decoding them back.
///
/// Output is deterministic: known keys in a fixed order (`method`, `model`, `features`, `outputs`, `seed`,
/// `parameters`, `explanations`; per explanation `row`, `target`, `target_name`, `prediction`, `base_value`,
/// `attributions`, `std_errors`, `fidelity`, `diagnostics`, `flags`, then `feature_labels`, `outputs` and
/// `convergence` and `layer_map` when present),
/// dictionary keys sorted, absent optional values as `null`, numbers in shortest round-trip form. So the same result
/// always gives the same bytes, and decoding gives back an equal result.
public enum AttributionJSON {
    /// The document of one method's result.
    public static func document(_ result: AttributionResult) -> JSONValue {
        .object([
            ("method", .string(result.method)),
            ("model", .string(result.model)),
            ("features", JSONValue(result.features)),
            ("outputs", JSONValue(result.outputs)),
            ("seed", JSONValue(result.seed)),
            ("parameters", .object(result.parameters.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("explanations", .array(result.explanations.map(document))),
        ])
    }

    /// The object of one explanation.
    public static func document(_ e: Explanation) -> JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [
            ("row", JSONValue(e.row)),
            ("target", JSONValue(e.target)),
            ("target_name", .string(e.targetName)),
            ("prediction", JSONValue(e.prediction)),
            ("base_value", e.baseValue.map { JSONValue($0) } ?? .null),
            ("attributions", JSONValue(e.attributions)),
            ("std_errors", e.stdErrors.map { JSONValue($0) } ?? .null),
            ("fidelity", e.fidelity.map { JSONValue($0) } ?? .null),
            ("diagnostics", .object(e.diagnostics.sorted { $0.key < $1.key }.map { ($0.key, JSONValue($0.value)) })),
            ("flags", JSONValue(e.flags)),
        ]
        if let labels = e.featureLabels { pairs.append(("feature_labels", JSONValue(labels))) }
        if let outputs = e.outputs { pairs.append(("outputs", JSONValue(outputs))) }
        if let points = e.convergence {
            pairs.append(("convergence", .array(points.map { point in
                .object([
                    ("coalitions", JSONValue(point.coalitions)),
                    ("max_std_error", JSONValue(point.maxStdError)),
                    ("model_evaluations", JSONValue(point.modelEvaluations)),
                    ("value_range", JSONValue(point.valueRange)),
                ])
            })))
        }
        if let map = e.layerMap {
            var fields: [(key: String, value: JSONValue)] = [
                ("layer", .string(map.layer)), ("shape", JSONValue(map.shape)), ("values", JSONValue(map.values)),
            ]
            if let weights = map.channelWeights { fields.append(("channel_weights", JSONValue(weights))) }
            pairs.append(("layer_map", .object(fields)))
        }
        return .object(pairs)
    }

    /// The document of a `--method all` run: the shared `model`, `features`, `outputs` and `seed` of the first
    /// result, a `results` array with one full document per method, and `skipped`, the methods that could not run
    /// (CONTRACT.md §5; written when `skipped` is not nil, empty or not).
    public static func document(all results: [AttributionResult], skipped: [SkippedMethod]? = nil) -> JSONValue {
        precondition(!results.isEmpty, "AttributionJSON.document(all:): no results")
        let first = results[0]
        var pairs: [(key: String, value: JSONValue)] = [
            ("model", .string(first.model)),
            ("features", JSONValue(first.features)),
            ("outputs", JSONValue(first.outputs)),
            ("seed", JSONValue(first.seed)),
            ("results", .array(results.map(document))),
        ]
        if let skipped {
            pairs.append(("skipped", .array(skipped.map { .object([("method", .string($0.method)), ("reason", .string($0.reason))]) })))
        }
        return .object(pairs)
    }

    /// The bytes of one result (pretty-printed, final newline).
    /// - Throws: `ExplainError(.numerical)` at the JSON path of a non-finite number.
    public static func encode(_ result: AttributionResult) throws(ExplainError) -> [UInt8] {
        try JSONWriter.serialize(document(result), style: .pretty)
    }

    /// The bytes of a `--method all` document.
    public static func encode(all results: [AttributionResult]) throws(ExplainError) -> [UInt8] {
        guard !results.isEmpty else { throw ExplainError(.invalidArgument, "no results to write") }
        return try JSONWriter.serialize(document(all: results), style: .pretty)
    }

    /// Writes one result, or a `results` document when there are several, to `path` atomically.
    public static func write(_ results: [AttributionResult], to path: String) throws(ExplainError) {
        let bytes: [UInt8]
        do throws(ExplainError) {
            bytes = results.count == 1 ? try encode(results[0]) : try encode(all: results)
        } catch {
            throw error.located(in: path)
        }
        try AtomicFile.write(bytes, to: path)
    }

    /// Decodes a document of either form: one result, or a `results` array.
    /// - Throws: `ExplainError(.invalidInput)` at `file:line:column` for bad JSON or `file: json.path` for a missing
    ///   or mistyped field.
    public static func decode(_ bytes: [UInt8], file: String) throws(ExplainError) -> [AttributionResult] {
        let root = JSONNode(try JSONParser.parse(bytes, file: file), file: file, code: .invalidInput)
        guard root.value.objectValue != nil else { throw root.error("expected a JSON object at the top level") }
        guard let results = root.optionalField("results") else { return [try result(root)] }
        var out: [AttributionResult] = []
        for node in try results.array() { out.append(try result(node)) }
        return out
    }

    static func result(_ node: JSONNode) throws(ExplainError) -> AttributionResult {
        _ = try node.object()
        var parameters: [String: String] = [:]
        if let p = node.optionalField("parameters") {
            for (key, value) in try p.object() {
                let child = JSONNode(value, path: p.child(key), file: p.file, code: p.code)
                if case let .number(text) = value { parameters[key] = text } else { parameters[key] = try child.string() }
            }
        }
        guard let seed = try node.field("seed").value.uint64Value else {
            throw try node.field("seed").typeError("a non-negative integer")
        }
        var explanations: [Explanation] = []
        for e in try node.field("explanations").array() { explanations.append(try explanation(e)) }
        return AttributionResult(
            method: try node.field("method").string(), model: try node.field("model").string(),
            features: try node.field("features").strings(), outputs: try node.field("outputs").strings(),
            seed: seed, parameters: parameters, explanations: explanations)
    }

    static func explanation(_ node: JSONNode) throws(ExplainError) -> Explanation {
        _ = try node.object()
        var diagnostics: [String: Double] = [:]
        if let d = node.optionalField("diagnostics") {
            for (key, value) in try d.object() {
                diagnostics[key] = try JSONNode(value, path: d.child(key), file: d.file, code: d.code).double()
            }
        }
        return Explanation(
            row: try node.field("row").int(minimum: 0),
            target: try node.field("target").int(minimum: 0),
            targetName: try node.field("target_name").string(),
            prediction: try node.field("prediction").double(),
            baseValue: try node.optionalField("base_value")?.double(),
            attributions: try node.field("attributions").doubles(),
            stdErrors: try node.optionalField("std_errors")?.doubles(),
            fidelity: try node.optionalField("fidelity")?.double(),
            diagnostics: diagnostics,
            flags: try node.optionalField("flags")?.strings() ?? [],
            featureLabels: try node.optionalField("feature_labels")?.strings(),
            outputs: try node.optionalField("outputs")?.doubles(),
            convergence: try node.optionalField("convergence").map(convergence),
            layerMap: try node.optionalField("layer_map").map(layerMap))
    }

    /// The `layer_map` object of an explanation (Grad-CAM's map at the layer's resolution).
    static func layerMap(_ node: JSONNode) throws(ExplainError) -> LayerMap {
        _ = try node.object()
        return LayerMap(layer: try node.field("layer").string(), shape: try node.field("shape").ints(minimum: 1),
                        values: try node.field("values").doubles(),
                        channelWeights: try node.optionalField("channel_weights")?.doubles())
    }

    /// The `convergence` array of an explanation: one object per sampling round.
    static func convergence(_ node: JSONNode) throws(ExplainError) -> [ConvergencePoint] {
        var points: [ConvergencePoint] = []
        for point in try node.array() {
            _ = try point.object()
            points.append(ConvergencePoint(
                modelEvaluations: try point.field("model_evaluations").int(minimum: 0),
                coalitions: try point.field("coalitions").int(minimum: 0),
                maxStdError: try point.field("max_std_error").double(),
                valueRange: try point.field("value_range").double()))
        }
        return points
    }
}
