import ExplainKit
import Foundation
import Testing
import TestSupport

/// The operator layers' declared kinds, hand-computed values, saturated softmax lines and the gradient skips.
@Suite("Operator layers: kinds, values and gradient skips")
struct OperatorLayerTests {
    typealias Check = GradientExpectations

    @Test("each layer declares its propagation kind and type")
    func kinds() {
        let constant = Tensor(shape: [1], scalars: [2])
        let table: [(any Layer, PropagationKind, String)] = [
            (Broadcast(name: "b", operation: .add), .affine, "add"), (Broadcast(name: "b", operation: .sub), .affine, "sub"),
            (Broadcast(name: "b", operation: .mul), .other, "mul"), (Broadcast(name: "b", operation: .div), .other, "div"),
            (ConstantOperand(name: "k", operation: .mul, constant: constant), .affine, "mul"),
            (ConstantOperand(name: "k", operation: .div, constant: constant), .affine, "div"),
            (ConstantOperand(name: "k", operation: .div, constant: constant, constantFirst: true), .other, "div"),
            (ConstantOperand(name: "k", operation: .sub, constant: constant, constantFirst: true), .affine, "sub"),
            (MatMul(name: "m", weight: Tensor(shape: [2, 2], repeating: 1)), .affine, "matmul"),
            (ChannelAffine(name: "c", scale: [1], shift: [0]), .affine, "channel_affine"),
            (Concat(name: "c", axis: 0), .affine, "concat"), (Reshape(name: "r", shape: [4]), .affine, "reshape"),
            (Transpose(name: "t", permutation: [1, 0]), .affine, "transpose"),
            (GlobalAveragePool(name: "g"), .affine, "global_avgpool"), (Identity(name: "i"), .affine, "identity"),
            (AxisSoftmax(name: "s", axis: 0, isLog: false, coercesTrailingAxes: false), .other, "softmax"),
            (AxisSoftmax(name: "s", axis: 0, isLog: true, coercesTrailingAxes: false), .other, "log_softmax"),
            (Activation(name: "a", kind: .gelu(tanhApproximation: true)), .elementwise, "gelu"),
            (Activation(name: "a", kind: .erf), .elementwise, "erf"),
            (Activation(name: "a", kind: .clip(minimum: 0, maximum: 6)), .elementwise, "clip"),
            (Activation(name: "a", kind: .relu), .elementwise, "relu"),
            (Convolution(name: "c", weight: Tensor(shape: [1, 1, 1, 1], repeating: 1), bias: nil, strides: [1, 1],
                         dilations: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], group: 1), .affine, "conv"),
            (Self.pool(.max), .other, "maxpool"), (Self.pool(.average), .affine, "avgpool"),
        ]
        for (layer, kind, type) in table {
            #expect(layer.propagationKind == kind, "\(layer.type)")
            #expect(layer.type == type)
        }
    }

    static func pool(_ reduction: Pool2D.Reduction) -> WindowPool {
        WindowPool(name: "p", reduction: reduction, kernel: [2, 2], strides: [1, 1], dilations: [1, 1],
                   padsBegin: [1, 1], padsEnd: [0, 0], countsPadding: false)
    }

    @Test("broadcast of [2, 1] and [3] by hand, and its gradients summed over the stretched axes")
    func broadcastByHand() throws {
        let layer = Broadcast(name: "b", operation: .add)
        let a = Tensor(shape: [1, 2, 1], scalars: [1, 2]), b = Tensor(shape: [1, 3], scalars: [10, 20, 30])
        #expect(try layer.outputShape(forInputs: [[2, 1], [3]]) == [2, 3])
        let (y, pullback) = layer([a, b], mode: .inference)
        #expect(y == Tensor(shape: [1, 2, 3], scalars: [11, 21, 31, 12, 22, 32]))
        let g = pullback(Tensor(shape: [1, 2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        #expect(g.inputs == [Tensor(shape: [1, 2, 1], scalars: [6, 15]), Tensor(shape: [1, 3], scalars: [5, 7, 9])])
    }

    @Test("a constant operand can make the output larger than the input, and c − x and c / x take x second")
    func constantOperandByHand() throws {
        let c = Tensor(shape: [1, 1, 3], scalars: [1, 2, 4])
        let x = Tensor(shape: [2, 2, 1], scalars: [1, 2, 3, 4])
        let minus = ConstantOperand(name: "k", operation: .sub, constant: c, constantFirst: true)
        #expect(try minus.outputShape(for: [2, 1]) == [2, 3])
        #expect(minus(x, mode: .inference).output.scalars == [0, 1, 3, -1, 0, 2, -2, -1, 1, -3, -2, 0])
        let over = ConstantOperand(name: "k", operation: .div, constant: c, constantFirst: true)
        let (y, pullback) = over(x, mode: .inference)
        #expect(y.scalars.prefix(6) == [1, 2, 4, 0.5, 1, 2])
        // d(c/x)/dx = −c/x², summed over the three constants: −7/x².
        let dx = pullback(Tensor(shape: [2, 2, 3], repeating: 1)).input
        #expect(dx.shape == x.shape)
        #expect(Closeness.maxAbsDifference(dx.scalars, [-7, -1.75, -7.0 / 9, -7.0 / 16]) < 1e-6)
    }

    @Test("clip's gradient is 1 at both bounds and inside, 0 outside (PyTorch's clamp)")
    func clipBounds() {
        let layer = Activation(name: "a", kind: .clip(minimum: -1, maximum: 1))
        let x = Tensor(shape: [1, 6], scalars: [-1, 1, -1.5, 1.5, 0, 0.999])
        let (y, pullback) = layer(x, mode: .inference)
        #expect(y.scalars == [-1, 1, -1, 1, 0, 0.999])
        #expect(pullback(Tensor(shape: [1, 6], repeating: 2)).input.scalars == [2, 2, 0, 0, 2, 2])
    }

    @Test("gelu keeps its negative tail where 1 + erf would cancel to 0")
    func geluTail() {
        for usesTanh in [false, true] {
            let y = Activation.gelu(-10, tanhApproximation: usesTanh)
            #expect(y < 0 && y > -1e-20, "gelu(−10) = \(y)")
        }
        // −10 · Φ(−10) = −7.62e-23.
        #expect(abs(Double(Activation.gelu(-10, tanhApproximation: false)) + 7.6198530241605e-23) < 1e-27)
    }

    /// A line whose first entry has probability 1 − q, q ≈ 2.1e-9 (it rounds to 1 in Float), in the middle of a
    /// `[1, 3, 2]` sample along axis 1, so that the line is strided.
    static let saturated = Tensor(shape: [1, 3, 2], scalars: [20, 0.5, 0, -1, -1, 2])

    @Test("softmax and log-softmax pullbacks on a saturated strided line match float64", arguments: [false, true])
    func saturatedLine(isLog: Bool) {
        let layer = AxisSoftmax(name: "s", axis: 0, isLog: isLog, coercesTrailingAxes: false)
        let (_, pullback) = layer(Self.saturated, mode: .inference)
        // The gradient of output (0, 0), the saturated entry, with respect to the line x = (20, 0, −1).
        var seed = Tensor(shape: [1, 3, 2], repeating: 0)
        seed.scalars[0] = 1
        let dx = pullback(seed).input
        let line = [20.0, 0, -1], e = line.map { Foundation.exp($0 - 20) }, total = e.reduce(0, +)
        let p = e.map { $0 / total }, rest = p[1] + p[2]
        // softmax: ∂p₀/∂x_j = p₀ (δ_0j − p_j), with 1 − p₀ written as p₁ + p₂; log-softmax: δ_0j − p_j.
        let want = isLog ? [rest, -p[1], -p[2]] : [p[0] * rest, -p[0] * p[1], -p[0] * p[2]]
        for (j, w) in want.enumerated() {
            let got = Double(dx.scalars[2 * j])
            #expect(abs(got - w) <= 1e-4 * abs(w), "entry \(j): \(got), float64 \(w)")
            #expect(dx.scalars[2 * j + 1] == 0)
        }
    }

    @Test("matmul and convolution skip the gradients nobody reads, leaving the others exactly as they were")
    func gradientSkips() {
        let matMul = MatMul(name: "m", weight: Check.random([3, 2], 1), bias: Check.random([2], 2))
        let conv = Convolution(name: "c", weight: Check.random([4, 1, 2, 2], 3), bias: Check.random([4], 4), strides: [1, 2],
                               dilations: [2, 1], padsBegin: [1, 0], padsEnd: [0, 1], group: 2)
        let cases: [(any Layer, Tensor)] = [(matMul, Check.random([2, 4, 3], 5)), (conv, Check.random([2, 2, 5, 5], 6))]
        for (layer, x) in cases {
            let (y, full) = layer(x, mode: .inference)
            let g = Check.random(y.shape, 7)
            let reference = full(g)
            let noInput = layer(x, mode: .inference, needsInputGradient: false)
            #expect(noInput.output == y)
            let withoutInput = noInput.pullback(g)
            #expect(withoutInput.input.shape == [0])
            #expect(withoutInput.parameters == reference.parameters)
            let withoutParameters = layer(x, mode: .inference, needsInputGradient: true, needsParameterGradients: false).pullback(g)
            #expect(withoutParameters.input == reference.input)
            #expect(withoutParameters.parameters.isEmpty)
            #expect(reference.parameters.map(\.shape) == layer.parameters.map(\.shape))
        }
    }

    @Test("batch normalisation folds to scale γ/√(var + ε) and shift β − mean·scale, and refuses bad statistics")
    func batchNormalization() throws {
        let layer = try ChannelAffine.batchNormalization(name: "bn", gamma: [2, -1], beta: [0.5, 1], mean: [1, -2],
                                                         variance: [3.99, 0.24], epsilon: 0.01)
        #expect(layer.scale.scalars == [1, -2])
        #expect(layer.shift.scalars == [-0.5, -3])
        #expect(layer.parameterNames == ["scale", "shift"])
        #expect(throws: ExplainError.self) {
            try ChannelAffine.batchNormalization(name: "bn", gamma: [1], beta: [0, 0], mean: [0], variance: [1], epsilon: 0)
        }
        let negative = #expect(throws: ExplainError.self) {
            try ChannelAffine.batchNormalization(name: "bn", gamma: [1, 1], beta: [0, 0], mean: [0, 0], variance: [1, -1],
                                                 epsilon: 1e-5)
        }
        #expect(negative?.code == .invalidModel)
        #expect(negative?.message.contains("channel 1") == true)
    }

    @Test("a multi-input layer run on one tensor applies to that tensor alone")
    func singleInput() throws {
        let x = Check.random([2, 3, 2], 8)
        let concat = Concat(name: "c", axis: 1)
        #expect(try concat.outputShape(for: [3, 2]) == [3, 2])
        let (y, pullback) = concat(x, mode: .inference)
        #expect(y == x)
        #expect(pullback(x).input == x)
    }
}
