import ExplainKit

/// f(x) = Σ_j c_j x_j + Σ_t s_t · tanh(Σ_{j∈T_t} a_tj x_j + b_t): a model with many features, interactions of
/// order 3–4, and Shapley values that are cheap to compute exactly (linearity over terms, brute force inside each).
struct KernelSHAPSparseModel {
    let width: Int
    let linear: [Double]
    let terms: [(players: [Int], coefficients: [Double], offset: Double, scale: Double)]

    init(width: Int, termCount: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        self.width = width
        linear = (0..<width).map { _ in rng.nextNormal() * 0.3 }
        var terms = [(players: [Int], coefficients: [Double], offset: Double, scale: Double)]()
        for _ in 0..<termCount {
            let size = 3 + rng.nextInt(below: 2)
            var players = [Int]()
            while players.count < size {
                let p = rng.nextInt(below: width)
                if !players.contains(p) { players.append(p) }
            }
            terms.append((players.sorted(), players.map { _ in rng.nextNormal() * 1.5 }, rng.nextNormal() * 0.5,
                          1 + rng.nextUniform()))
        }
        self.terms = terms
    }

    /// f for one row, in Double.
    func value(_ x: [Double]) -> Double {
        var f = 0.0
        for j in 0..<width { f += linear[j] * x[j] }
        for t in terms {
            var s = t.offset
            for (p, a) in zip(t.players, t.coefficients) { s += a * x[p] }
            f += t.scale * Math.tanh(Float(s)).asDouble
        }
        return f
    }

    /// The model as a single-output predictor (Float arithmetic, no per-row allocation).
    var predictor: ClosurePredictor {
        let width = self.width
        let linear = self.linear.map { Float($0) }
        let players = terms.map(\.players)
        let coefficients = terms.map { $0.coefficients.map { Float($0) } }
        let offsets = terms.map { Float($0.offset) }
        let scales = terms.map { Float($0.scale) }
        return ClosurePredictor(inputWidth: width, outputCount: 1) { batch in
            var out = [Float](repeating: 0, count: batch.batchSize)
            batch.scalars.withUnsafeBufferPointer { x in
                for r in 0..<batch.batchSize {
                    let base = r * width
                    var f: Float = 0
                    for j in 0..<width { f += linear[j] * x[base + j] }
                    for t in players.indices {
                        var s = offsets[t]
                        let ps = players[t], cs = coefficients[t]
                        for i in ps.indices { s += cs[i] * x[base + ps[i]] }
                        f += scales[t] * Math.tanh(s)
                    }
                    out[r] = f
                }
            }
            return Tensor(shape: [batch.batchSize, 1], scalars: out)
        }
    }

    /// The exact interventional Shapley values at x over a weighted background.
    func shapley(x: [Float], background: Background) -> [Double] {
        let k = background.rows.batchSize
        let bg = (0..<k).map { b in (0..<width).map { Double(background.rows.scalars[b * width + $0]) } }
        let xd = x.map(Double.init)
        var phi = (0..<width).map { j in linear[j] * (xd[j] - (0..<k).reduce(0.0) { $0 + background.weights[$1] * bg[$1][j] }) }
        for t in terms {
            let m = t.players.count
            let v: [Double] = (0..<(1 << m)).map { mask in
                (0..<k).reduce(0.0) { acc, b in
                    var s = t.offset
                    for (i, p) in t.players.enumerated() { s += t.coefficients[i] * (mask & (1 << i) != 0 ? xd[p] : bg[b][p]) }
                    return acc + background.weights[b] * t.scale * Math.tanh(Float(s)).asDouble
                }
            }
            let local = KernelSHAPTestModels.shapley(v.map { [$0] }, players: m)[0]
            for (i, p) in t.players.enumerated() { phi[p] += local[i] }
        }
        return phi
    }
}

extension Float {
    var asDouble: Double { Double(self) }
}

extension KernelSHAPSparseModel {
    /// The 24-feature model of the sampled-path tests with a weighted background of `rows` rows, a row to explain,
    /// and its exact Shapley values.
    static func fixture(backgroundRows rows: Int, seed: UInt64)
        -> (model: KernelSHAPSparseModel, background: Background, x: [Float], truth: [Double]) {
        let model = KernelSHAPSparseModel(width: 24, termCount: 14, seed: 42)
        let (background, x) = KernelSHAPTestModels.data(width: 24, rows: rows, seed: seed)
        return (model, background, x, model.shapley(x: x, background: background))
    }
}
