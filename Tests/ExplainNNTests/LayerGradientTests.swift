import ExplainKit
import Testing
import TestSupport

@Suite("Layer pullbacks match central finite differences")
struct LayerGradientTests {
    static let tolerance = 2e-3

    func random(_ shape: [Int], _ seed: UInt64, scale: Float = 1) -> Tensor {
        FiniteDifferences.randomTensor(shape: shape, seed: seed, scale: scale)
    }

    func expectClose(_ layer: any Layer, _ input: Tensor, mode: Mode = .inference) {
        let errors = FiniteDifferences.check(layer, input: input, mode: mode)
        #expect(errors.input < Self.tolerance, "\(layer.type) input gradient error \(errors.input)")
        for (name, e) in zip(layer.parameterNames, errors.parameters) {
            #expect(e < Self.tolerance, "\(layer.type).\(name) gradient error \(e)")
        }
        #expect(errors.parameters.count == layer.parameters.count)
    }

    @Test("dense: input, weight and bias gradients")
    func dense() {
        let layer = Dense(name: "fc", weight: random([4, 3], 1, scale: 0.5), bias: random([4], 2))
        expectClose(layer, random([5, 3], 3))
    }

    @Test("conv2d with stride 2 and padding 1")
    func convStridePadding() {
        let layer = Conv2D(name: "c", weight: random([3, 2, 3, 3], 4, scale: 0.4), bias: random([3], 5), stride: 2, padding: 1)
        expectClose(layer, random([2, 2, 5, 6], 6))
    }

    @Test("conv2d with stride 1 and no padding")
    func convPlain() {
        let layer = Conv2D(name: "c", weight: random([2, 1, 2, 2], 7), bias: random([2], 8))
        expectClose(layer, random([3, 1, 4, 4], 9))
    }

    @Test("max pooling, kernel 2")
    func maxPool() {
        // Distinct values so the argmax is stable under the finite-difference step.
        var x = Tensor(shape: [2, 2, 4, 4], scalars: (0..<64).map { Float(($0 * 37) % 64) * 0.1 })
        x.scalars.swapAt(0, 5)
        expectClose(Pool2D(name: "p", reduction: .max, kernel: 2), x)
    }

    @Test("average pooling, kernel 3 stride 2")
    func avgPool() {
        expectClose(Pool2D(name: "p", reduction: .average, kernel: 3, stride: 2), random([2, 2, 7, 7], 10))
    }

    @Test("softmax", arguments: [1, 11])
    func softmax(seed: UInt64) {
        expectClose(Softmax(name: "s"), random([4, 5], seed, scale: 2))
    }

    @Test("smooth activations", arguments: [Activation.Kind.tanh, .sigmoid])
    func smooth(kind: Activation.Kind) {
        expectClose(Activation(name: "a", kind: kind), random([3, 6], 12, scale: 2))
    }

    @Test("relu and leaky relu away from the kink", arguments: [Activation.Kind.relu, .leakyReLU(slope: 0.1)])
    func piecewise(kind: Activation.Kind) {
        // Keep |x| > step so no finite difference crosses 0.
        let x = random([3, 6], 13).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        expectClose(Activation(name: "a", kind: kind), x)
    }

    @Test("standardize")
    func standardize() {
        expectClose(Standardize(name: "z", mean: [1, -2, 0.5], std: [2, 0.5, 3]), random([4, 3], 14))
    }

    @Test("flatten")
    func flatten() {
        expectClose(Flatten(name: "f"), random([2, 2, 3, 3], 15))
    }

    @Test("dropout in training mode uses a fixed mask")
    func dropout() {
        let layer = Dropout(name: "d", p: 0.5)
        expectClose(layer, random([4, 8], 16), mode: .training(seed: 3))
    }
}
