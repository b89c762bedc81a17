import ExplainTensor

/// Inference or training: an explicit argument, never global state.
public enum Mode: Sendable, Equatable {
    /// Dropout is the identity.
    case inference
    /// Dropout is active; its masks are drawn from a generator seeded with `seed` and the layer's name.
    case training(seed: UInt64)

    public var isTraining: Bool { if case .training = self { return true } else { return false } }
}

/// Maps the gradient of the loss with respect to a layer's output to the gradients with respect to its input and
/// its parameters (in the order of `Layer.parameters`).
public typealias Pullback = (_ outputGradient: Tensor) -> (input: Tensor, parameters: [Tensor])

/// A layer of a network: a function of a batch that returns its output and its pullback.
///
/// Layers are values. `parameters` are the trainable tensors (weight, bias); `callAsFunction` works on a whole batch
/// (`[N] + inputShape`), and the pullback returns the input gradient for the whole batch and the parameter gradients
/// summed over the batch.
public protocol Layer: Sendable {
    /// The layer's unique name in its model (`fc1`, `relu2`).
    var name: String { get set }
    /// The CONTRACT type string (`dense`, `conv2d`, ...).
    var type: String { get }
    /// Trainable tensors, in a fixed order.
    var parameters: [Tensor] { get set }
    /// The names of `parameters` (`weight`, `bias`).
    var parameterNames: [String] { get }
    /// How modified backward passes may treat the layer (default `.other`: by its type).
    var propagationKind: PropagationKind { get }
    /// The output shape of one sample, or an error naming what does not fit.
    func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int]
    /// Runs the layer on a batch.
    func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback)
    /// Runs the layer on a batch; with `needsInputGradient` false the pullback may skip the input gradient and return
    /// an empty tensor (shape `[0]`) in its place (the trainer's first layer, whose input gradient nobody reads).
    ///
    /// The output and the parameter gradients are exactly those of `callAsFunction(_:mode:)`.
    func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool) -> (output: Tensor, pullback: Pullback)
    /// Runs the layer on a batch; with `needsParameterGradients` false the pullback may skip the parameter gradients
    /// and return none (an empty array): the explainers read input gradients only, and on an MLP the weight gradients
    /// are a third of the backward pass.
    ///
    /// The output and the input gradient are exactly those of `callAsFunction(_:mode:needsInputGradient:)`.
    func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool, needsParameterGradients: Bool)
        -> (output: Tensor, pullback: Pullback)
}

extension Layer {
    public var parameters: [Tensor] { get { [] } set {} }
    public var parameterNames: [String] { [] }
    public var propagationKind: PropagationKind { .other }
    /// Computes the input gradient anyway: only layers for which it is costly skip it.
    public func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool) -> (output: Tensor, pullback: Pullback) {
        callAsFunction(input, mode: mode)
    }
    /// Computes the parameter gradients anyway: only layers with parameters skip them.
    public func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool, needsParameterGradients: Bool)
        -> (output: Tensor, pullback: Pullback) {
        callAsFunction(input, mode: mode, needsInputGradient: needsInputGradient)
    }
    /// The number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}
