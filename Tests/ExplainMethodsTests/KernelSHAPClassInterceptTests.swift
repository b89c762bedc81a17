import ExplainKit
import Foundation
import Testing

/// A game that depends only on coalition size, h(|S|) with h(0) = h(M) = 0, gives every player 0 (symmetry and
/// efficiency), so adding it to any game leaves the Shapley values unchanged. With the sampled size classes'
/// intercepts the estimator keeps that property draw for draw; without them it does not.
@Suite("KernelSHAP size-class intercepts")
struct KernelSHAPClassInterceptTests {
    static let m = 25
    /// A row that differs from the single background row (all zeros) in every feature, so a model row's
    /// coalition size is its number of entries equal to x.
    static let x: [Float] = (0..<m).map { Float($0 % 5) + 0.5 }

    /// A non-additive game plus `sizeGame(|S|)`, read from the row.
    static func predictor(sizeGame: @escaping @Sendable (Int) -> Double) -> ClosurePredictor {
        ClosurePredictor(inputWidth: m, outputCount: 2) { batch in
            var out = [Float]()
            for r in 0..<batch.batchSize {
                let row = batch.row(r)
                let size = zip(row, x).filter { $0.0 == $0.1 }.count
                let linear = row.enumerated().reduce(0.0) { $0 + Double($1.element) * sin(Double($1.offset)) }
                let interaction = Double(row[0] * row[1] + row[2] * row[3] * row[4]) - Double(row[7] * row[11])
                let g = tanh(0.2 * linear) + 0.1 * interaction
                out.append(Float(g + sizeGame(size)))
                out.append(Float(-g))
            }
            return Tensor(shape: [batch.batchSize, 2], scalars: out)
        }
    }

    @Test("adding a game of coalition size alone changes neither values nor standard errors",
          arguments: KernelSHAPSampler.allCases)
    func sizeGameInvariance(sampler: KernelSHAPSampler) throws {
        let background = Background(rows: Tensor(rows: [[Float](repeating: 0, count: Self.m)]))
        let explainer = try KernelSHAPExplainer(background: background, samples: 1200, sampler: sampler)
        let m = Self.m
        let plain = Self.predictor { _ in 0 }
        let shifted = Self.predictor { s in Double(s * (m - s)) / 40 + (s % 3 == 0 && s != 0 && s != m ? 0.3 : 0) }
        var rng1 = SplitMix64(seed: 5), rng2 = SplitMix64(seed: 5)
        let a = try explainer.explain(Self.x, predictor: plain, rng: &rng1)
        let b = try explainer.explain(Self.x, predictor: shifted, rng: &rng2)
        #expect(!a.isExact && a.coalitions == b.coalitions)
        let scale = a.values[0].map(abs).max() ?? 1
        // The size game moves the values by up to about 3, so agreement to float rounding is not an accident.
        for j in 0..<m {
            #expect(abs(a.values[0][j] - b.values[0][j]) <= 1e-5 * scale, "feature \(j)")
            #expect(abs(a.stdErrors[0][j] - b.stdErrors[0][j]) <= 1e-5 * scale, "feature \(j) SE")
        }
    }
}
