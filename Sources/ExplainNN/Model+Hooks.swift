import ExplainTensor

extension Model {
    /// Registers a hook that sees the named layer's input and output after every forward pass.
    /// - Throws: `ExplainError(.unknownLayer)` for a name the model does not have.
    @discardableResult
    public func registerForwardHook(at layerName: String, _ hook: @escaping ForwardHook) throws(ExplainError) -> HookHandle {
        hooks.addForward(layer: try layerIndex(named: layerName), hook)
    }

    /// Registers a hook that sees the gradients with respect to the named layer's output and input during every
    /// backward pass.
    /// - Throws: `ExplainError(.unknownLayer)` for a name the model does not have.
    @discardableResult
    public func registerBackwardHook(at layerName: String, _ hook: @escaping BackwardHook) throws(ExplainError) -> HookHandle {
        hooks.addBackward(layer: try layerIndex(named: layerName), hook)
    }

    /// Runs `body` with hooks registered, removing them afterwards even when `body` throws.
    public func withHooks<R>(
        forward: [(layer: String, hook: ForwardHook)] = [], backward: [(layer: String, hook: BackwardHook)] = [],
        _ body: () throws -> R
    ) throws -> R {
        var handles: [HookHandle] = []
        defer { handles.forEach { $0.remove() } }
        for (layer, hook) in forward { handles.append(try registerForwardHook(at: layer, hook)) }
        for (layer, hook) in backward { handles.append(try registerBackwardHook(at: layer, hook)) }
        return try body()
    }

    /// The number of hooks currently registered.
    public var hookCount: Int { hooks.count }
}
