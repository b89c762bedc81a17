@testable import ExplainIO
import ExplainNN
import ExplainTensor
import Testing
import TestSupport

/// Each operator layer's forward pass against `ONNXKernels.apply`, the reference that defines what an
/// `ONNXOperation` means (plain loops in Double).
@Suite("Operator layers compute what ONNXKernels computes")
struct ONNXOperatorLayerTests {
    static let tolerance: Float = 1e-6

    static func random(_ shape: [Int], _ seed: UInt64, scale: Float = 1) -> Tensor {
        FiniteDifferences.randomTensor(shape: shape, seed: seed, scale: scale)
    }

    /// Expects `got` to equal `want` in shape and to `tolerance` relative to `want`'s largest magnitude.
    static func expectMatch(_ got: Tensor, _ want: Tensor, _ what: String, tolerance: Float = tolerance,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.shape == want.shape, "\(what): shape \(got.shape), reference \(want.shape)", sourceLocation: sourceLocation)
        guard got.shape == want.shape else { return }
        let scale = max(want.maxAbs(), Float.leastNormalMagnitude)
        let worst = zip(got.scalars, want.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= tolerance * scale, "\(what): off by \(worst) at scale \(scale)", sourceLocation: sourceLocation)
        #expect(got.isFinite == want.isFinite, "\(what)", sourceLocation: sourceLocation)
    }

    /// Runs `layer` on `x` and the reference on `inputs` (full tensors), checking the layer's declared shape too.
    static func expectMatch(_ layer: any Layer, _ x: Tensor, _ operation: ONNXOperation, _ inputs: [Tensor],
                            tolerance: Float = tolerance, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let sample = try layer.outputShape(for: x.sampleShape)
        let got = layer(x, mode: .inference).output
        #expect(got.sampleShape == sample, "\(layer.type) declares \(sample)", sourceLocation: sourceLocation)
        let want = ONNXKernels.apply(operation, to: inputs, outputShape: [x.batchSize] + sample)
        expectMatch(got, want, "\(layer.type)", tolerance: tolerance, sourceLocation: sourceLocation)
    }

    static let binary: [(Broadcast.Operation, ONNXOperation)] = [(.add, .add), (.sub, .sub), (.mul, .mul), (.div, .div)]

    @Test("broadcast of two batches, equal ranks and a shorter second sample shape", arguments: binary.indices)
    func broadcast(index: Int) throws {
        let (operation, onnx) = Self.binary[index]
        let layer = Broadcast(name: "b", operation: operation)
        let pairs: [([Int], [Int])] = [([3, 1, 4], [1, 5, 1]), ([2, 3, 4], [4]), ([3, 1], [1, 3, 4])]
        for (k, (a, b)) in pairs.enumerated() {
            let x = Self.random([2] + a, UInt64(k)), y = Self.random([2] + b, UInt64(10 + k)).map { $0 >= 0 ? $0 + 0.5 : $0 - 0.5 }
            let sample = try layer.outputShape(forInputs: [a, b])
            let got = layer([x, y], mode: .inference).output
            #expect(got.sampleShape == sample)
            // The reference broadcasts full shapes: pad each sample shape after the batch.
            let rank = sample.count
            let fullX = x.reshaped([2] + [Int](repeating: 1, count: rank - a.count) + a)
            let fullY = y.reshaped([2] + [Int](repeating: 1, count: rank - b.count) + b)
            Self.expectMatch(got, ONNXKernels.apply(onnx, to: [fullX, fullY], outputShape: [2] + sample), "\(layer.type) \(a) \(b)")
        }
    }

    @Test("a constant operand on either side, as numpy broadcasts it against the full batch",
          arguments: binary.indices, [false, true])
    func constantOperand(index: Int, constantFirst: Bool) throws {
        let (operation, onnx) = Self.binary[index]
        let cases: [([Int], [Int])] = [([3, 4], [4]), ([3, 4], [1, 3, 1]), ([3, 1], [1, 5]), ([2, 3], []), ([1, 4], [1, 3, 4])]
        for (k, (sample, shape)) in cases.enumerated() {
            let c = Self.random(shape, UInt64(20 + k)).map { $0 >= 0 ? $0 + 0.5 : $0 - 0.5 }
            let x = Self.random([2] + sample, UInt64(30 + k)).map { $0 >= 0 ? $0 + 0.5 : $0 - 0.5 }
            let layer = ConstantOperand(name: "k", operation: operation, constant: c, constantFirst: constantFirst)
            try Self.expectMatch(layer, x, onnx, constantFirst ? [c, x] : [x, c])
        }
    }

    @Test("matmul with leading sample axes, and with a bias as Gemm")
    func matMul() throws {
        let weight = Self.random([5, 4], 40), bias = Self.random([4], 41)
        let x = Self.random([2, 3, 5], 42)
        try Self.expectMatch(MatMul(name: "m", weight: weight), x, .matMul, [x, weight])
        let flat = Self.random([3, 5], 43)
        try Self.expectMatch(MatMul(name: "m", weight: weight, bias: bias), flat,
                             .gemm(alpha: 1, beta: 1, transA: false, transB: false), [flat, weight, bias])
    }

    @Test("batch normalisation folded into a channel affine map, on images and on vectors")
    func batchNormalization() throws {
        let gamma: [Float] = [0.5, -2, 1.5], beta: [Float] = [0.1, 0, -0.7], mean: [Float] = [1, -0.5, 2]
        let variance: [Float] = [0.25, 4, 1e-3]
        let layer = try ChannelAffine.batchNormalization(name: "bn", gamma: gamma, beta: beta, mean: mean,
                                                         variance: variance, epsilon: 1e-5)
        let vectors = [gamma, beta, mean, variance].map { Tensor(shape: [3], scalars: $0) }
        for shape in [[2, 3, 4, 4], [5, 3]] {
            let x = Self.random(shape, 44)
            try Self.expectMatch(layer, x, .batchNormalization(epsilon: 1e-5), [x] + vectors)
        }
    }

    @Test("concat, reshape, transpose, identity and global average pooling")
    func dataMovement() throws {
        let parts = [[2, 2, 3], [2, 1, 3], [2, 4, 3]].enumerated().map { Self.random($1, UInt64(50 + $0)) }
        let concat = Concat(name: "c", axis: 0)
        let joined = concat(parts, mode: .inference).output
        #expect(try concat.outputShape(forInputs: parts.map(\.sampleShape)) == joined.sampleShape)
        Self.expectMatch(joined, ONNXKernels.apply(.concat(axis: 1), to: parts, outputShape: joined.shape), "concat")
        let x = Self.random([2, 2, 3, 4], 53)
        try Self.expectMatch(Reshape(name: "r", shape: [6, 4]), x, .reshape, [x])
        try Self.expectMatch(Transpose(name: "t", permutation: [2, 0, 1]), x, .transpose(permutation: [0, 3, 1, 2]), [x])
        try Self.expectMatch(Identity(name: "i"), x, .identity, [x])
        try Self.expectMatch(GlobalAveragePool(name: "g"), x, .globalAveragePool, [x])
    }

    @Test("softmax and log-softmax over an axis and over coerced trailing axes",
          arguments: [false, true], [(0, false), (1, false), (2, false), (0, true), (1, true)])
    func softmax(isLog: Bool, axis: (Int, Bool)) throws {
        let x = Self.random([2, 3, 2, 4], 60, scale: 4)
        let layer = AxisSoftmax(name: "s", axis: axis.0, isLog: isLog, coercesTrailingAxes: axis.1)
        try Self.expectMatch(layer, x, .softmax(axis: axis.0 + 1, isLog: isLog, coercesTrailingAxes: axis.1), [x])
    }

    static let activations: [(Activation.Kind, ONNXOperation)] = [
        (.gelu(tanhApproximation: false), .gelu(tanhApproximation: false)), (.gelu(tanhApproximation: true), .gelu(tanhApproximation: true)),
        (.erf, .erf), (.clip(minimum: -0.5, maximum: 1.25), .clip(minimum: -0.5, maximum: 1.25)),
        (.clip(minimum: 0, maximum: .infinity), .clip(minimum: 0, maximum: .infinity)), (.relu, .relu), (.tanh, .tanh),
        (.sigmoid, .sigmoid), (.leakyReLU(slope: 0.2), .leakyRelu(alpha: 0.2)),
    ]

    @Test("activations, new and old, including far tails", arguments: activations.indices)
    func activation(index: Int) throws {
        let (kind, onnx) = Self.activations[index]
        let x = Tensor(shape: [1, 9], scalars: [-12, -5, -1.5, -0.25, 0, 0.3, 1.25, 4, 9])
        try Self.expectMatch(Activation(name: "a", kind: kind), x, onnx, [x])
        let y = Self.random([4, 16], 61, scale: 3)
        try Self.expectMatch(Activation(name: "a", kind: kind), y, onnx, [y])
    }
}
