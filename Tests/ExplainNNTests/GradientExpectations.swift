import ExplainKit
import Testing
import TestSupport

/// The finite-difference expectations shared by the operator layers' gradient tests.
enum GradientExpectations {
    static let tolerance = 2e-3

    static func random(_ shape: [Int], _ seed: UInt64, scale: Float = 1) -> Tensor {
        FiniteDifferences.randomTensor(shape: shape, seed: seed, scale: scale)
    }

    /// Random values at least `margin` away from 0 (denominators, and inputs kept off a kink).
    static func awayFromZero(_ shape: [Int], _ seed: UInt64, margin: Float = 0.5) -> Tensor {
        random(shape, seed).map { $0 >= 0 ? $0 + margin : $0 - margin }
    }

    /// Expects the input and parameter gradients of `layer` at `input` to match central differences.
    static func expectClose(_ layer: any Layer, _ input: Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
        let errors = FiniteDifferences.check(layer, input: input)
        #expect(errors.input < tolerance, "\(layer.type) input gradient error \(errors.input)", sourceLocation: sourceLocation)
        #expect(errors.parameters.count == layer.parameters.count, sourceLocation: sourceLocation)
        for (name, e) in zip(layer.parameterNames, errors.parameters) {
            #expect(e < tolerance, "\(layer.type).\(name) gradient error \(e)", sourceLocation: sourceLocation)
        }
    }

    /// Expects the gradients of a multi-input layer with respect to each input and parameter to match central
    /// differences.
    static func expectClose(_ layer: any MultiInputLayer, _ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation) {
        let errors = FiniteDifferences.check(layer, inputs: inputs)
        #expect(errors.inputs.count == inputs.count, sourceLocation: sourceLocation)
        for (k, e) in errors.inputs.enumerated() {
            #expect(e < tolerance, "\(layer.type) gradient error \(e) for input \(k)", sourceLocation: sourceLocation)
        }
        #expect(errors.parameters.count == layer.parameters.count, sourceLocation: sourceLocation)
        for (name, e) in zip(layer.parameterNames, errors.parameters) {
            #expect(e < tolerance, "\(layer.type).\(name) gradient error \(e)", sourceLocation: sourceLocation)
        }
    }
}
