import ExplainNN
import ExplainTensor

/// Layer-wise relevance propagation: the target's score redistributed layer by layer down to the inputs.
///
/// ```
/// R_out = f_t(x) at the target (the logit when the model ends in softmax or sigmoid), 0 elsewhere
/// R_in  = a ⊙ Wᵀ (R_out / (z + ε·sign z))  per dense or conv2d layer, with W and z as `LRPRule` says
/// conservation gap = Σ_i φ_i − R_out
/// ```
/// Bach et al. 2015, "On Pixel-Wise Explanations for Non-Linear Classifier Decisions by Layer-Wise Relevance
/// Propagation"; Montavon et al. 2019, "Layer-Wise Relevance Propagation: An Overview" (the gamma rule). The same
/// quantity as captum `LRP` with the chosen rule on every dense and conv2d layer and `EpsilonRule` on pooling layers
/// (see `LRPBackwardRule`). captum refuses a softmax; LRP is defined on the score before it, so a final softmax or
/// sigmoid is stepped over and its input explained (`explained_value` in `diagnostics`); `prediction` stays f(x).
///
/// Relevance is conserved exactly only without biases and as ε → 0: a bias and ε absorb relevance, which
/// `conservation_gap` and `conservation_gap_relative` (|gap| / |R_out|) report, with the flag
/// `conservation_gap_above_1_percent` when |gap| > max(0.01·|R_out|, 1e-6). `base_value` is nil.
public struct LRP: Sendable {
    /// The flag raised when the conservation gap exceeds 1% of the explained value.
    public static let gapFlag = "conservation_gap_above_1_percent"

    /// The rule at dense and conv2d layers.
    public var rule: LRPRule
    /// The stabiliser of every denominator (default 1e-6).
    public var epsilon: Float
    /// The gamma rule's γ (default 0.25).
    public var gamma: Float
    /// The memory budget of one forward/backward pass.
    public var batching: GradientBatching

    /// - Precondition: `epsilon` ≥ 0 and `gamma` ≥ 0, finite (validate user input before, e.g. in the CLI).
    public init(rule: LRPRule = .epsilon, epsilon: Float = 1e-6, gamma: Float = 0.25,
                batching: GradientBatching = GradientBatching()) {
        precondition(epsilon >= 0 && epsilon.isFinite && gamma >= 0 && gamma.isFinite, "LRP: epsilon and gamma must be finite and >= 0")
        self.rule = rule
        self.epsilon = epsilon
        self.gamma = gamma
        self.batching = batching
    }

    /// The CONTRACT method name.
    public var method: String { "lrp" }
    /// The parameters with CLI spellings: `lrp_rule`, `epsilon` and, for the gamma rule, `gamma`.
    public var parameters: [String: String] {
        var p = ["lrp_rule": rule.rawValue, "epsilon": "\(epsilon)"]
        if rule == .gamma { p["gamma"] = "\(gamma)" }
        return p
    }

    /// The layers relevance propagates through: all but a final softmax or sigmoid.
    static func propagatedLayers(_ model: Model) -> Range<Int> {
        let last = model.layers[model.layers.count - 1]
        let endsInSquash = last is Softmax || (last as? Activation)?.kind == .sigmoid
        return 0..<(endsInSquash ? model.layers.count - 1 : model.layers.count)
    }

    /// Checks that every propagated layer has a rule.
    /// - Throws: `ExplainError(.unsupported)` naming the first layer without one.
    public static func check(_ model: Model) throws(ExplainError) {
        for i in propagatedLayers(model) {
            let layer = model.layers[i]
            switch layer {
            case is Dense, is Conv2D, is Pool2D, is Standardize, is Dropout, is Flatten: continue
            case let a as Activation where a.kind != .sigmoid: continue
            case let l where l.propagationKind == .affine: continue
            case let l where l.propagationKind == .elementwise && !(l is Activation): continue
            default: throw unsupported(layer, at: i)
            }
        }
    }

    static func unsupported(_ layer: any Layer, at index: Int) -> ExplainError {
        ExplainError(.unsupported, "lrp has no rule for layer \(Echo.quoted(layer.name)) of type \(layer.type) (only a final "
                     + "softmax or sigmoid is allowed, and explained before it)", at: "layers[\(index)]")
    }

    /// Explains every row for its target output.
    ///
    /// - Parameters:
    ///   - rows: `[N, inputWidth]` (or `[N] + inputShape`) raw input rows.
    ///   - model: the network; every layer but a final softmax or sigmoid needs a rule (`check`).
    ///   - target: the explained output; `.predicted` takes each row's argmax of f(x).
    ///   - rowIndices: the rows' numbers in the user's input (`Explanation.row`); default 0, 1, 2, ….
    /// - Returns: one explanation per row, with the conservation diagnostics; `base_value` is nil.
    /// - Throws: `ExplainError` for invalid rows or targets, or a layer without a rule.
    /// - Complexity: ⌈N / chunk⌉ forward and rule passes (plus one forward pass of each modified layer).
    public func explain(_ rows: Tensor, using model: Model, target: Target = .predicted,
                        rowIndices: [Int]? = nil) throws -> [Explanation] {
        try Self.check(model)
        try GradientSupport.validate(rows, width: model.inputWidth)
        let x = GradientSupport.flat(rows)
        let numbers = try GradientSupport.rowNumbers(rowIndices, count: x.batchSize)
        let backward = LRPBackwardRule(epsilon: epsilon, modified: modifiedLayers(model))
        let layers = Self.propagatedLayers(model)
        let width = model.inputWidth
        var explanations: [Explanation] = []
        explanations.reserveCapacity(x.batchSize)
        try ModifiedBackprop.forEachChunk(x, model: model, target: target, batching: batching) { range, traces, outputs, targets in
            // A model that is only a softmax explains its input: the relevance stays where it starts.
            let scores = layers.isEmpty ? traces[0].input : traces[layers.upperBound - 1].output
            let k = scores.sampleCount
            let values = targets.enumerated().map { scores.scalars[$0.offset * k + $0.element] }
            let seed = ModifiedBackprop.seed(shape: scores.shape, targets: targets, values: values)
            let relevance = try ModifiedBackprop.backward(traces, from: seed, through: layers, rule: backward)
            for (slot, r) in range.enumerated() {
                let t = targets[slot]
                let phi = relevance.scalars[(slot * width)..<((slot + 1) * width)].map(Double.init)
                let explained = Double(values[slot])
                let gap = phi.reduce(0, +) - explained
                let relative = Swift.abs(gap) / Swift.max(Swift.abs(explained), 1e-12)
                let flagged = Swift.abs(gap) > Swift.max(0.01 * Swift.abs(explained), 1e-6)
                explanations.append(Explanation(
                    row: numbers[r], target: t, targetName: model.outputNames[t],
                    prediction: Double(outputs.scalars[slot * model.outputCount + t]), attributions: phi,
                    diagnostics: ["conservation_gap": gap, "conservation_gap_relative": relative, "explained_value": explained],
                    flags: flagged ? [Self.gapFlag] : []))
            }
        }
        return try GradientSupport.finite(explanations)
    }

    /// The dense and conv2d layers with the rule's weights (none for the epsilon rule, which uses the layers).
    private func modifiedLayers(_ model: Model) -> [Int: any Layer] {
        guard rule != .epsilon else { return [:] }
        var out: [Int: any Layer] = [:]
        let rule = self.rule, gamma = self.gamma
        for (i, layer) in model.layers.enumerated() {
            if var dense = layer as? Dense {
                dense.weight = dense.weight.map { rule.modifiedWeight($0, gamma: gamma) }
                out[i] = dense
            } else if var conv = layer as? Conv2D {
                conv.weight = conv.weight.map { rule.modifiedWeight($0, gamma: gamma) }
                out[i] = conv
            }
        }
        return out
    }
}
