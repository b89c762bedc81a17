import ExplainMethods
import ExplainNN
import ExplainTensor
import Foundation

/// Small networks and an independent Double implementation of the modified backward passes, for the DeepLIFT,
/// guided-backprop and LRP tests. The reference reads the model's weights but shares no code with the engine.
enum ModifiedBackpropFixtures {
    /// 4 → 6 (relu) → 5 (`hidden`) → 3 (then softmax when `softmax`), seeded; biases zero when `biases` is false.
    static func mlp(seed: UInt64 = 7, hidden: Activation.Kind = .relu, biases: Bool = true, softmax: Bool = false) throws -> Model {
        var rng = SplitMix64(seed: seed)
        func dense(_ name: String, _ i: Int, _ o: Int) -> Dense {
            var d = GradientFixtures.dense(name, i, o, rng: &rng, scale: 2)
            if !biases { d.bias = Tensor(shape: [o], repeating: 0) }
            return d
        }
        var layers: [any Layer] = [dense("fc1", 4, 6), Activation(name: "act1", kind: .relu),
                                   dense("fc2", 6, 5), Activation(name: "act2", kind: hidden), dense("fc3", 5, 3)]
        if softmax { layers.append(Softmax(name: "softmax")) }
        return try Model(name: "mlp", inputShape: [4], featureNames: GradientFixtures.names("x", 4),
                         outputNames: ["a", "b", "c"], layers: layers)
    }

    /// 1×6×6 → conv 3@3×3 pad 1 → relu → maxpool 2 → conv 2@2×2 → relu → avgpool 2 → flatten → dense 3.
    static func cnn(seed: UInt64 = 9, biases: Bool = true) throws -> Model {
        var rng = SplitMix64(seed: seed)
        func conv(_ name: String, _ o: Int, _ c: Int, _ k: Int, padding: Int) -> Conv2D {
            Conv2D(name: name, weight: Tensor(shape: [o, c, k, k], scalars: GradientFixtures.gaussian(o * c * k * k, scale: 0.6, rng: &rng)),
                   bias: Tensor(shape: [o], scalars: biases ? GradientFixtures.gaussian(o, scale: 0.2, rng: &rng) : [Float](repeating: 0, count: o)),
                   padding: padding)
        }
        var fc = GradientFixtures.dense("fc", 2, 3, rng: &rng, scale: 2)
        if !biases { fc.bias = Tensor(shape: [3], repeating: 0) }
        return try Model(name: "cnn", inputShape: [1, 6, 6], featureNames: GradientFixtures.names("px", 36),
                         outputNames: ["a", "b", "c"], layers: [
            conv("conv1", 3, 1, 3, padding: 1), Activation(name: "relu1", kind: .relu),
            Pool2D(name: "pool1", reduction: .max, kernel: 2), conv("conv2", 2, 3, 2, padding: 0),
            Activation(name: "relu2", kind: .relu), Pool2D(name: "pool2", reduction: .average, kernel: 2),
            Flatten(name: "flat"), fc,
        ])
    }

    // MARK: - The Double reference for dense / activation / softmax networks

    /// Each layer's input and output in Double.
    static func forward(_ model: Model, _ x: [Double]) -> [(input: [Double], output: [Double])] {
        var h = x
        var out: [(input: [Double], output: [Double])] = []
        for layer in model.layers {
            let y: [Double]
            switch layer {
            case let d as Dense:
                let w = d.weight.scalars.map(Double.init), b = d.bias.scalars.map(Double.init)
                y = (0..<d.outputCount).map { j in (0..<d.inputCount).reduce(b[j]) { $0 + w[j * d.inputCount + $1] * h[$1] } }
            case let a as Activation: y = h.map { value(a.kind, $0) }
            case is Softmax:
                let top = h.max() ?? 0, e = h.map { Math.exp($0 - top) }, total = e.reduce(0, +)
                y = e.map { $0 / total }
            default: preconditionFailure("reference: \(layer.type)")
            }
            out.append((h, y))
            h = y
        }
        return out
    }

    static func value(_ kind: Activation.Kind, _ v: Double) -> Double {
        switch kind {
        case .relu: v > 0 ? v : 0
        case .leakyReLU(let s): v > 0 ? v : Double(s) * v
        case .tanh: tanh(v)
        case .sigmoid: 1 / (1 + Math.exp(-v))
        case .gelu(false): 0.5 * v * (1 + erf(v / 2.0.squareRoot()))
        case .gelu(true): 0.5 * v * (1 + tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
        case .erf: erf(v)
        case .clip(let low, let high): min(max(v, Double(low)), Double(high))
        }
    }

    /// tanh in Double (Math has it for Float only).
    static func tanh(_ v: Double) -> Double {
        let e = Math.exp(-2 * abs(v)), t = (1 - e) / (1 + e)
        return v < 0 ? -t : t
    }

    static func derivative(_ kind: Activation.Kind, _ v: Double) -> Double {
        switch kind {
        case .relu: v > 0 ? 1 : 0
        case .leakyReLU(let s): v > 0 ? 1 : Double(s)
        case .tanh: 1 - tanh(v) * tanh(v)
        case .sigmoid: value(.sigmoid, v) * (1 - value(.sigmoid, v))
        case .gelu(false): 0.5 * (1 + erf(v / 2.0.squareRoot())) + v * exp(-v * v / 2) / (2 * Double.pi).squareRoot()
        case .gelu(true): tanhGELUDerivative(v)
        case .erf: 2 / Double.pi.squareRoot() * exp(-v * v)
        case .clip(let low, let high): v >= Double(low) && v <= Double(high) ? 1 : 0
        }
    }

    /// d/dv of ½ v (1 + tanh u), u = √(2/π) (v + 0.044715 v³).
    static func tanhGELUDerivative(_ v: Double) -> Double {
        let scale = (2 / Double.pi).squareRoot(), t = tanh(scale * (v + 0.044715 * v * v * v))
        return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * scale * (1 + 3 * 0.044715 * v * v)
    }

    /// Wᵀ g for a dense layer.
    static func transposed(_ d: Dense, _ g: [Double]) -> [Double] {
        (0..<d.inputCount).map { i in (0..<d.outputCount).reduce(0.0) { $0 + Double(d.weight.scalars[$1 * d.inputCount + i]) * g[$1] } }
    }

    /// DeepLIFT's rescale rule written out: multipliers Δy/Δx per unit, softmax multipliers centred, times Δx.
    static func deepLIFT(_ model: Model, x: [Double], reference: [Double], target: Int) -> [Double] {
        let a = forward(model, x), b = forward(model, reference)
        var m = [Double](repeating: 0, count: a.last?.output.count ?? 0)
        m[target] = 1
        for (i, layer) in model.layers.enumerated().reversed() {
            switch layer {
            case let d as Dense: m = transposed(d, m)
            case let act as Activation:
                m = m.indices.map { j in
                    let dx = a[i].input[j] - b[i].input[j]
                    return dx == 0 ? m[j] * derivative(act.kind, a[i].input[j]) : m[j] * (a[i].output[j] - b[i].output[j]) / dx
                }
            case is Softmax:
                let u = m.indices.map { j in m[j] * (a[i].output[j] - b[i].output[j]) / (a[i].input[j] - b[i].input[j]) }
                let mean = u.reduce(0, +) / Double(u.count)
                m = u.map { $0 - mean }
            default: preconditionFailure("reference: \(layer.type)")
            }
        }
        return m.indices.map { m[$0] * (x[$0] - reference[$0]) }
    }

    /// Guided backprop (`deconvolution` false) or deconvolution written out for a dense network.
    static func guided(_ model: Model, x: [Double], target: Int, deconvolution: Bool) -> [Double] {
        let a = forward(model, x)
        var g = [Double](repeating: 0, count: a.last?.output.count ?? 0)
        g[target] = 1
        for (i, layer) in model.layers.enumerated().reversed() {
            switch layer {
            case let d as Dense: g = transposed(d, g)
            case let act as Activation where act.kind == .relu:
                g = g.indices.map { j in max(0, deconvolution ? g[j] : (a[i].input[j] > 0 ? g[j] : 0)) }
            case let act as Activation:
                g = g.indices.map { j in g[j] * derivative(act.kind, a[i].input[j]) }
            default: preconditionFailure("reference: \(layer.type)")
            }
        }
        return g
    }
}
