import ExplainTensor

/// Builds the networks `explain train` fits: an MLP for tabular rows and a small CNN for images, each starting with
/// a fitted standardize layer and ending in a softmax, with weights drawn from a seed.
///
/// Layers get the default names `<type><index>` (CONTRACT.md §1), e.g. `dense1`, `relu2`.
public enum NetworkBuilder {
    /// standardize → (dense → relu [→ dropout]) per hidden size → dense → softmax.
    ///
    /// - Parameters:
    ///   - standardize: the fitted input scaling (`Standardize.fitted`).
    ///   - hiddenSizes: the widths of the hidden layers (may be empty: multinomial logistic regression).
    ///   - dropout: the drop probability after each hidden layer (0: no dropout layers).
    ///   - seed: seeds `Model.initializeParameters` (He before ReLUs, Xavier for the output layer).
    /// - Throws: `ExplainError(.invalidArgument)` for a non-positive width, fewer than two outputs or a bad dropout.
    public static func multilayerPerceptron(
        name: String, featureNames: [String], outputNames: [String], standardize: Standardize,
        hiddenSizes: [Int], dropout: Float = 0, seed: UInt64
    ) throws(ExplainError) -> Model {
        try checkHead(hiddenSizes: hiddenSizes, outputCount: outputNames.count, dropout: dropout)
        var size = NetworkSize()
        try size.add(parameters: [2, featureNames.count], activations: [featureNames.count], at: "features")
        try size.addHead(inputCount: featureNames.count, hiddenSizes: hiddenSizes, outputCount: outputNames.count)
        var layers: [any Layer] = [standardize]
        appendHead(to: &layers, inputCount: featureNames.count, hiddenSizes: hiddenSizes,
                   outputCount: outputNames.count, dropout: dropout)
        return try finish(name: name, inputShape: [featureNames.count], featureNames: featureNames,
                          outputNames: outputNames, layers: layers, seed: seed)
    }

    /// standardize → (conv 3×3, padding 1 → relu → maxpool 2) per channel count → flatten →
    /// (dense → relu [→ dropout]) per hidden size → dense → softmax.
    ///
    /// A block's pooling is left out once the image is smaller than 2×2.
    /// - Throws: `ExplainError(.invalidArgument)` for a shape that is not `[C, H, W]` or non-positive sizes.
    public static func convolutional(
        name: String, inputShape: [Int], featureNames: [String], outputNames: [String], standardize: Standardize,
        channels: [Int], hiddenSizes: [Int], dropout: Float = 0, seed: UInt64
    ) throws(ExplainError) -> Model {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw ExplainError(.invalidArgument, "expected an image shape C×H×W, got \(inputShape.map(String.init).joined(separator: "×"))", at: "image")
        }
        guard channels.allSatisfy({ $0 > 0 }) else {
            throw ExplainError(.invalidArgument, "channel counts must be positive, got \(channels)", at: "channels")
        }
        try checkHead(hiddenSizes: hiddenSizes, outputCount: outputNames.count, dropout: dropout)
        // Each block's input shape and whether it pools, walked once for both the size check and the layers.
        var blocks: [(c: Int, h: Int, w: Int, out: Int, pools: Bool)] = []
        var (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        for out in channels {
            let pools = h >= 2 && w >= 2
            blocks.append((c, h, w, out, pools))
            if pools { (h, w) = (h / 2, w / 2) }
            c = out
        }
        var size = NetworkSize()
        try size.add(parameters: [2] + inputShape, activations: inputShape, at: "image")
        for block in blocks {
            try size.add(parameters: [block.out, block.c, 9], activations: [block.out, block.h, block.w], at: "channels")
            try size.add(parameters: [block.out], activations: [], at: "channels")
        }
        try size.addHead(inputCount: c * h * w, hiddenSizes: hiddenSizes, outputCount: outputNames.count)
        var layers: [any Layer] = [standardize]
        for block in blocks {
            layers.append(Conv2D(name: "conv2d\(layers.count)", weight: Tensor(shape: [block.out, block.c, 3, 3]),
                                 bias: Tensor(shape: [block.out]), stride: 1, padding: 1))
            layers.append(Activation(name: "relu\(layers.count)", kind: .relu))
            if block.pools { layers.append(Pool2D(name: "maxpool2d\(layers.count)", reduction: .max, kernel: 2)) }
        }
        layers.append(Flatten(name: "flatten\(layers.count)"))
        appendHead(to: &layers, inputCount: c * h * w, hiddenSizes: hiddenSizes, outputCount: outputNames.count,
                   dropout: dropout)
        return try finish(name: name, inputShape: inputShape, featureNames: featureNames, outputNames: outputNames,
                          layers: layers, seed: seed)
    }

    /// The largest network `explain train` builds: 2^26 parameters (with gradients and Adam's moments about 1 GiB)
    /// and 2^18 activations per sample (1 MiB, times the batch).
    public static let maximumParameters = 1 << 26
    public static let maximumActivationsPerSample = 1 << 18

    /// Counts a network's parameters and per-sample activations before anything is allocated, so that oversized
    /// `--hidden` or `--channels` values are an error rather than a failed allocation.
    struct NetworkSize {
        var parameters = 0
        var activations = 0

        /// Adds the product of `parameters` to the parameter count and that of `activations` to the activations.
        mutating func add(parameters p: [Int], activations a: [Int], at place: String) throws(ExplainError) {
            parameters = try Self.sum(parameters, Self.product(p), limit: NetworkBuilder.maximumParameters,
                                      what: "parameters", at: place)
            activations = try Self.sum(activations, a.isEmpty ? 0 : Self.product(a),
                                       limit: NetworkBuilder.maximumActivationsPerSample, what: "activations per sample",
                                       at: place)
        }

        /// The dense layers of the head: weights, biases and outputs.
        mutating func addHead(inputCount: Int, hiddenSizes: [Int], outputCount: Int) throws(ExplainError) {
            var width = inputCount
            for size in hiddenSizes + [outputCount] {
                try add(parameters: [size, width], activations: [size], at: "hidden")
                try add(parameters: [size], activations: [], at: "hidden")
                width = size
            }
        }

        private static func product(_ factors: [Int]) -> Int {
            var out = 1
            for f in factors {
                let (next, overflow) = out.multipliedReportingOverflow(by: f)
                out = overflow ? Int.max : next
            }
            return out
        }

        private static func sum(_ a: Int, _ b: Int, limit: Int, what: String, at place: String)
            throws(ExplainError) -> Int {
            let (total, overflow) = a.addingReportingOverflow(b)
            guard !overflow && total <= limit else {
                throw ExplainError(.invalidArgument, "the network would have more than \(limit) \(what); use "
                    + "narrower hidden layers or fewer channels", at: place)
            }
            return total
        }
    }

    private static func checkHead(hiddenSizes: [Int], outputCount: Int, dropout: Float) throws(ExplainError) {
        guard hiddenSizes.allSatisfy({ $0 > 0 }) else {
            throw ExplainError(.invalidArgument, "hidden layer sizes must be positive, got \(hiddenSizes)", at: "hidden")
        }
        guard outputCount >= 2 else {
            throw ExplainError(.invalidArgument, "a classifier needs at least 2 classes, got \(outputCount)", at: "output")
        }
        guard dropout >= 0 && dropout < 1 else {
            throw ExplainError(.invalidArgument, "must be in [0, 1), got \(dropout)", at: "dropout")
        }
    }

    private static func appendHead(to layers: inout [any Layer], inputCount: Int, hiddenSizes: [Int],
                                   outputCount: Int, dropout: Float) {
        var width = inputCount
        for size in hiddenSizes {
            layers.append(Dense(name: "dense\(layers.count)", weight: Tensor(shape: [size, width]), bias: Tensor(shape: [size])))
            layers.append(Activation(name: "relu\(layers.count)", kind: .relu))
            if dropout > 0 { layers.append(Dropout(name: "dropout\(layers.count)", p: dropout)) }
            width = size
        }
        layers.append(Dense(name: "dense\(layers.count)", weight: Tensor(shape: [outputCount, width]),
                            bias: Tensor(shape: [outputCount])))
        layers.append(Softmax(name: "softmax\(layers.count)"))
    }

    private static func finish(name: String, inputShape: [Int], featureNames: [String], outputNames: [String],
                               layers: [any Layer], seed: UInt64) throws(ExplainError) -> Model {
        let model = try Model(name: name, inputShape: inputShape, featureNames: featureNames, outputNames: outputNames,
                              layers: layers)
        model.initializeParameters(seed: seed)
        return model
    }
}
