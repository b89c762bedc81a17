import ExplainKit
import Testing
import TestSupport

/// General convolution and window pooling against central finite differences.
@Suite("Convolution and window pooling pullbacks match central finite differences")
struct SpatialOperatorGradientTests {
    typealias Check = GradientExpectations

    static func convolution(group: Int, channels: Int, filters: Int, kernel: [Int], bias: Bool, strides: [Int],
                            dilations: [Int], padsBegin: [Int], padsEnd: [Int], seed: UInt64) -> Convolution {
        Convolution(name: "conv", weight: Check.random([filters, channels / group] + kernel, seed, scale: 0.5),
                    bias: bias ? Check.random([filters], seed + 1) : nil, strides: strides, dilations: dilations,
                    padsBegin: padsBegin, padsEnd: padsEnd, group: group)
    }

    @Test("convolution with groups, dilations, strides and asymmetric pads")
    func groupedDilated() {
        let layer = Self.convolution(group: 2, channels: 4, filters: 6, kernel: [3, 2], bias: true, strides: [2, 1],
                                     dilations: [2, 1], padsBegin: [1, 0], padsEnd: [0, 2], seed: 1)
        Check.expectClose(layer, Check.random([2, 4, 7, 5], 3))
    }

    @Test("depthwise convolution without bias, dilated across and strided along")
    func depthwise() {
        let layer = Self.convolution(group: 3, channels: 3, filters: 6, kernel: [2, 3], bias: false, strides: [1, 2],
                                     dilations: [1, 2], padsBegin: [0, 2], padsEnd: [1, 1], seed: 4)
        Check.expectClose(layer, Check.random([2, 3, 4, 6], 6))
    }

    @Test("plain convolution, one group, no padding")
    func plain() {
        let layer = Self.convolution(group: 1, channels: 2, filters: 3, kernel: [3, 3], bias: true, strides: [1, 1],
                                     dilations: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], seed: 7)
        Check.expectClose(layer, Check.random([1, 2, 5, 5], 9))
    }

    /// Distinct values 0.1 apart in a scrambled order, so that no maximum changes under the finite-difference step.
    static func distinct(_ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { Float(($0 * 37) % count) * 0.1 - Float(count) * 0.05 })
    }

    @Test("padded, strided and dilated max pooling")
    func maxPool() {
        let layer = WindowPool(name: "p", reduction: .max, kernel: [3, 2], strides: [2, 1], dilations: [1, 2],
                               padsBegin: [1, 1], padsEnd: [1, 0], countsPadding: false)
        Check.expectClose(layer, Self.distinct([2, 2, 5, 5]))
    }

    @Test("padded average pooling, dividing by the window or by its cells inside the input", arguments: [false, true])
    func averagePool(countsPadding: Bool) {
        let layer = WindowPool(name: "p", reduction: .average, kernel: [3, 3], strides: [2, 2], dilations: [1, 1],
                               padsBegin: [1, 0], padsEnd: [2, 1], countsPadding: countsPadding)
        Check.expectClose(layer, Check.random([2, 2, 6, 5], 10))
    }

    @Test("dilated average pooling with padding", arguments: [false, true])
    func dilatedAveragePool(countsPadding: Bool) {
        let layer = WindowPool(name: "p", reduction: .average, kernel: [2, 2], strides: [1, 2], dilations: [2, 1],
                               padsBegin: [1, 1], padsEnd: [1, 1], countsPadding: countsPadding)
        Check.expectClose(layer, Check.random([1, 3, 5, 4], 11))
    }
}
