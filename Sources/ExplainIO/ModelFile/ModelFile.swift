import ExplainMethods
import ExplainNN
import ExplainTensor

/// A model file (CONTRACT.md §1): the network, and the optional background sample and feature statistics.
///
/// Loading validates everything once, and each problem is one `ExplainError(.invalidModel)` located at its JSON path:
/// `m.json: layers[3].weight: expected 64×30, got 64×29`. Saving writes the same format back, pretty-printed with
/// numbers in their shortest round-trip form; for a file ExplainKit wrote, `save(load(file))` reproduces its bytes
/// and every weight bit for bit. Layer names and optional layer fields are written when the file had them or when
/// they differ from the default.
public struct ModelFile: Sendable {
    /// The format string of the `format` field.
    public static let formatName = "explainkit.model"
    /// The format version this build reads and writes.
    public static let version = 1
    /// The largest model file read, 2 GiB: a network at `NetworkBuilder.maximumParameters` (2^26) is about 1 GiB of
    /// JSON with single-precision numbers.
    public static let maximumFileBytes = 1 << 31

    /// The network.
    public var model: Model
    /// A weighted sample of training rows (KernelSHAP's default background), if the file has one.
    public var background: Background?
    /// Per-feature statistics of the training data, if the file has them.
    public var featureStats: FeatureStats?

    /// The ONNX file of a graph model (`"graph": {"onnx": path}`, or a bare `.onnx`), as the model file names it;
    /// nil for a model of `layers`.
    public var onnxPath: String?
    /// The keys each layer object had in the file, so that saving keeps names and optional fields that were there.
    var layerKeys: [Set<String>] = []
    /// The background as loaded and the weights exactly as the file gave them (nil: no `weights` key), so that
    /// saving an unchanged background does not rewrite renormalised weights.
    var loadedBackground: (background: Background, fileWeights: [Double]?)?

    /// Creates a model file from its parts.
    public init(model: Model, background: Background? = nil, featureStats: FeatureStats? = nil) {
        self.model = model
        self.background = background
        self.featureStats = featureStats
    }

    /// Reads and validates the model file at `path`.
    /// - Throws: `ExplainError(.io)` when it cannot be read or is larger than `maximumFileBytes`;
    ///   `ExplainError(.invalidModel)` located at `path: json.path` (or `path:line:column` for a JSON syntax error) for
    ///   the first problem found.
    public static func load(path: String, onnxOutput: String? = nil) throws(ExplainError) -> ModelFile {
        try parse(bytes: try AtomicFile.read(path, maximumBytes: maximumFileBytes, kind: "model files"), file: path,
                  onnxOutput: onnxOutput)
    }

    /// Parses and validates a model file's bytes; `file` names it in error locations.
    public static func parse(bytes: [UInt8], file: String, onnxOutput: String? = nil) throws(ExplainError) -> ModelFile {
        let document = try JSONParser.parse(bytes, file: file, code: .invalidModel)
        return try ModelFileDecoder(root: JSONNode(document, file: file), onnxOutput: onnxOutput).decode()
    }

    /// The file's bytes: pretty-printed JSON with a final newline.
    /// - Throws: `ExplainError(.numerical)` at the JSON path of a non-finite number (a diverged weight, say), or
    ///   `.unsupported` for a layer type that model files cannot hold.
    public func serialized() throws(ExplainError) -> [UInt8] {
        try JSONWriter.serialize(try document(), style: .pretty)
    }

    /// Writes the file to `path` atomically.
    public func save(to path: String) throws(ExplainError) {
        let bytes: [UInt8]
        do throws(ExplainError) { bytes = try serialized() } catch { throw error.located(in: path) }
        try AtomicFile.write(bytes, to: path)
    }

    /// The file as a JSON tree, keys in the CONTRACT's order.
    public func document() throws(ExplainError) -> JSONValue {
        var layers: [JSONValue] = []
        if onnxPath == nil {
            for (i, layer) in model.layers.enumerated() {
                layers.append(try LayerCoding.encode(layer, index: i, keys: i < layerKeys.count ? layerKeys[i] : []))
            }
        }
        var pairs: [(key: String, value: JSONValue)] = [
            ("format", .string(Self.formatName)),
            ("version", JSONValue(Self.version)),
            ("name", .string(model.name)),
            ("input", ["shape": JSONValue(model.inputShape), "features": JSONValue(model.featureNames)]),
            ("output", ["names": JSONValue(model.outputNames)]),
            onnxPath.map { ("graph", ["onnx": .string($0)]) } ?? ("layers", .array(layers)),
        ]
        if let background {
            var entry: [(key: String, value: JSONValue)] = [("rows", LayerCoding.encode(background.rows))]
            if let loaded = loadedBackground, loaded.background == background {
                if let w = loaded.fileWeights { entry.append(("weights", JSONValue(w))) }
            } else {
                entry.append(("weights", JSONValue(background.weights)))
            }
            pairs.append(("background", .object(entry)))
        }
        if let s = featureStats {
            pairs.append(("feature_stats", [
                "mean": JSONValue(s.mean), "std": JSONValue(s.std), "min": JSONValue(s.min), "max": JSONValue(s.max),
                "quartiles": .array(s.quartiles.map { JSONValue($0) }),
            ]))
        }
        return .object(pairs)
    }
}
