import ExplainKit
import Foundation

/// The models and captum's attributions written by scripts/make_captum_fixtures_perturbation.py (real PyTorch and
/// captum: Occlusion and FeatureAblation of each row's predicted class).
struct CaptumPerturbationFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    let expected: JSONValue

    init() throws {
        expected = try JSONParser.parse(
            try AtomicFile.read(Self.directory.appendingPathComponent("captum-perturbation-expected.json").path),
            file: "captum-perturbation-expected.json")
    }

    /// The exported model `captum-perturbation-<kind>.json` (`cnn` or `mlp`).
    func model(_ kind: String) throws -> Model {
        try ModelFile.load(path: Self.directory.appendingPathComponent("captum-perturbation-\(kind).json").path).model
    }

    static func matrix(_ value: JSONValue?) -> [[Double]] {
        (value?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
    }

    func inputs(_ kind: String) -> [[Float]] { Self.matrix(expected[kind]?["inputs"]).map { $0.map(Float.init) } }
    func targets(_ kind: String) -> [Int] { (expected[kind]?["targets"]?.arrayValue ?? []).compactMap(\.intValue) }
}
