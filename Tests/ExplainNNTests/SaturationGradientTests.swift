import ExplainKit
import Foundation
import Testing

/// Gradients of saturated softmax and sigmoid heads against a float64 backprop of the same weights.
///
/// Each model is dense → softmax (2 or 5 classes) or dense → sigmoid, with Float weights and a bias chosen in Double
/// so that the explained probability of the test row is 1 − q, q = 1e-7 or 1e-12 (to 1e-5 relative in q after the
/// bias is rounded to Float). At q = 1e-12 the probability itself rounds to 1 in Float32, so a pullback of the form
/// p (1 − p) would return 0; at q = 1e-7 it returns a multiple of Float's ulp.
@Suite("Saturated softmax and sigmoid gradients match float64 backprop")
struct SaturationGradientTests {
    static let tolerance = 1e-4
    static let row: [Float] = [1, 0.5, -0.25]
    /// Dense weights `[out][3]`, dyadic so their products with `row` are exact; rows differ so no gradient cancels.
    static let weights: [[Float]] = [[0.5, -1, 0.25], [-0.75, 0.5, 1], [1.25, 0.25, -0.5], [0.125, -0.5, -1], [-0.25, 1, 0.75]]

    /// Logit offsets of the classes other than the explained one (the last class), before the shift that sets q.
    static let offsets: [Double] = [0, -1.5, 0.75, -3]

    /// Σᵢ W_ki xᵢ in Double.
    static func product(_ k: Int) -> Double {
        zip(weights[k], row).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// A dense → softmax model of `classes` classes whose last class has probability 1 − q at `row`.
    static func softmaxModel(classes: Int, q: Double) throws -> Model {
        // Other classes' logits are their offsets; the explained class's logit L solves Σ exp(offset − L) = q / (1 − q).
        let others = offsets.prefix(classes - 1)
        let explained = Foundation.log(others.reduce(0.0) { $0 + Foundation.exp($1) }) - Foundation.log(q / (1 - q))
        let logits = Array(others) + [explained]
        let bias = (0..<classes).map { Float(logits[$0] - product($0)) }
        return try Model(
            name: "head", inputShape: [3], featureNames: ["a", "b", "c"], outputNames: (0..<classes).map { "class\($0)" },
            layers: [
                Dense(name: "fc", weight: Tensor(shape: [classes, 3], scalars: Array(weights.prefix(classes).joined())),
                      bias: Tensor(shape: [classes], scalars: bias)),
                Softmax(name: "softmax"),
            ])
    }

    /// A dense → sigmoid model whose one output is 1 − q at `row` (or q when `low`).
    static func sigmoidModel(q: Double, low: Bool = false) throws -> Model {
        let logit = Foundation.log((1 - q) / q) * (low ? -1 : 1)
        return try Model(
            name: "head", inputShape: [3], featureNames: ["a", "b", "c"], outputNames: ["yes"],
            layers: [
                Dense(name: "fc", weight: Tensor(shape: [1, 3], scalars: weights[0]),
                      bias: Tensor(shape: [1], scalars: [Float(logit - product(0))])),
                Activation(name: "sigmoid", kind: .sigmoid),
            ])
    }

    /// The model's dense layer in Double: its logits at `row`.
    static func logits(_ model: Model) throws -> (z: [Double], w: [[Double]]) {
        let dense = try #require(model.layers.first as? Dense)
        let k = dense.outputCount
        let w = (0..<k).map { o in (0..<3).map { Double(dense.weight.scalars[o * 3 + $0]) } }
        let z = (0..<k).map { o in Double(dense.bias.scalars[o]) + (0..<3).reduce(0.0) { $0 + w[o][$1] * Double(row[$1]) } }
        return (z, w)
    }

    /// Float64 backprop of p_target through softmax and the dense layer: the Jacobian row p_t (δ_tj − p_j), with
    /// 1 − p_t written as Σ_{k≠t} p_k, times W.
    static func softmaxReference(_ model: Model, target t: Int) throws -> (p: [Double], gradient: [Double]) {
        let (z, w) = try logits(model)
        let top = z.max() ?? 0
        let e = z.map { Foundation.exp($0 - top) }
        let total = e.reduce(0, +)
        let p = e.map { $0 / total }
        let rest = p.indices.filter { $0 != t }.reduce(0.0) { $0 + p[$1] }
        let dz = p.indices.map { j in j == t ? p[t] * rest : -p[t] * p[j] }
        return (p, (0..<3).map { i in dz.indices.reduce(0.0) { $0 + dz[$1] * w[$1][i] } })
    }

    /// Float64 backprop through sigmoid: σ(z) σ(−z) W, with σ(−z) = 1 / (1 + exp(z)).
    static func sigmoidReference(_ model: Model) throws -> (p: Double, complement: Double, gradient: [Double]) {
        let (z, w) = try logits(model)
        let s = 1 / (1 + Foundation.exp(-z[0])), complement = 1 / (1 + Foundation.exp(z[0]))
        return (s, complement, w[0].map { s * complement * $0 })
    }

    /// The model's input gradient of output `target` at `row`.
    static func gradient(_ model: Model, target: Int) -> [Double] {
        model.inputGradient(Tensor(shape: [1, 3], scalars: row), targets: [target]).gradient.scalars.map(Double.init)
    }

    static func expectClose(_ actual: [Double], _ expected: [Double], _ what: String) {
        for (a, e) in zip(actual, expected) {
            #expect(abs(a - e) <= tolerance * abs(e), "\(what): \(a) vs float64 \(e)")
        }
    }

    @Test("dense → softmax: explained and other classes", arguments: [2, 5], [1e-7, 1e-12])
    func softmax(classes: Int, q: Double) throws {
        let model = try Self.softmaxModel(classes: classes, q: q)
        let explained = classes - 1
        let reference = try Self.softmaxReference(model, target: explained)
        // The row is where it claims: 1 − p of the stored Float weights, in Double, is q to 1e-5.
        #expect(abs(reference.p.dropLast().reduce(0, +) - q) <= 1e-5 * q)
        Self.expectClose(Self.gradient(model, target: explained), reference.gradient, "explained class, q = \(q)")
        for other in 0..<explained {
            let expected = try Self.softmaxReference(model, target: other).gradient
            Self.expectClose(Self.gradient(model, target: other), expected, "class \(other) of \(classes), q = \(q)")
        }
    }

    @Test("dense → sigmoid: one output at 1 − q and at q", arguments: [1e-7, 1e-12], [false, true])
    func sigmoid(q: Double, low: Bool) throws {
        let model = try Self.sigmoidModel(q: q, low: low)
        let reference = try Self.sigmoidReference(model)
        #expect(abs((low ? reference.p : reference.complement) - q) <= 1e-5 * q)
        Self.expectClose(Self.gradient(model, target: 0), reference.gradient, "sigmoid, q = \(q), low = \(low)")
    }

    @Test("tanh and sigmoid derivatives stay accurate where the activation rounds to ±1",
          arguments: [-40, -20, -9.5, -3, -0.001, 0, 0.7, 5, 12, 30] as [Float])
    func elementwise(x: Float) {
        let v = Double(x)
        let sech = 1 / Foundation.cosh(v)
        let sigmoid = 1 / (1 + Foundation.exp(-v)) / (1 + Foundation.exp(v))
        let (_, tanhPullback) = Activation(name: "t", kind: .tanh)(Tensor(shape: [1, 1], scalars: [x]), mode: .inference)
        let (_, sigmoidPullback) = Activation(name: "s", kind: .sigmoid)(Tensor(shape: [1, 1], scalars: [x]), mode: .inference)
        let tanhSlope = Double(tanhPullback(Tensor(shape: [1, 1], scalars: [1])).input.scalars[0])
        let sigmoidSlope = Double(sigmoidPullback(Tensor(shape: [1, 1], scalars: [1])).input.scalars[0])
        #expect(abs(tanhSlope - sech * sech) <= 1e-6 * sech * sech, "tanh′(\(x)) = \(tanhSlope), float64 \(sech * sech)")
        #expect(abs(sigmoidSlope - sigmoid) <= 1e-6 * sigmoid, "σ′(\(x)) = \(sigmoidSlope), float64 \(sigmoid)")
    }
}
