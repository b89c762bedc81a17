import ExplainTensor
import Foundation

/// Captures the activations (layer outputs) and output gradients of chosen layers through hooks.
///
/// Each forward pass overwrites the stored activation of a layer; each backward pass overwrites its gradient.
/// Call `remove()` (or use it inside `Model.withHooks`-style scopes) to detach it.
public final class ActivationRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var handles: [HookHandle] = []
    private var storedActivations: [String: Tensor] = [:]
    private var storedGradients: [String: Tensor] = [:]

    /// Attaches to `layers` of `model`.
    /// - Throws: `ExplainError(.unknownLayer)` if any name is unknown; nothing stays attached then.
    public init(model: Model, layers: [String], capturesGradients: Bool = true) throws(ExplainError) {
        do {
            for name in layers {
                // Stored under the name asked for: a layer's name or its output tensor's.
                handles.append(try model.registerForwardHook(at: name) { [weak self] event in
                    self?.store(event.output, layer: name, gradient: false)
                })
                if capturesGradients {
                    handles.append(try model.registerBackwardHook(at: name) { [weak self] event in
                        self?.store(event.outputGradient, layer: name, gradient: true)
                    })
                }
            }
        } catch {
            remove()
            throw error
        }
    }

    deinit { handles.forEach { $0.remove() } }

    private func store(_ t: Tensor, layer: String, gradient: Bool) {
        lock.lock(); defer { lock.unlock() }
        if gradient { storedGradients[layer] = t } else { storedActivations[layer] = t }
    }

    /// The last captured output of each layer.
    public var activations: [String: Tensor] { lock.lock(); defer { lock.unlock() }; return storedActivations }
    /// The last captured gradient with respect to each layer's output.
    public var gradients: [String: Tensor] { lock.lock(); defer { lock.unlock() }; return storedGradients }

    /// Detaches every hook. Safe to call more than once.
    public func remove() { handles.forEach { $0.remove() } }
}
