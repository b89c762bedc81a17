import Foundation

/// A model's inference plan (`Model.inferenceSteps()`), built once and shared by every call until the layers change.
///
/// Building it folds a standardisation into the first dense layer, reorders convolution weights, permutes the dense
/// columns after a channels-last flatten and unrolls small convolutions: work worth doing once per set of weights,
/// not once per model call. Calls may come from several threads; the trainer, which changes the weights, clears it.
final class InferencePlanCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: [Model.InferenceStep]?

    /// The cached steps, or `build()`'s, which are kept.
    func steps(_ build: () -> [Model.InferenceStep]) -> [Model.InferenceStep] {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let built = build()
        cached = built
        return built
    }

    func clear() {
        lock.lock()
        cached = nil
        lock.unlock()
    }
}
