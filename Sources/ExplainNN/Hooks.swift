import ExplainTensor
import Foundation

/// What a forward hook sees: a layer's input and output, after the layer ran (PyTorch `register_forward_hook`).
public struct ForwardHookEvent: Sendable {
    public var layer: String
    public var layerIndex: Int
    public var input: Tensor
    public var output: Tensor
    public var mode: Mode
}

/// What a backward hook sees: the gradients with respect to a layer's output and its input
/// (PyTorch `register_full_backward_hook`).
public struct BackwardHookEvent: Sendable {
    public var layer: String
    public var layerIndex: Int
    public var outputGradient: Tensor
    public var inputGradient: Tensor
}

public typealias ForwardHook = @Sendable (ForwardHookEvent) -> Void
public typealias BackwardHook = @Sendable (BackwardHookEvent) -> Void

/// A registered hook. `remove()` unregisters it; calling it again does nothing.
public final class HookHandle: @unchecked Sendable {
    private weak var registry: HookRegistry?
    private let id: Int

    init(registry: HookRegistry, id: Int) {
        self.registry = registry
        self.id = id
    }

    /// Unregisters the hook. Safe to call more than once.
    public func remove() { registry?.remove(id) }
}

/// The hooks of one model, keyed by layer index, fired in registration order. Thread-safe.
final class HookRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var nextID = 0
    private var forward: [(id: Int, layer: Int, hook: ForwardHook)] = []
    private var backward: [(id: Int, layer: Int, hook: BackwardHook)] = []
    /// The per-layer snapshots, built on first use after a change (every pass asks for them).
    private var forwardByLayer: [Int: [ForwardHook]]?
    private var backwardByLayer: [Int: [BackwardHook]]?

    func addForward(layer: Int, _ hook: @escaping ForwardHook) -> HookHandle {
        lock.lock(); defer { lock.unlock() }
        nextID += 1
        forward.append((nextID, layer, hook))
        forwardByLayer = nil
        return HookHandle(registry: self, id: nextID)
    }

    func addBackward(layer: Int, _ hook: @escaping BackwardHook) -> HookHandle {
        lock.lock(); defer { lock.unlock() }
        nextID += 1
        backward.append((nextID, layer, hook))
        backwardByLayer = nil
        return HookHandle(registry: self, id: nextID)
    }

    func remove(_ id: Int) {
        lock.lock(); defer { lock.unlock() }
        forward.removeAll { $0.id == id }
        backward.removeAll { $0.id == id }
        forwardByLayer = nil
        backwardByLayer = nil
    }

    /// The forward hooks of each layer, snapshotted once per pass (empty when none are registered).
    func forwardHooks() -> [Int: [ForwardHook]] {
        lock.lock(); defer { lock.unlock() }
        if let snapshot = forwardByLayer { return snapshot }
        let snapshot = Dictionary(grouping: forward, by: \.layer).mapValues { $0.map(\.hook) }
        forwardByLayer = snapshot
        return snapshot
    }

    func backwardHooks() -> [Int: [BackwardHook]] {
        lock.lock(); defer { lock.unlock() }
        if let snapshot = backwardByLayer { return snapshot }
        let snapshot = Dictionary(grouping: backward, by: \.layer).mapValues { $0.map(\.hook) }
        backwardByLayer = snapshot
        return snapshot
    }

    var count: Int {
        lock.lock(); defer { lock.unlock() }
        return forward.count + backward.count
    }
}
