@testable import ExplainIO
import ExplainNN
import ExplainTensor
import Testing

/// Convolution and window pooling against `ONNXKernels.apply` on `.conv`, `.maxPool` and `.averagePool`.
@Suite("Convolution and window pooling compute what ONNXKernels computes")
struct ONNXSpatialLayerTests {
    typealias Oracle = ONNXOperatorLayerTests

    static let windows: [ONNXWindow] = [
        ONNXWindow(kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0]),
        ONNXWindow(kernel: [3, 2], strides: [2, 1], dilations: [2, 1], padsBegin: [1, 0], padsEnd: [0, 2]),
        ONNXWindow(kernel: [2, 3], strides: [1, 2], dilations: [1, 2], padsBegin: [1, 2], padsEnd: [1, 1]),
        ONNXWindow(kernel: [3, 3], strides: [2, 2], dilations: [1, 1], padsBegin: [1, 1], padsEnd: [2, 0]),
    ]

    @Test("convolution with groups, strides, dilations and asymmetric pads", arguments: windows.indices, [1, 2, 4])
    func convolution(index: Int, group: Int) throws {
        let window = Self.windows[index]
        let channels = 4, filters = 8
        let weight = Oracle.random([filters, channels / group] + window.kernel, UInt64(index * 10 + group), scale: 0.5)
        let bias = Oracle.random([filters], 99)
        let x = Oracle.random([2, channels, 7, 8], 100)
        for withBias in [false, true] {
            let layer = Convolution(name: "c", weight: weight, bias: withBias ? bias : nil, strides: window.strides,
                                    dilations: window.dilations, padsBegin: window.padsBegin, padsEnd: window.padsEnd,
                                    group: group)
            try Oracle.expectMatch(layer, x, .conv(window, group: group), withBias ? [x, weight, bias] : [x, weight])
        }
    }

    static func pool(_ window: ONNXWindow, _ reduction: Pool2D.Reduction, countsPadding: Bool) -> WindowPool {
        WindowPool(name: "p", reduction: reduction, kernel: window.kernel, strides: window.strides, dilations: window.dilations,
                   padsBegin: window.padsBegin, padsEnd: window.padsEnd, countsPadding: countsPadding)
    }

    /// The windows with a cell of the 7×6 input in every position (window 1 pads 2 after a kernel 2 wide).
    static let maxWindows = windows.indices.filter { $0 != 1 }

    @Test("max pooling; on all-negative inputs padding never wins", arguments: maxWindows)
    func maxPool(index: Int) throws {
        let window = Self.windows[index]
        let x = Oracle.random([2, 3, 7, 6], 101)
        try Oracle.expectMatch(Self.pool(window, .max, countsPadding: false), x, .maxPool(window), [x])
        let negative = x.map { -abs($0) - 1 }
        let y = Self.pool(window, .max, countsPadding: false)(negative, mode: .inference).output
        #expect(y.scalars.allSatisfy { $0 <= -1 })
        try Oracle.expectMatch(Self.pool(window, .max, countsPadding: false), negative, .maxPool(window), [negative])
    }

    @Test("max pooling refuses a window that covers only padding, which would have no maximum")
    func maxPoolAllPadding() {
        let layer = Self.pool(Self.windows[1], .max, countsPadding: false)
        #expect(throws: ExplainError.self) { try layer.outputShape(for: [3, 7, 6]) }
        #expect((try? Self.pool(Self.windows[1], .average, countsPadding: false).outputShape(for: [3, 7, 6])) == [3, 2, 7])
    }

    @Test("average pooling counting the padding or not", arguments: windows.indices, [false, true])
    func averagePool(index: Int, countsPadding: Bool) throws {
        let window = Self.windows[index]
        let x = Oracle.random([2, 3, 7, 6], 102)
        try Oracle.expectMatch(Self.pool(window, .average, countsPadding: countsPadding), x,
                               .averagePool(window, countsPadding: countsPadding), [x])
    }
}
