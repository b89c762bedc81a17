@testable import ExplainMethods
import ExplainNN
import ExplainTensor
import TestSupport
import Testing

@Suite("DeepSHAP: the weighted mean of DeepLIFT over the background, with its standard errors")
struct DeepSHAPTests {
    @Test("φ, base value and standard errors equal those computed from DeepLIFT run against each background row")
    func weightedMean() throws {
        for model in [try ModifiedBackpropFixtures.mlp(softmax: true), try ModifiedBackpropFixtures.cnn()] {
            let width = model.inputWidth
            let x = GradientFixtures.rows(3, width: width, seed: 21, scale: 1.5)
            let rows = GradientFixtures.rows(5, width: width, seed: 22)
            let background = Background(rows: rows, weights: [1, 3, 2, 0.5, 1.5])
            let ours = try DeepSHAP().explain(x, using: model, background: background)
            let w = background.weights, b = w.count
            for (r, e) in ours.enumerated() {
                let single = try (0..<b).map { k in
                    try #require(try DeepLIFT(baseline: .rows(rows.rows(k..<(k + 1)))).explain(
                        x.rows(r..<(r + 1)), using: model, target: .index(e.target)).first)
                }
                let mean = (0..<width).map { j in (0..<b).reduce(0.0) { $0 + w[$1] * single[$1].attributions[j] } }
                let errors = (0..<width).map { j in
                    (Double(b) / Double(b - 1) * (0..<b).reduce(0.0) { $0 + w[$1] * w[$1] * pow2(single[$1].attributions[j] - mean[j]) })
                        .squareRoot()
                }
                let base = (0..<b).reduce(0.0) { $0 + w[$1] * (single[$1].baseValue ?? .nan) }
                let scale = max(mean.map(abs).max() ?? 0, 1e-6)
                #expect(Closeness.maxAbsDifference(e.attributions, mean) <= 1e-6 * scale, "\(model.name) row \(r)")
                #expect(Closeness.maxAbsDifference(e.stdErrors ?? [], errors) <= 1e-6 * scale)
                #expect(abs((e.baseValue ?? .nan) - base) <= 1e-7)
                #expect(abs(e.attributions.reduce(0, +) - (e.prediction - base) - (e.diagnostics["completeness_gap"] ?? .nan)) < 1e-9)
            }
        }
    }

    @Test("uniform weights give SE = s/√B; one background row gives zero SE and DeepLIFT itself")
    func uniformAndSingle() throws {
        let model = try ModifiedBackpropFixtures.mlp()
        let x = GradientFixtures.rows(2, width: 4, seed: 23)
        let rows = GradientFixtures.rows(8, width: 4, seed: 24)
        let e = try #require(try DeepSHAP().explain(x, using: model, background: Background(rows: rows), target: .index(0)).first)
        let single = try (0..<8).map { k in
            try #require(try DeepLIFT(baseline: .rows(rows.rows(k..<(k + 1)))).explain(x.rows(0..<1), using: model, target: .index(0)).first)
        }
        for j in 0..<4 {
            let values = single.map { $0.attributions[j] }
            let mean = values.reduce(0, +) / 8
            let s2 = values.reduce(0.0) { $0 + pow2($1 - mean) } / 7
            #expect(abs((e.stdErrors?[j] ?? .nan) - (s2 / 8).squareRoot()) <= 1e-6 * max(1, s2.squareRoot()))
        }
        let one = try #require(try DeepSHAP().explain(x, using: model, background: Background(rows: rows.rows(2..<3)), target: .index(0)).first)
        #expect(one.stdErrors == [0, 0, 0, 0])
        #expect(Closeness.maxAbsDifference(one.attributions, single[2].attributions) < 1e-9)
    }

    @Test("cached and per-chunk reference activations give the same attributions, in chunks of any size")
    func referenceCache() throws {
        let model = try ModifiedBackpropFixtures.cnn()
        let x = GradientFixtures.rows(3, width: 36, seed: 26), refs = GradientFixtures.rows(7, width: 36, seed: 27)
        func run(cacheLimit: Int, maxScalars: Int) throws -> [Float] {
            var out = [Float](repeating: .nan, count: 21 * 36)
            try DeepLIFTPairs.evaluate(model: model, rows: x, references: refs, pointCount: 21, pair: { ($0 / 7, $0 % 7) },
                                       targets: [0, 1, 2], eps: 1e-10, batching: GradientBatching(maxScalars: maxScalars),
                                       cacheLimit: cacheLimit) { points, phi in
                out.replaceSubrange((points.lowerBound * 36)..<(points.upperBound * 36), with: phi)
            }
            return out
        }
        let cached = try run(cacheLimit: DeepLIFTPairs.cachedScalars, maxScalars: 1 << 16)
        let finite = cached.allSatisfy { $0.isFinite }
        #expect(finite)
        #expect(try run(cacheLimit: 0, maxScalars: 1 << 16) == cached)
        #expect(try run(cacheLimit: 0, maxScalars: 1) == cached)
    }

    @Test("an empty or mismatched background is an error")
    func invalidBackground() throws {
        let model = try ModifiedBackpropFixtures.mlp()
        let x = GradientFixtures.rows(1, width: 4, seed: 25)
        #expect(throws: ExplainError.self) { try DeepSHAP().explain(x, using: model, background: Background(rows: Tensor(shape: [0, 4]))) }
        #expect(throws: ExplainError.self) { try DeepSHAP().explain(x, using: model, background: Background(rows: Tensor(shape: [2, 3]))) }
    }

    private func pow2(_ v: Double) -> Double { v * v }
}
