@testable import ExplainNN
import ExplainTensor
import Testing
import TestSupport

/// The explainers' conv2d (no parameter gradients: a direct channels-last forward, and the input gradient as a
/// convolution with the flipped, transposed kernel) against the im2col path and against central finite differences.
@Suite("conv2d's direct path for explainers")
struct Conv2DDirectTests {
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        FiniteDifferences.randomTensor(shape: shape, seed: seed)
    }

    static func worst(_ a: Tensor, _ b: Tensor) -> Float {
        let scale = max(1, b.scalars.map(abs).max() ?? 0)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    /// (C, H, W, O, k, padding): kernels 1 to 5, every padding below k, square and oblong inputs.
    static let geometries: [(Int, Int, Int, Int, Int, Int)] = [
        (1, 8, 8, 8, 3, 1), (8, 4, 4, 16, 3, 1), (3, 5, 7, 4, 3, 0), (2, 6, 5, 3, 3, 2), (2, 5, 5, 5, 1, 0),
        (3, 6, 6, 2, 2, 1), (2, 7, 6, 9, 5, 2), (17, 3, 4, 7, 2, 0),
    ]

    @Test("output and input gradient equal the im2col path's to float rounding", arguments: 0..<8)
    func againstIm2col(index: Int) {
        let (c, h, w, o, k, p) = Self.geometries[index]
        let conv = Conv2D(name: "conv", weight: Self.random([o, c, k, k], seed: UInt64(index)),
                          bias: Self.random([o], seed: 99), padding: p)
        #expect(conv.usesDirectPath(needsParameterGradients: false))
        let x = Self.random([3, c, h, w], seed: UInt64(100 + index))
        let (direct, directPullback) = conv(x, mode: .inference, needsInputGradient: true, needsParameterGradients: false)
        let (im2col, im2colPullback) = conv(x, mode: .inference, needsInputGradient: true, needsParameterGradients: true)
        #expect(direct.shape == im2col.shape)
        #expect(Self.worst(direct, im2col) < 1e-5, "geometry \(Self.geometries[index])")
        let dy = Self.random(im2col.shape, seed: 7)
        let (dx, parameters) = directPullback(dy)
        #expect(dx.shape == x.shape && parameters.isEmpty)
        #expect(Self.worst(dx, im2colPullback(dy).input) < 1e-5, "geometry \(Self.geometries[index])")
    }

    @Test("the direct input gradient matches central finite differences")
    func finiteDifferences() {
        let conv = Conv2D(name: "conv", weight: Self.random([4, 3, 3, 3], seed: 1), bias: Self.random([4], seed: 2), padding: 1)
        let x = Self.random([2, 3, 5, 6], seed: 3)
        let lean = { (t: Tensor) in conv(t, mode: .inference, needsInputGradient: true, needsParameterGradients: false) }
        let (y, pullback) = lean(x)
        let seed = Self.random(y.shape, seed: 4)
        let numeric = FiniteDifferences.gradient(of: { FiniteDifferences.weightedSum(lean($0).output, seed) }, at: x)
        #expect(FiniteDifferences.relativeError(pullback(seed).input.scalars, numeric) < 2e-3)
    }

    @Test("strided, oblong-kernel and over-padded convolutions, and parameter gradients, keep the im2col path")
    func fallbacks() {
        let strided = Conv2D(name: "s", weight: Self.random([2, 2, 3, 3], seed: 1), bias: Self.random([2], seed: 2), stride: 2, padding: 1)
        let oblong = Conv2D(name: "o", weight: Self.random([2, 2, 3, 2], seed: 3), bias: Self.random([2], seed: 4), padding: 1)
        let padded = Conv2D(name: "p", weight: Self.random([2, 2, 2, 2], seed: 5), bias: Self.random([2], seed: 6), padding: 2)
        for conv in [strided, oblong, padded] { #expect(!conv.usesDirectPath(needsParameterGradients: false)) }
        let plain = Conv2D(name: "c", weight: Self.random([2, 2, 3, 3], seed: 7), bias: Self.random([2], seed: 8), padding: 1)
        #expect(plain.usesDirectPath(needsParameterGradients: false) && !plain.usesDirectPath(needsParameterGradients: true))
    }
}
