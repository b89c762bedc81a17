import ExplainKit

/// Models with known Shapley values for the KernelSHAP tests, and a brute-force Shapley oracle.
enum KernelSHAPTestModels {
    /// A random one-hidden-layer tanh network with a softmax (or identity) head, as a `ClosurePredictor`.
    static func mlp(inputs: Int, hidden: Int, outputs: Int, softmax: Bool, seed: UInt64) -> ClosurePredictor {
        var rng = SplitMix64(seed: seed)
        let w1 = (0..<(hidden * inputs)).map { _ in Float(rng.nextNormal()) / Float(inputs).squareRoot() * 2 }
        let b1 = (0..<hidden).map { _ in Float(rng.nextNormal()) * 0.5 }
        let w2 = (0..<(outputs * hidden)).map { _ in Float(rng.nextNormal()) / Float(hidden).squareRoot() * 2 }
        let b2 = (0..<outputs).map { _ in Float(rng.nextNormal()) * 0.5 }
        return ClosurePredictor(inputWidth: inputs, outputCount: outputs) { batch in
            let n = batch.batchSize
            var out = [Float](repeating: 0, count: n * outputs)
            var h = [Float](repeating: 0, count: hidden)
            for r in 0..<n {
                for u in 0..<hidden {
                    var s = b1[u]
                    for j in 0..<inputs { s += w1[u * inputs + j] * batch.scalars[r * inputs + j] }
                    h[u] = Math.tanh(s)
                }
                var maxLogit = -Float.infinity
                for o in 0..<outputs {
                    var s = b2[o]
                    for u in 0..<hidden { s += w2[o * hidden + u] * h[u] }
                    out[r * outputs + o] = s
                    maxLogit = max(maxLogit, s)
                }
                if softmax {
                    var total: Float = 0
                    for o in 0..<outputs {
                        out[r * outputs + o] = Math.exp(out[r * outputs + o] - maxLogit)
                        total += out[r * outputs + o]
                    }
                    for o in 0..<outputs { out[r * outputs + o] /= total }
                }
            }
            return Tensor(shape: [n, outputs], scalars: out)
        }
    }

    /// A linear model f(x) = W x + c with `outputs` rows of weights.
    static func linear(weights: [[Float]], bias: [Float]) -> ClosurePredictor {
        let width = weights[0].count, outputs = weights.count
        return ClosurePredictor(inputWidth: width, outputCount: outputs) { batch in
            var out = [Float](repeating: 0, count: batch.batchSize * outputs)
            for r in 0..<batch.batchSize {
                for o in 0..<outputs {
                    var s = bias[o]
                    for j in 0..<width { s += weights[o][j] * batch.scalars[r * width + j] }
                    out[r * outputs + o] = s
                }
            }
            return Tensor(shape: [batch.batchSize, outputs], scalars: out)
        }
    }

    /// A random background of `rows` rows with random positive weights, and an instance, all Gaussian.
    static func data(width: Int, rows: Int, seed: UInt64) -> (background: Background, x: [Float]) {
        var rng = SplitMix64(seed: seed)
        let scalars = (0..<(rows * width)).map { _ in Float(rng.nextNormal()) }
        let weights = (0..<rows).map { _ in 0.2 + rng.nextUniform() }
        let x = (0..<width).map { _ in Float(rng.nextNormal() * 1.5) }
        return (Background(rows: Tensor(shape: [rows, width], scalars: scalars), weights: weights), x)
    }

    /// v(S) for every mask S over all features of `x` (bit j = feature j kept at x), `[mask][output]`.
    static func game(_ predictor: some BatchPredictor, x: [Float], background: Background) throws -> [[Double]] {
        let m = x.count, k = background.rows.batchSize
        var rows = [Float]()
        rows.reserveCapacity((1 << m) * k * m)
        for mask in 0..<(1 << m) {
            for b in 0..<k {
                for j in 0..<m { rows.append(mask & (1 << j) != 0 ? x[j] : background.rows.scalars[b * m + j]) }
            }
        }
        let out = try predictor.predict(Tensor(shape: [(1 << m) * k, m], scalars: rows))
        let outputs = predictor.outputCount
        return (0..<(1 << m)).map { mask in
            (0..<outputs).map { o in
                (0..<k).reduce(0.0) { $0 + background.weights[$1] * Double(out.scalars[(mask * k + $1) * outputs + o]) }
            }
        }
    }

    /// The Shapley values `[output][player]` of a game given on all 2^M masks.
    static func shapley(_ v: [[Double]], players m: Int) -> [[Double]] {
        var factorial = [1.0]
        for i in 1...max(1, m) { factorial.append(factorial[i - 1] * Double(i)) }
        return (0..<v[0].count).map { o in
            (0..<m).map { i in
                var phi = 0.0
                for mask in 0..<(1 << m) where mask & (1 << i) == 0 {
                    let s = mask.nonzeroBitCount
                    phi += factorial[s] * factorial[m - s - 1] / factorial[m] * (v[mask | (1 << i)][o] - v[mask][o])
                }
                return phi
            }
        }
    }
}
