import ExplainMethods
import ExplainNN
import ExplainTensor
import Testing

/// A row's explanation is the same bytes whether it is explained alone or among other rows.
///
/// OpenBLAS rounds a row of a product differently with the number of rows in the call and the row's place among them,
/// so these fail when a method batches rows together; the widths are the breast-cancer sample's (30 → 64 → 64 → 2),
/// where OpenBLAS 0.3.21's Haswell kernels (those of this machine's Zen core) show it.
@Suite("Gradient explanations do not depend on the other rows of the call")
struct RowIndependenceTests {
    static let rowCount = 9

    /// standardize → 30 → 64 relu → 64 relu → 2 softmax, seeded.
    static func model() throws -> Model {
        var rng = SplitMix64(seed: 21)
        return try Model(name: "wide", inputShape: [30], featureNames: GradientFixtures.names("x", 30), outputNames: ["a", "b"], layers: [
            Standardize(name: "scale", mean: [Float](repeating: 0.1, count: 30), std: [Float](repeating: 1.3, count: 30)),
            GradientFixtures.dense("fc1", 30, 64, rng: &rng, scale: 2), Activation(name: "relu1", kind: .relu),
            GradientFixtures.dense("fc2", 64, 64, rng: &rng, scale: 2), Activation(name: "relu2", kind: .relu),
            GradientFixtures.dense("fc3", 64, 2, rng: &rng, scale: 2), Softmax(name: "softmax"),
        ])
    }

    /// `explain` on all rows, and on each row alone with its number, which must agree exactly.
    static func expectIndependent(_ what: String, _ explain: (Tensor, [Int]) throws -> [Explanation]) throws {
        let x = GradientFixtures.rows(rowCount, width: 30, seed: 22)
        let together = try explain(x, Array(0..<rowCount))
        let alone = try (0..<rowCount).flatMap { try explain(x.rows($0..<($0 + 1)), [$0]) }
        #expect(together.count == rowCount)
        for (a, b) in zip(together, alone) { #expect(a == b, "\(what): row \(a.row) differs when explained alone") }
    }

    @Test("gradient, saliency and gradient × input", arguments: GradientExplainer.Kind.allCases)
    func gradient(kind: GradientExplainer.Kind) throws {
        let model = try Self.model()
        try Self.expectIndependent(kind.rawValue) { try GradientExplainer(kind: kind).explain($0, using: model, rowIndices: $1) }
    }

    @Test("integrated gradients, with paths that fill several chunks and with chunks larger than a path")
    func integratedGradients() throws {
        let model = try Self.model()
        for maxScalars in [1 << 12, 1 << 16] {
            let ig = IntegratedGradients(stepCount: 20, batching: GradientBatching(maxScalars: maxScalars))
            try Self.expectIndependent("IG \(maxScalars)") { try ig.explain($0, using: model, rowIndices: $1) }
        }
    }

    @Test("SmoothGrad")
    func smoothGrad() throws {
        let model = try Self.model()
        let stats = FeatureStats(mean: [Double](repeating: 0, count: 30), std: [Double](repeating: 1, count: 30),
                                 min: [Double](repeating: -2, count: 30), max: [Double](repeating: 2, count: 30),
                                 quartiles: [[Double]](repeating: [-0.7, 0, 0.7], count: 30))
        try Self.expectIndependent("SmoothGrad") {
            try SmoothGrad(sampleCount: 12).explain($0, using: model, rng: SplitMix64(seed: 4), featureStats: stats, rowIndices: $1)
        }
    }

    @Test("layer conductance and gradient × activation")
    func layer() throws {
        let model = try Self.model()
        let x = GradientFixtures.rows(Self.rowCount, width: 30, seed: 23)
        for method in [LayerAttributor.Method.conductance, .gradientXActivation] {
            let attributor = LayerAttributor(layer: "relu1", method: method, stepCount: 10)
            let together = try attributor.attribute(x, model: model, rowIndices: Array(0..<Self.rowCount)).rows
            let alone = try (0..<Self.rowCount).flatMap { try attributor.attribute(x.rows($0..<($0 + 1)), model: model, rowIndices: [$0]).rows }
            #expect(together == alone, "\(method)")
        }
    }
}
