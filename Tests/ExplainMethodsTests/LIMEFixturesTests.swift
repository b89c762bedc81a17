import ExplainTensor
@testable import ExplainMethods

/// Shared fixtures for the LIME tests: seeded training tables and small models with known structure.
enum LIMEFixtures {
    /// A seeded `rows × width` table whose column j is N(j + 1, (0.5 + j)²), row-major.
    static func table(rows: Int, width: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var out = [Float]()
        out.reserveCapacity(rows * width)
        for _ in 0..<rows {
            for j in 0..<width { out.append(Float(Double(j + 1) + (0.5 + Double(j)) * rng.nextNormal())) }
        }
        return out
    }

    /// Background rows and their statistics for `table`.
    static func training(rows: Int = 400, width: Int, seed: UInt64 = 11) -> (stats: FeatureStats, background: Background) {
        let values = table(rows: rows, width: width, seed: seed)
        return (FeatureStats.computed(from: values, rows: rows, width: width),
                Background(rows: Tensor(shape: [rows, width], scalars: values)))
    }

    /// f(x) = w·x + bias, one output, computed in Double.
    static func linear(_ w: [Double], bias: Double = 0.5) -> ClosurePredictor {
        ClosurePredictor(inputWidth: w.count, outputCount: 1) { batch in
            let m = w.count
            let out = (0..<batch.batchSize).map { i -> Float in
                var s = bias
                for j in 0..<m { s += w[j] * Double(batch.scalars[i * m + j]) }
                return Float(s)
            }
            return Tensor(shape: [batch.batchSize, 1], scalars: out)
        }
    }

    /// A seeded width → 16 (tanh) → 2 (softmax) network.
    static func mlp(width: Int, seed: UInt64 = 3) -> ClosurePredictor {
        var rng = SplitMix64(seed: seed)
        let hidden = 16
        let w1 = (0..<(hidden * width)).map { _ in rng.nextNormal() / Double(width).squareRoot() }
        let b1 = (0..<hidden).map { _ in 0.3 * rng.nextNormal() }
        let w2 = (0..<(2 * hidden)).map { _ in 1.5 * rng.nextNormal() / Double(hidden).squareRoot() }
        return ClosurePredictor(inputWidth: width, outputCount: 2) { batch in
            var out = [Float]()
            out.reserveCapacity(batch.batchSize * 2)
            for i in 0..<batch.batchSize {
                var h = [Double](repeating: 0, count: hidden)
                for u in 0..<hidden {
                    var s = b1[u]
                    for j in 0..<width { s += w1[u * width + j] * (Double(batch.scalars[i * width + j]) - Double(j + 1)) / (0.5 + Double(j)) }
                    h[u] = Double(Math.tanh(Float(s)))
                }
                var logits = [0.0, 0.0]
                for o in 0..<2 { for u in 0..<hidden { logits[o] += w2[o * hidden + u] * h[u] } }
                let top = max(logits[0], logits[1])
                let e = logits.map { Math.exp($0 - top) }
                out.append(Float(e[0] / (e[0] + e[1])))
                out.append(Float(e[1] / (e[0] + e[1])))
            }
            return Tensor(shape: [batch.batchSize, 2], scalars: out)
        }
    }

    /// The kernel-weighted, centred Gram matrix and target moments of a replayed neighbourhood (plain loops).
    static func weightedGram(_ hood: LIMENeighbourhood, weights: [Double], targets: [Double]? = nil)
        -> (gram: [Double], moments: [Double], means: [Double]) {
        let m = hood.width, n = hood.count
        let total = weights.reduce(0, +)
        var means = [Double](repeating: 0, count: m)
        for i in 0..<n { for j in 0..<m { means[j] += weights[i] * hood.interpretable[i * m + j] / total } }
        var yMean = 0.0
        if let targets { for i in 0..<n { yMean += weights[i] * targets[i] / total } }
        var gram = [Double](repeating: 0, count: m * m), moments = [Double](repeating: 0, count: m)
        for i in 0..<n {
            for a in 0..<m {
                let za = hood.interpretable[i * m + a] - means[a]
                if let targets { moments[a] += weights[i] * za * (targets[i] - yMean) }
                for b in 0..<m { gram[a * m + b] += weights[i] * za * (hood.interpretable[i * m + b] - means[b]) }
            }
        }
        return (gram, moments, means)
    }
}
