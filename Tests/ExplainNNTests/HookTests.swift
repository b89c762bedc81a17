import ExplainKit
import Synchronization
import Testing
import TestSupport

/// A thread-safe box for values captured by @Sendable hooks in tests.
final class Captured<T: Sendable>: @unchecked Sendable {
    private let lock = Mutex(())
    private var stored: [T] = []
    func append(_ v: T) { lock.withLock { _ in stored.append(v) } }
    var values: [T] { lock.withLock { _ in stored } }
}

@Suite("Hooks follow PyTorch semantics")
struct HookTests {
    @Test("captured activations equal the layer outputs of a direct forward pass")
    func activationsEqualForward() throws {
        let model = try Fixtures.cnn()
        let x = FiniteDifferences.randomTensor(shape: [2, 36], seed: 3)
        let recorder = try ActivationRecorder(model: model, layers: ["act1", "fc"])
        defer { recorder.remove() }
        _ = model.forward(x)
        let direct = model.activations(x)
        #expect(recorder.activations["act1"] == direct[1])
        #expect(recorder.activations["fc"]?.scalars == direct[6].scalars)
    }

    @Test("captured gradients match finite differences of the downstream network")
    func gradientsMatchFiniteDifferences() throws {
        let model = try Fixtures.mlp()
        let x = FiniteDifferences.randomTensor(shape: [2, 4], seed: 4)
        let recorder = try ActivationRecorder(model: model, layers: ["tanh1"])
        defer { recorder.remove() }
        _ = model.inputGradient(x, targets: [0, 1])
        let captured = try #require(recorder.gradients["tanh1"])
        let activation = try #require(recorder.activations["tanh1"])
        // d(target)/d(activation of tanh1): run the layers after it from a perturbed activation.
        let numeric = FiniteDifferences.gradient(of: { h in
            let y = model.forwardWithPullback(h, layers: 3..<5).output
            return Double(y.scalars[0]) + Double(y.scalars[3])
        }, at: activation)
        #expect(FiniteDifferences.relativeError(captured.scalars, numeric) < 2e-3)
    }

    @Test("forward hooks fire in registration order; a removed hook no longer fires; remove twice is harmless")
    func removal() throws {
        let model = try Fixtures.mlp()
        let log = Captured<String>()
        let first = try model.registerForwardHook(at: "fc1") { _ in log.append("first") }
        let second = try model.registerForwardHook(at: "fc1") { _ in log.append("second") }
        _ = model.forward(Tensor(rows: [[1, 2, 3, 4]]))
        #expect(log.values == ["first", "second"])
        first.remove()
        first.remove()
        _ = model.forward(Tensor(rows: [[1, 2, 3, 4]]))
        #expect(log.values == ["first", "second", "second"])
        second.remove()
        #expect(model.hookCount == 0)
    }

    @Test("backward hooks see output and input gradients")
    func backwardHook() throws {
        let model = try Fixtures.mlp()
        let seen = Captured<BackwardHookEvent>()
        let handle = try model.registerBackwardHook(at: "z") { seen.append($0) }
        defer { handle.remove() }
        let x = Tensor(rows: [[1, 2, 3, 4]])
        let (_, g) = model.inputGradient(x, targets: [1])
        let event = try #require(seen.values.first)
        #expect(event.inputGradient.scalars == g.scalars)
        // standardize divides by std, so output gradient = input gradient · std.
        let std: [Float] = [1.5, 0.5, 2, 1]
        for i in 0..<4 { #expect(abs(event.outputGradient.scalars[i] / std[i] - g.scalars[i]) < 1e-6) }
    }

    @Test("a body that throws leaves no hooks behind")
    func scopedRemoval() throws {
        struct Boom: Error {}
        let model = try Fixtures.mlp()
        #expect(throws: Boom.self) {
            try model.withHooks(forward: [("fc1", { _ in }), ("fc2", { _ in })], backward: [("fc1", { _ in })]) {
                #expect(model.hookCount == 3)
                throw Boom()
            }
        }
        #expect(model.hookCount == 0)
    }

    @Test("an unknown layer name is an error, and a failed recorder leaves nothing attached")
    func unknownLayer() throws {
        let model = try Fixtures.mlp()
        #expect(throws: ExplainError.self) { try model.registerForwardHook(at: "nope") { _ in } }
        #expect(throws: ExplainError.self) { try ActivationRecorder(model: model, layers: ["fc1", "nope"]) }
        #expect(model.hookCount == 0)
    }
}
