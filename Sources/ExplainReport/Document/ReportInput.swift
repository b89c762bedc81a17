import ExplainMethods
import ExplainNN
import ExplainTensor

/// Everything a report shows: the model, the run, the explanations and the optional network diagnostics.
///
/// Plain data. `rows` holds the raw feature values indexed like the explanations' `row` (so `rows[e.row]` is the
/// explained instance); it may be empty, in which case labels show feature names without values.
public struct ReportInput: Sendable {
    /// One line of the architecture table.
    public struct LayerSummary: Sendable, Equatable {
        public var name: String
        public var type: String
        public var outputShape: [Int]
        public var parameterCount: Int
        /// In a graph model, the layers it reads (`input` for the model's input) when they are not just the layer
        /// before it; nil otherwise.
        public var reads: [String]?

        public init(name: String, type: String, outputShape: [Int], parameterCount: Int, reads: [String]? = nil) {
            self.name = name
            self.type = type
            self.outputShape = outputShape
            self.parameterCount = parameterCount
            self.reads = reads
        }
    }

    /// One hidden layer's output for one explained row.
    public struct LayerActivation: Sendable, Equatable {
        public var name: String
        /// `[n]` for dense layers, `[C, H, W]` for conv layers.
        public var shape: [Int]
        public var values: [Float]

        public init(name: String, shape: [Int], values: [Float]) {
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// Per-unit attribution scores of one layer, per explained row.
    public struct LayerAttribution: Sendable, Equatable {
        public var layer: String
        public var method: String
        /// Scores by row index.
        public var scores: [Int: [Double]]

        public init(layer: String, method: String, scores: [Int: [Double]]) {
            self.layer = layer
            self.method = method
            self.scores = scores
        }
    }

    public var title: String
    public var modelName: String
    public var architecture: [LayerSummary]
    public var inputFile: String
    public var featureNames: [String]
    public var outputNames: [String]
    /// `[n]` for tabular models, `[C, H, W]` for images.
    public var inputShape: [Int]
    public var rows: [[Float]]
    /// One result per method; all explain the same model.
    public var results: [AttributionResult]
    /// Hidden activations by row index, in layer order.
    public var activations: [Int: [LayerActivation]]
    public var layerAttribution: LayerAttribution?
    public var history: TrainingHistory?
    public var seed: UInt64
    /// The run's date as the caller wants it printed (ISO 8601 recommended).
    public var date: String
    /// Seconds spent explaining.
    public var wallTime: Double
    public var modelEvaluations: Int
    /// Features that get their own bar in per-row charts.
    public var topK: Int
    /// Methods the run could not run, with the reason (listed on the title page).
    public var skipped: [SkippedMethod] = []

    public init(title: String, modelName: String, architecture: [LayerSummary] = [], inputFile: String,
                featureNames: [String], outputNames: [String], inputShape: [Int], rows: [[Float]],
                results: [AttributionResult], activations: [Int: [LayerActivation]] = [:],
                layerAttribution: LayerAttribution? = nil, history: TrainingHistory? = nil, seed: UInt64,
                date: String, wallTime: Double, modelEvaluations: Int, topK: Int = 12) {
        // Every text from the user's files is cut to a display length (`Echo.text`: 60 characters and a count, control
        // characters escaped) before layout, so a 10-million-character name costs no more to draw than a short one.
        self.title = title.count > 200 ? String(title.prefix(200)) + "…" : Echo.escapingControls(title)
        self.modelName = Echo.text(modelName)
        self.architecture = architecture.map { var a = $0; a.name = Echo.text(a.name); return a }
        self.inputFile = Echo.text(inputFile)
        self.featureNames = featureNames.map { Echo.text($0) }
        self.outputNames = outputNames.map { Echo.text($0) }
        self.inputShape = inputShape
        self.rows = rows
        self.results = results.map(Self.displayable)
        self.activations = activations
        self.layerAttribution = layerAttribution
        self.history = history
        self.seed = seed
        self.date = date
        self.wallTime = wallTime
        self.modelEvaluations = modelEvaluations
        self.topK = topK
    }

    /// `result` with its names, labels and parameter values cut to display length.
    static func displayable(_ result: AttributionResult) -> AttributionResult {
        var r = result
        r.model = Echo.text(r.model)
        r.features = r.features.map { Echo.text($0) }
        r.outputs = r.outputs.map { Echo.text($0) }
        r.parameters = r.parameters.mapValues { Echo.text($0) }
        r.explanations = r.explanations.map { e in
            var e = e
            e.targetName = Echo.text(e.targetName)
            e.featureLabels = e.featureLabels?.map { Echo.text($0) }
            return e
        }
        return r
    }

    /// Whether the input is an image (`[C, H, W]`).
    public var isImage: Bool { inputShape.count == 3 }

    /// The explained row indices over all methods, ascending.
    public var explainedRows: [Int] {
        Array(Set(results.flatMap { $0.explanations.map(\.row) })).sorted()
    }

    /// The raw values of row `index` as Doubles, when present.
    public func values(ofRow index: Int) -> [Double]? {
        index >= 0 && index < rows.count ? rows[index].map(Double.init) : nil
    }
}
