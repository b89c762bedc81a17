import ExplainNN
import ExplainTensor

extension Model: DifferentiablePredictor {
    /// Evaluates a batch of flat rows, validating the row width (`Model.infer`: no pullbacks, folded layers).
    public func predict(_ batch: Tensor) throws -> Tensor {
        guard batch.sampleCount == inputWidth else {
            throw ExplainError(.invalidInput, "rows have \(batch.sampleCount) values, model \(name) expects \(inputWidth)")
        }
        return infer(batch)
    }

    /// The outputs and the gradient of each row's target output, validating widths and targets.
    public func gradient(_ batch: Tensor, targets: [Int]) throws -> (outputs: Tensor, gradient: Tensor) {
        guard batch.sampleCount == inputWidth else {
            throw ExplainError(.invalidInput, "rows have \(batch.sampleCount) values, model \(name) expects \(inputWidth)")
        }
        guard targets.count == batch.batchSize else {
            throw ExplainError(.invalidArgument, "\(targets.count) targets for \(batch.batchSize) rows")
        }
        if let bad = targets.first(where: { !(0..<outputCount).contains($0) }) {
            throw ExplainError(.invalidArgument, "target \(bad) is out of range 0..<\(outputCount)")
        }
        return inputGradient(batch, targets: targets)
    }
}

extension Model: AffineInputPredictor {
    /// g from the first layer's pre-activations (`Model.infer(preActivations:)`), validating the width.
    public func predict(preActivations: Tensor) throws -> Tensor {
        guard let hidden = preActivationWidth else {
            throw ExplainError(.invalidArgument, "model \(name) does not start with a dense layer on flat rows or a small convolution")
        }
        guard preActivations.sampleCount == hidden else {
            throw ExplainError(.invalidInput, "pre-activations have \(preActivations.sampleCount) values, model \(name) expects \(hidden)")
        }
        return infer(preActivations: preActivations)
    }

    /// `predict(preActivations:)` with the layer plan worked out once (`Model.preActivationInference`).
    public func preActivationPredictor() -> (Tensor) throws -> Tensor {
        guard let hidden = preActivationWidth, let rest = preActivationInference() else {
            return { try self.predict(preActivations: $0) }
        }
        return { [name] h in
            guard h.sampleCount == hidden else {
                throw ExplainError(.invalidInput, "pre-activations have \(h.sampleCount) values, model \(name) expects \(hidden)")
            }
            return rest(h)
        }
    }
}
