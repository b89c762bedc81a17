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
        var layers: [any Layer] = [standardize]
        var (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        for out in channels {
            layers.append(Conv2D(name: "conv2d\(layers.count)", weight: Tensor(shape: [out, c, 3, 3]),
                                 bias: Tensor(shape: [out]), stride: 1, padding: 1))
            layers.append(Activation(name: "relu\(layers.count)", kind: .relu))
            if h >= 2 && w >= 2 {
                layers.append(Pool2D(name: "maxpool2d\(layers.count)", reduction: .max, kernel: 2))
                (h, w) = (h / 2, w / 2)
            }
            c = out
        }
        layers.append(Flatten(name: "flatten\(layers.count)"))
        appendHead(to: &layers, inputCount: c * h * w, hiddenSizes: hiddenSizes, outputCount: outputNames.count,
                   dropout: dropout)
        return try finish(name: name, inputShape: inputShape, featureNames: featureNames, outputNames: outputNames,
                          layers: layers, seed: seed)
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
