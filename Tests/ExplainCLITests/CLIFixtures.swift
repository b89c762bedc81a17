import ExplainKit
import Foundation
import TestSupport

/// Small model and CSV files written into a temporary directory for CLI tests.
struct CLIFixtures {
    let directory: URL
    var modelPath: String { directory.appendingPathComponent("m.json").path }
    var inputPath: String { directory.appendingPathComponent("x.csv").path }

    /// A 3-feature, 2-class MLP with a background and feature stats, and a 4-row CSV (columns shuffled, plus a label).
    static func make() throws -> CLIFixtures {
        let dir = try CLIRunner.temporaryDirectory()
        var rng = SplitMix64(seed: 5)
        func r(_ s: [Int]) -> Tensor { Tensor(shape: s, scalars: (0..<s.reduce(1, *)).map { _ in Float(rng.nextNormal()) * 0.7 }) }
        let model = try Model(
            name: "fixture", inputShape: [3], featureNames: ["alpha", "beta", "gamma"], outputNames: ["no", "yes"],
            layers: [
                Standardize(name: "z", mean: [1, 2, 3], std: [1, 0.5, 2]),
                Dense(name: "fc1", weight: r([6, 3]), bias: r([6])),
                Activation(name: "act1", kind: .tanh),
                Dense(name: "fc2", weight: r([2, 6]), bias: r([2])),
                Softmax(name: "softmax"),
            ])
        let rows: [[Float]] = (0..<12).map { _ in [Float(1 + rng.nextNormal()), Float(2 + 0.5 * rng.nextNormal()), Float(3 + 2 * rng.nextNormal())] }
        let background = Background(rows: Tensor(rows: rows))
        let stats = FeatureStats.computed(from: rows.flatMap { $0 }, rows: rows.count, width: 3)
        try ModelFile(model: model, background: background, featureStats: stats).save(to: dir.appendingPathComponent("m.json").path)
        let csv = "gamma,label,alpha,beta\n3.5,yes,1.2,2.1\n1.0,no,0.3,2.9\n4.2,yes,2.2,1.5\n2.9,no,1.0,2.0\n"
        try Data(csv.utf8).write(to: dir.appendingPathComponent("x.csv"))
        return CLIFixtures(directory: dir)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
