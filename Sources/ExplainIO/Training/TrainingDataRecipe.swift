import ExplainMethods
import ExplainNN
import ExplainTensor

/// How `explain train` turns a labelled table into a model file: the splits, the network and the training settings.
public struct TrainingRecipe: Sendable, Equatable {
    /// Hidden dense layer widths (after the convolutional blocks, for images).
    public var hiddenSizes: [Int]
    /// `[C, H, W]` to build a CNN; nil for an MLP over the columns.
    public var imageShape: [Int]?
    /// Output channels of each conv → relu → maxpool block (CNN only).
    public var channels: [Int]
    /// Drop probability after each hidden dense layer.
    public var dropout: Float
    /// The stratified fraction of all rows held out for the final test accuracy, in (0, 1).
    public var testFraction: Double
    /// The stratified fraction of the remaining rows used for validation and early stopping, in [0, 1).
    public var validationFraction: Double
    /// The most training rows to store as the model's background sample.
    public var backgroundSize: Int
    /// Optimizer, epochs, batch size, patience and so on. Its loss is always softmax cross-entropy and its seed is
    /// replaced by one derived from `seed`.
    public var training: TrainingConfiguration
    /// The seed of every random choice: splits, weights, batches, dropout, background.
    public var seed: UInt64

    public init(hiddenSizes: [Int] = [32, 32], imageShape: [Int]? = nil, channels: [Int] = [8, 16], dropout: Float = 0,
                testFraction: Double = 0.2, validationFraction: Double = 0.1, backgroundSize: Int = 100,
                training: TrainingConfiguration = TrainingConfiguration(), seed: UInt64 = 0) {
        self.hiddenSizes = hiddenSizes
        self.imageShape = imageShape
        self.channels = channels
        self.dropout = dropout
        self.testFraction = testFraction
        self.validationFraction = validationFraction
        self.backgroundSize = backgroundSize
        self.training = training
        self.seed = seed
    }
}

/// What `TrainingData.train` produced.
public struct TrainingOutcome: Sendable {
    /// The trained network with its background sample and feature statistics, ready to save.
    public var file: ModelFile
    /// Epoch-by-epoch record, with `testAccuracy` filled in.
    public var history: TrainingHistory
    /// The accuracy on the held-out test rows.
    public var testAccuracy: Double
    /// Row indices (into the table) of each split, ascending.
    public var trainingRows: [Int]
    public var validationRows: [Int]
    public var testRows: [Int]
}

extension TrainingData {
    /// Splits the rows, builds the network, trains it, and measures the held-out test accuracy.
    ///
    /// 1. Stratified splits: `testFraction` of all rows for the test, then `validationFraction` of the rest for
    ///    validation; the remaining rows are trained on.
    /// 2. The training split (training plus validation rows, never test rows) gives the standardize layer's
    ///    statistics, `feature_stats`, and the background: up to `backgroundSize` of its rows drawn with the seed.
    /// 3. An MLP (or, with `imageShape`, a CNN) ending in softmax, trained with fused softmax cross-entropy, with
    ///    early stopping on the validation loss when `patience` is set.
    ///
    /// The same data, recipe and seed give the same model, bit for bit.
    /// - Throws: `ExplainError(.invalidArgument)` for settings that do not fit the data (an image shape whose size
    ///   differs from the column count, say), and whatever `Trainer.fit` throws.
    public func train(_ recipe: TrainingRecipe, name: String, onEpoch: ((TrainingHistory.Epoch) -> Void)? = nil,
                      onBatch: ((BatchProgress) -> Void)? = nil) throws(ExplainError) -> TrainingOutcome {
        try check(recipe)
        let root = SplitMix64(seed: recipe.seed)
        var testGenerator = root.derived(1), validationGenerator = root.derived(2), backgroundGenerator = root.derived(3)
        let (rest, test) = StratifiedSplit.split(labels: classes, fraction: recipe.testFraction, using: &testGenerator)
        let (kept, held) = StratifiedSplit.split(labels: rest.map { classes[$0] }, fraction: recipe.validationFraction,
                                                 using: &validationGenerator)
        let trainingRows = kept.map { rest[$0] }, validationRows = held.map { rest[$0] }

        let inputShape = recipe.imageShape ?? [featureNames.count]
        let restRows = features.gathering(rows: rest)
        let standardize = Standardize.fitted(name: "standardize0", to: restRows, inputShape: inputShape)
        var initializer = root.derived(4), batches = root.derived(5)
        let model: Model
        if let image = recipe.imageShape {
            model = try NetworkBuilder.convolutional(
                name: name, inputShape: image, featureNames: featureNames, outputNames: classNames,
                standardize: standardize, channels: recipe.channels, hiddenSizes: recipe.hiddenSizes,
                dropout: recipe.dropout, seed: initializer.next())
        } else {
            model = try NetworkBuilder.multilayerPerceptron(
                name: name, featureNames: featureNames, outputNames: classNames, standardize: standardize,
                hiddenSizes: recipe.hiddenSizes, dropout: recipe.dropout, seed: initializer.next())
        }

        var configuration = recipe.training
        configuration.loss = .softmaxCrossEntropy
        configuration.seed = batches.next()
        let all = LabeledData(inputs: features, classes: classes, classCount: classNames.count)
        let trainer = Trainer(configuration: configuration, onEpoch: onEpoch, onBatch: onBatch)
        var history = try trainer.fit(model, training: all.subset(trainingRows),
                                      validation: validationRows.isEmpty ? nil : all.subset(validationRows))
        let testAccuracy = model.evaluate(all.subset(test), loss: .softmaxCrossEntropy).accuracy ?? 0
        history.testAccuracy = testAccuracy
        history.seed = recipe.seed

        var drawn = rest
        backgroundGenerator.shuffle(&drawn)
        let backgroundRows = Array(drawn.prefix(recipe.backgroundSize)).sorted()
        let stats = FeatureStats.computed(from: restRows.scalars, rows: rest.count, width: featureNames.count)
        let file = ModelFile(model: model, background: Background(rows: features.gathering(rows: backgroundRows)),
                             featureStats: stats)
        return TrainingOutcome(file: file, history: history, testAccuracy: testAccuracy, trainingRows: trainingRows,
                               validationRows: validationRows, testRows: test)
    }

    /// Up to `count` test rows for an example CSV, taking the classes in turn so that several are shown.
    public func exampleRows(from testRows: [Int], count: Int) -> [Int] {
        var byClass = [[Int]](repeating: [], count: classNames.count)
        for r in testRows { byClass[classes[r]].append(r) }
        var picked: [Int] = []
        var depth = 0
        while picked.count < min(count, testRows.count) {
            for rows in byClass where depth < rows.count && picked.count < count { picked.append(rows[depth]) }
            depth += 1
        }
        return picked.sorted()
    }

    private func check(_ recipe: TrainingRecipe) throws(ExplainError) {
        guard recipe.testFraction > 0 && recipe.testFraction < 1 else {
            throw ExplainError(.invalidArgument, "must be between 0 and 1, got \(recipe.testFraction)", at: "test fraction")
        }
        guard recipe.validationFraction >= 0 && recipe.validationFraction < 1 else {
            throw ExplainError(.invalidArgument, "must be in [0, 1), got \(recipe.validationFraction)", at: "validation fraction")
        }
        guard recipe.backgroundSize > 0 else {
            throw ExplainError(.invalidArgument, "must be positive, got \(recipe.backgroundSize)", at: "background size")
        }
        if let shape = recipe.imageShape, Model.elementCount(shape) != featureNames.count {
            let text = shape.map(String.init).joined(separator: "x")
            let count = Model.elementCount(shape).map(String.init) ?? "more than \(Model.maximumWidth)"
            throw ExplainError(.invalidArgument, "an image of \(text) has \(count) values, but the data has \(featureNames.count) feature columns", at: "image")
        }
        let testCount = Int((Double(rowCount) * recipe.testFraction).rounded())
        guard testCount >= 1 && rowCount - testCount >= classNames.count else {
            throw ExplainError(.invalidArgument, "\(rowCount) rows cannot give both a test split and a training row for each of \(classNames.count) classes with test fraction \(recipe.testFraction)", at: "test fraction")
        }
    }
}
