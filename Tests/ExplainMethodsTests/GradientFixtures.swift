import ExplainMethods
import ExplainNN
import ExplainTensor

/// Small seeded networks and numerical oracles shared by the gradient-explainer tests.
enum GradientFixtures {
    /// Gaussian values with standard deviation `scale`.
    static func gaussian(_ count: Int, scale: Double, rng: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in Float(rng.nextNormal() * scale) }
    }

    static func dense(_ name: String, _ inputs: Int, _ outputs: Int, rng: inout SplitMix64, scale: Double = 1) -> Dense {
        Dense(name: name,
              weight: Tensor(shape: [outputs, inputs], scalars: gaussian(outputs * inputs, scale: scale / Double(inputs).squareRoot(), rng: &rng)),
              bias: Tensor(shape: [outputs], scalars: gaussian(outputs, scale: 0.3, rng: &rng)))
    }

    static func names(_ prefix: String, _ count: Int) -> [String] { (0..<count).map { "\(prefix)\($0)" } }

    /// f(x) = w·x + b as a one-dense-layer model.
    static func linear(weights: [Float], bias: Float) throws -> Model {
        try Model(name: "linear", inputShape: [weights.count], featureNames: names("x", weights.count), outputNames: ["y"],
                  layers: [Dense(name: "fc", weight: Tensor(shape: [1, weights.count], scalars: weights),
                                 bias: Tensor(shape: [1], scalars: [bias]))])
    }

    /// standardize → 5 → 8 tanh → 6 sigmoid → 3 softmax.
    static func smoothMLP(seed: UInt64 = 1) throws -> Model {
        var rng = SplitMix64(seed: seed)
        return try Model(name: "mlp", inputShape: [5], featureNames: names("x", 5), outputNames: ["a", "b", "c"], layers: [
            Standardize(name: "scale", mean: [0.5, -0.2, 1, 0, 0.3], std: [1.5, 0.8, 2, 1, 1.2]),
            dense("fc1", 5, 8, rng: &rng, scale: 2), Activation(name: "tanh1", kind: .tanh),
            dense("fc2", 8, 6, rng: &rng, scale: 2), Activation(name: "sig2", kind: .sigmoid),
            dense("fc3", 6, 3, rng: &rng, scale: 3), Softmax(name: "softmax"),
        ])
    }

    /// 2×6×6 → conv 3@3×3 pad 1 → tanh → avgpool 2 → flatten → dense 4 → softmax.
    static func smoothCNN(seed: UInt64 = 2) throws -> Model {
        var rng = SplitMix64(seed: seed)
        let conv = Conv2D(name: "conv1", weight: Tensor(shape: [3, 2, 3, 3], scalars: gaussian(54, scale: 0.5, rng: &rng)),
                          bias: Tensor(shape: [3], scalars: gaussian(3, scale: 0.2, rng: &rng)), padding: 1)
        return try Model(name: "cnn", inputShape: [2, 6, 6], featureNames: names("px", 72), outputNames: names("class", 4), layers: [
            conv, Activation(name: "tanh1", kind: .tanh), Pool2D(name: "pool1", reduction: .average, kernel: 2),
            Flatten(name: "flat"), dense("fc", 27, 4, rng: &rng, scale: 2), Softmax(name: "softmax"),
        ])
    }

    /// Seeded input rows.
    static func rows(_ count: Int, width: Int, seed: UInt64, scale: Double = 1) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: [count, width], scalars: gaussian(count * width, scale: scale, rng: &rng))
    }

    /// Central finite differences of output `target` of one row, step `h`.
    static func finiteDifference(_ model: Model, row: [Float], target: Int, h: Float = 1e-2) -> [Double] {
        var points: [Float] = []
        for j in row.indices {
            var plus = row, minus = row
            plus[j] += h
            minus[j] -= h
            points += plus + minus
        }
        let out = model.forward(Tensor(shape: [2 * row.count, row.count], scalars: points))
        let k = model.outputCount
        return row.indices.map { j in
            (Double(out.scalars[(2 * j) * k + target]) - Double(out.scalars[(2 * j + 1) * k + target])) / (2 * Double(h))
        }
    }

    /// The largest absolute difference between two equally long arrays.
    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    static func maxAbs(_ a: [Double]) -> Double { a.reduce(0) { max($0, abs($1)) } }
}
