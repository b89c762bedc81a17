import ExplainKit
import Testing

@Suite("Background weights")
struct BackgroundTests {
    static let rows = KernelSHAPTestModels.data(width: 5, rows: 7, seed: 31).background.rows

    @Test("weights are divided by their sum, bit for bit as before")
    func ordinary() {
        #expect(Background(rows: Self.rows).weights == [Double](repeating: 1.0 / 7, count: 7))
        let w: [Double] = [1, 2, 0.5, 0, 3, 1, 1]
        #expect(Background(rows: Self.rows, weights: w).weights == w.map { $0 / 8.5 })
    }

    @Test("finite weights whose sum overflows normalise like all-1 weights, not to zero")
    func overflowingSum() throws {
        let huge = Background(rows: Self.rows, weights: [Double](repeating: 1e308, count: 7))
        #expect(huge == Background(rows: Self.rows))
        let mixed = Background(rows: Self.rows, weights: [1e308, 5e307, 1.5e308, 0, 1e308, 1e308, 1e308])
        let expected: [Double] = [2, 1, 3, 0, 2, 2, 2].map { $0 / 12 }
        for (a, b) in zip(mixed.weights, expected) { #expect(abs(a - b) <= 1e-15) }

        let model = KernelSHAPTestModels.linear(weights: [[0.5, -1, 2, 0.25, 1]], bias: [0.1])
        let x: [Float] = [1, 2, 3, 4, 5]
        var rng1 = SplitMix64(seed: 3), rng2 = SplitMix64(seed: 3)
        let a = try KernelSHAPExplainer(background: huge, samples: 64).explain(x, predictor: model, rng: &rng1)
        let b = try KernelSHAPExplainer(background: Background(rows: Self.rows), samples: 64)
            .explain(x, predictor: model, rng: &rng2)
        #expect(a == b)
    }

    @Test("weights with no finite positive sum are left for the explainers to reject")
    func unusable() {
        #expect(Background.normalized([0, 0]) == [0, 0])
        #expect(Background.normalized([1, .infinity]) == [1, .infinity])
    }
}
