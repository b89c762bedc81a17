import ExplainTensor

/// A batch function from rows to outputs: all that perturbation explainers (LIME, KernelSHAP) need.
///
/// `predict` takes a `[N, inputWidth]` tensor and returns `[N, outputCount]`. Implementations must be safe to call
/// from several threads at once.
public protocol BatchPredictor: Sendable {
    /// The number of input values per row (the product of the model's input shape).
    var inputWidth: Int { get }
    /// The number of outputs per row.
    var outputCount: Int { get }
    /// Evaluates a batch of rows.
    func predict(_ batch: Tensor) throws -> Tensor
    /// Whether each row's outputs (and, for a `DifferentiablePredictor`, its gradient) are the same bits whatever
    /// other rows share the call, so explainers may batch rows together (`Model.rowsAreIndependent`; false by default).
    var rowsAreIndependent: Bool { get }
}

extension BatchPredictor {
    public var rowsAreIndependent: Bool { false }
}

/// A predictor that can also differentiate one output per row with respect to its inputs: what gradient methods need.
public protocol DifferentiablePredictor: BatchPredictor {
    /// The outputs `[N, outputCount]` and the gradient `[N, inputWidth]` of output `targets[i]` of row i, in one
    /// backward pass for the whole batch.
    func gradient(_ batch: Tensor, targets: [Int]) throws -> (outputs: Tensor, gradient: Tensor)
}

/// Wraps any closure as a `BatchPredictor`, so black-box models can be explained.
public struct ClosurePredictor: BatchPredictor {
    public let inputWidth: Int
    public let outputCount: Int
    private let body: @Sendable (Tensor) throws -> Tensor

    public init(inputWidth: Int, outputCount: Int, _ body: @escaping @Sendable (Tensor) throws -> Tensor) {
        self.inputWidth = inputWidth
        self.outputCount = outputCount
        self.body = body
    }

    public func predict(_ batch: Tensor) throws -> Tensor {
        let out: Tensor
        do { out = try body(batch) } catch let e as ExplainError { throw e } catch {
            throw ExplainError(.callback, "the model closure failed: \(error)")
        }
        guard out.batchSize == batch.batchSize, out.sampleCount == outputCount else {
            throw ExplainError(.callback, "the model closure returned shape \(out.shape), expected [\(batch.batchSize), \(outputCount)]")
        }
        return out
    }
}
