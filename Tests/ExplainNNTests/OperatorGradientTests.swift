import ExplainKit
import Testing
import TestSupport

/// Broadcasting, products and data-movement operators of graph models against central finite differences.
@Suite("Operator layer pullbacks match central finite differences")
struct OperatorGradientTests {
    typealias Check = GradientExpectations
    static let operations: [Broadcast.Operation] = [.add, .sub, .mul, .div]
    /// Sample shapes of the two inputs: equal, one stretched, both stretched, and ranks that differ.
    static let shapePairs: [([Int], [Int])] = [([2, 3], [2, 3]), ([3, 4], [1, 4]), ([3, 1], [4]), ([1, 4], [3, 1]),
                                               ([2, 1, 3], [4, 1])]

    @Test("broadcast: both inputs' gradients, summed over stretched axes in either direction",
          arguments: operations, shapePairs.indices)
    func broadcast(operation: Broadcast.Operation, pair: Int) {
        let (a, b) = Self.shapePairs[pair]
        let layer = Broadcast(name: "op", operation: operation)
        let x = Check.awayFromZero([2] + a, 1), y = Check.awayFromZero([2] + b, 2)
        Check.expectClose(layer, [x, y])
        Check.expectClose(layer, [y, x])
    }

    @Test("a constant operand, on either side, broadcast into the input and the input into it",
          arguments: operations, [false, true])
    func constantOperand(operation: Broadcast.Operation, constantFirst: Bool) {
        // The constant stretches over the input ([3, 4] against [1, 4]) and the input over the constant ([3, 1] against
        // [1, 1, 5]: the output [3, 5] is larger than the input).
        let cases: [([Int], [Int])] = [([3, 4], [1, 4]), ([3, 1], [1, 1, 5]), ([2, 3], []), ([2, 3], [1, 2, 3])]
        for (i, (sample, constantShape)) in cases.enumerated() {
            let layer = ConstantOperand(name: "k", operation: operation,
                                        constant: Check.awayFromZero(constantShape, UInt64(10 + i)), constantFirst: constantFirst)
            Check.expectClose(layer, Check.awayFromZero([2] + sample, UInt64(20 + i)))
        }
    }

    @Test("matmul over the last axis with leading sample axes, with and without a bias")
    func matMul() {
        Check.expectClose(MatMul(name: "m", weight: Check.random([3, 4], 3), bias: Check.random([4], 4)), Check.random([2, 2, 3], 5))
        Check.expectClose(MatMul(name: "m", weight: Check.random([3, 2], 6)), Check.random([3, 3], 7))
    }

    @Test("channel affine on images and on flat vectors")
    func channelAffine() {
        let layer = ChannelAffine(name: "bn", scale: [0.5, -1.5, 2], shift: [0.1, 0.2, -0.3])
        Check.expectClose(layer, Check.random([2, 3, 2, 2], 8))
        Check.expectClose(layer, Check.random([4, 3], 9))
    }

    @Test("concat of three inputs along a middle axis and along the first sample axis")
    func concat() {
        let parts = [[2, 1, 3], [2, 2, 3], [2, 3, 3]].enumerated().map { Check.random([2] + $1, UInt64(30 + $0)) }
        Check.expectClose(Concat(name: "c", axis: 1), parts)
        let rows = [[1, 3], [2, 3]].enumerated().map { Check.random([2] + $1, UInt64(40 + $0)) }
        Check.expectClose(Concat(name: "c", axis: 0), rows)
    }

    @Test("reshape and identity")
    func dataMovement() {
        Check.expectClose(Reshape(name: "r", shape: [4, 6]), Check.random([2, 2, 3, 4], 11))
        Check.expectClose(Identity(name: "i"), Check.random([2, 5], 12))
    }

    @Test("transpose of several axes at once", arguments: [[2, 0, 1], [1, 2, 0], [0, 2, 1]])
    func transpose(permutation: [Int]) {
        Check.expectClose(Transpose(name: "t", permutation: permutation), Check.random([2, 2, 3, 4], 13))
    }

    @Test("transpose of four axes")
    func transposeFour() {
        Check.expectClose(Transpose(name: "t", permutation: [3, 1, 0, 2]), Check.random([2, 2, 3, 2, 3], 14))
    }

    @Test("global average pooling")
    func globalAveragePool() {
        Check.expectClose(GlobalAveragePool(name: "g"), Check.random([2, 3, 4, 5], 15))
    }

    @Test("softmax and log-softmax over one axis and over coerced trailing axes",
          arguments: [false, true], [(0, false), (1, false), (2, false), (0, true), (1, true)])
    func axisSoftmax(isLog: Bool, axis: (Int, Bool)) {
        let layer = AxisSoftmax(name: "s", axis: axis.0, isLog: isLog, coercesTrailingAxes: axis.1)
        Check.expectClose(layer, Check.random([2, 3, 2, 4], 16, scale: 2))
    }

    @Test("gelu (exact and tanh approximation) and erf",
          arguments: [Activation.Kind.gelu(tanhApproximation: false), .gelu(tanhApproximation: true), .erf])
    func smooth(kind: Activation.Kind) {
        Check.expectClose(Activation(name: "a", kind: kind), Check.random([3, 8], 17, scale: 2))
    }

    @Test("clip away from its bounds, and with an infinite bound")
    func clip() {
        // Keep every value at least 0.1 from both bounds so no finite difference crosses one.
        let x = Tensor(shape: [2, 6], scalars: [-2, -1.2, -0.5, 0, 0.5, 0.9, 1.2, 2, -0.7, 0.3, -3, 1.5])
        Check.expectClose(Activation(name: "a", kind: .clip(minimum: -0.8, maximum: 1)), x)
        Check.expectClose(Activation(name: "a", kind: .clip(minimum: 0.1, maximum: .infinity)), x.map { $0 + 0.05 })
    }
}
