import ExplainIO
import ExplainMethods
import ExplainNN
import ExplainTensor

/// Tiny model documents and models for the model-file tests, built in code (no fixture files).
enum ModelFixtures {
    static func randomFloats(_ count: Int, _ rng: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in Float(rng.nextNormal()) * 0.5 }
    }

    static func matrix(_ rows: Int, _ columns: Int, _ rng: inout SplitMix64) -> JSONValue {
        .array((0..<rows).map { _ in JSONValue(randomFloats(columns, &rng)) })
    }

    /// A tabular MLP document: standardize, dense fc1 (4→5), relu (default name relu2), dense 5→3 (default name
    /// dense3), softmax named `probs`; with a background of 3 rows and feature statistics.
    static func tabularDocument(seed: UInt64 = 1) -> JSONValue {
        var rng = SplitMix64(seed: seed)
        return [
            "format": "explainkit.model",
            "version": 1,
            "name": "iris-mlp",
            "input": ["shape": [4], "features": ["a", "b", "c", "d"]],
            "output": ["names": ["setosa", "versicolor", "virginica"]],
            "layers": [
                ["type": "standardize", "mean": [5.8, 3.0, 3.7, 1.2], "std": [0.8, 0.4, 1.7, 0.7]],
                ["type": "dense", "name": "fc1", "weight": matrix(5, 4, &rng), "bias": JSONValue(randomFloats(5, &rng))],
                ["type": "relu"],
                ["type": "dense", "weight": matrix(3, 5, &rng), "bias": JSONValue(randomFloats(3, &rng))],
                ["type": "softmax", "name": "probs"],
            ],
            "background": ["rows": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [7.7, 3.0, 6.1, 2.3]],
                           "weights": [1.0, 1.0, 2.0]],
            "feature_stats": [
                "mean": [5.8, 3.0, 3.7, 1.2], "std": [0.8, 0.4, 1.7, 0.7], "min": [4.3, 2.0, 1.0, 0.1],
                "max": [7.9, 4.4, 6.9, 2.5],
                "quartiles": [[5.1, 5.8, 6.4], [2.8, 3.0, 3.3], [1.6, 4.35, 5.1], [0.3, 1.3, 1.8]],
            ],
        ]
    }

    /// A CNN document on 1×4×4 images: conv2d (2×1×3×3, padding 1), leaky_relu, maxpool2d 2, flatten, dropout,
    /// dense 8→2.
    static func imageDocument(seed: UInt64 = 2) -> JSONValue {
        var rng = SplitMix64(seed: seed)
        let kernel: JSONValue = .array((0..<2).map { _ in .array([matrix(3, 3, &rng)]) })
        return [
            "format": "explainkit.model",
            "version": 1,
            "name": "tiny-cnn",
            "input": ["shape": [1, 4, 4], "features": JSONValue((0..<16).map { "px\($0)" })],
            "output": ["names": ["no", "yes"]],
            "layers": [
                ["type": "conv2d", "name": "conv", "weight": kernel, "bias": JSONValue(randomFloats(2, &rng)),
                 "padding": 1],
                ["type": "leaky_relu", "slope": 0.2],
                ["type": "maxpool2d", "kernel": 2],
                ["type": "flatten"],
                ["type": "dropout", "p": 0.25],
                ["type": "dense", "name": "head", "weight": matrix(2, 8, &rng), "bias": JSONValue(randomFloats(2, &rng))],
            ],
        ]
    }

    static func bytes(_ document: JSONValue) -> [UInt8] {
        (try? document.serialized(style: .pretty)) ?? []
    }
}

/// A step in a JSON path, for building malformed variants of a fixture.
enum PathStep {
    case key(String)
    case index(Int)
}

extension PathStep: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    init(stringLiteral value: String) { self = .key(value) }
    init(integerLiteral value: Int) { self = .index(value) }
}

extension JSONValue {
    /// The document with the value at `path` replaced (or removed, for nil), adding a missing key at the end.
    func setting(_ path: [PathStep], to newValue: JSONValue?) -> JSONValue {
        guard let step = path.first else { return newValue ?? .null }
        let rest = Array(path.dropFirst())
        switch (self, step) {
        case (.object(var pairs), .key(let k)):
            if let i = pairs.firstIndex(where: { $0.key == k }) {
                if rest.isEmpty && newValue == nil {
                    pairs.remove(at: i)
                } else {
                    pairs[i].value = pairs[i].value.setting(rest, to: newValue)
                }
            } else if let newValue {
                pairs.append((key: k, value: JSONValue.null.setting(rest, to: newValue)))
            }
            return .object(pairs)
        case (.array(var elements), .index(let i)):
            if rest.isEmpty && newValue == nil {
                elements.remove(at: i)
            } else {
                elements[i] = elements[i].setting(rest, to: newValue)
            }
            return .array(elements)
        default:
            return self
        }
    }
}
