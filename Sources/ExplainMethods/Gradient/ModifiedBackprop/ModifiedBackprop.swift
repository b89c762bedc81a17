import ExplainNN
import ExplainTensor

/// The shared engine of the modified-backward-pass methods: the model's forward pass, kept layer by layer, and a
/// backward pass in which a `BackwardRule` decides how each layer carries the signal.
enum ModifiedBackprop {
    /// The signal at the input of `layers.lowerBound`, from `seed` at the output of the range's last layer.
    ///
    /// On a graph model the signals that reach one tensor from several layers are summed, and multi-input layers
    /// use the rule's `propagateInputs`; a graph's range starts at layer 0.
    static func backward(_ traces: [LayerTrace], from seed: Tensor, through layers: Range<Int>,
                         rule: some BackwardRule) throws(ExplainError) -> Tensor {
        guard !traces.enumerated().allSatisfy({ $0.element.inputIDs == [$0.offset] }) else {
            var signal = seed
            for i in layers.reversed() { signal = try rule.propagate(signal, through: traces[i], at: i) }
            return signal
        }
        var signals = [Tensor?](repeating: nil, count: traces.count + 1)
        signals[layers.upperBound] = seed
        for i in layers.reversed() {
            guard let signal = signals[i + 1] else { continue }
            signals[i + 1] = nil
            let trace = traces[i]
            let inputs = trace.layer is any MultiInputLayer
                ? try rule.propagateInputs(signal, through: trace, at: i)
                : [try rule.propagate(signal, through: trace, at: i)]
            for (id, s) in zip(trace.inputIDs, inputs) { signals[id] = signals[id].map { $0 + s } ?? s }
        }
        return signals[layers.lowerBound] ?? Tensor(shape: traces[layers.lowerBound].input.shape, repeating: 0)
    }

    /// A tensor of `shape` (`[N] + sample shape`) holding `values[r]` (default 1) at row r's `targets[r]`, 0 elsewhere.
    static func seed(shape: [Int], targets: [Int], values: [Float]? = nil) -> Tensor {
        var seed = Tensor(shape: shape, repeating: 0)
        let width = seed.sampleCount
        for (r, t) in targets.enumerated() { seed.scalars[r * width + t] = values?[r] ?? 1 }
        return seed
    }

    /// Traces `x` (`[N, inputWidth]`) one row per pass and hands each pass's row range, traces, flat outputs
    /// `[1, outputCount]` and target to `body`; `batching` is kept for the explainers' interface (a row's trace is the
    /// smallest pass there is).
    ///
    /// - Throws: `ExplainError` for an out-of-range target, or what `body` throws.
    static func forEachChunk(
        _ x: Tensor, model: Model, target: Target, batching: GradientBatching,
        _ body: (_ rows: Range<Int>, _ traces: [LayerTrace], _ outputs: Tensor, _ targets: [Int]) throws -> Void
    ) throws {
        // One row per pass, so that no row's numbers depend on the others (`GradientBatching`).
        var start = 0
        while start < x.batchSize {
            let range = start..<(start + 1)
            let traces = model.trace(x.rows(range))
            let out = traces[traces.count - 1].output
            let outputs = out.reshaped([range.count, out.sampleCount])
            let targets = try GradientSupport.targets(target, outputs: outputs, outputCount: model.outputCount)
            try body(range, traces, outputs, targets)
            start = range.upperBound
        }
    }
}
