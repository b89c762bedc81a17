import ExplainTensor

/// Occlusion: slide a window over the image, replace it by the baseline, and give each pixel the mean output drop
/// over the windows that cover it.
///
/// ```
/// d_w = f(x) − f(x with window w ← x'),   φ_p = (1 / |{w ∋ p}|) Σ_{w ∋ p} d_w
/// ```
/// Zeiler & Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014; captum `Occlusion` with a
/// window of `windowHeight × windowWidth` over all channels and the same stride in both directions. As in captum,
/// each direction has ⌈(side − window) / stride⌉ + 1 windows starting at multiples of the stride, the last cut off
/// at the border, so every pixel is covered. Windows equal to the baseline everywhere get d_w = 0 without a model
/// evaluation. Several baseline rows average f of the occluded image over them (`FeatureAblation`).
public struct Occlusion: Sendable {
    /// The image shape `[C, H, W]`.
    public let inputShape: [Int]
    public let windowHeight: Int
    public let windowWidth: Int
    /// The step between window positions, in both directions.
    public let stride: Int
    /// The reference input(s), as for integrated gradients.
    public let baseline: GradientBaseline
    /// The most scalars one model call's rows and outputs may hold (as `KernelSHAPExplainer.chunkBudget`).
    public let chunkBudget: Int

    /// The default window: a quarter of each side, at least 1 (2×2 on 8×8 digits, 7×7 on 28×28).
    public static func defaultWindow(height: Int, width: Int) -> (height: Int, width: Int) {
        (max(1, (height + 2) / 4), max(1, (width + 2) / 4))
    }

    /// The default stride: half the window's shorter side, at least 1 (1 for 2×2, 3 for 7×7), so that most pixels
    /// are covered by several windows and the map is smoother than the window grid.
    public static func defaultStride(windowHeight: Int, windowWidth: Int) -> Int {
        max(1, min(windowHeight, windowWidth) / 2)
    }

    /// Creates an explainer for images of `inputShape`; nil window and stride take the defaults.
    /// - Throws: `ExplainError(.unsupported)` unless `inputShape` is `[C, H, W]`; `.invalidArgument` for a window
    ///   larger than the image or below 1, a stride below 1 or larger than the window in a direction the window
    ///   does not span (pixels would be left uncovered, which captum refuses too), or a chunk budget below 1.
    public init(inputShape: [Int], windowHeight: Int? = nil, windowWidth: Int? = nil, stride: Int? = nil,
                baseline: GradientBaseline = .zeros, chunkBudget: Int = KernelSHAPExplainer.defaultChunkBudget) throws {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw ExplainError(.unsupported, "occlusion needs an image model with input shape [C, H, W], got "
                + "\(inputShape)", at: "occlusion")
        }
        let (h, w) = (inputShape[1], inputShape[2])
        let window = Self.defaultWindow(height: h, width: w)
        let wh = windowHeight ?? window.height, ww = windowWidth ?? window.width
        guard (1...h).contains(wh), (1...w).contains(ww) else {
            throw ExplainError(.invalidArgument, "the window \(wh)x\(ww) must be at least 1x1 and fit the \(h)x\(w) "
                + "image", at: "occlusion.window")
        }
        let s = stride ?? Self.defaultStride(windowHeight: wh, windowWidth: ww)
        guard s >= 1, (wh == h || s <= wh), (ww == w || s <= ww) else {
            throw ExplainError(.invalidArgument, "the stride must be from 1 to the window's size (\(wh)x\(ww)) so "
                + "that every pixel is covered, got \(s)", at: "occlusion.stride")
        }
        guard chunkBudget >= 1 else {
            throw ExplainError(.invalidArgument, "chunk budget must be at least 1, got \(chunkBudget)",
                               at: "occlusion.chunkBudget")
        }
        self.inputShape = inputShape
        self.windowHeight = wh
        self.windowWidth = ww
        self.stride = s
        self.baseline = baseline
        self.chunkBudget = chunkBudget
    }

    /// Every setting, as strings, for `AttributionResult.parameters`.
    public var parameters: [String: String] {
        ["window": "\(windowHeight)x\(windowWidth)", "stride": String(stride), "baseline": baseline.parameterValue]
    }

    /// The window positions along a side: starts 0, s, 2s, … (⌈(side − window) / s⌉ + 1 of them), each cut off at
    /// the border.
    static func spans(side: Int, window: Int, stride: Int) -> [Range<Int>] {
        let count = (side - window + stride - 1) / stride + 1
        return (0..<count).map { ($0 * stride)..<min(side, $0 * stride + window) }
    }

    /// The input indices of every window, all channels, row by row of window positions.
    public var windows: [[Int]] {
        let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        let rows = Self.spans(side: h, window: windowHeight, stride: stride)
        let columns = Self.spans(side: w, window: windowWidth, stride: stride)
        return rows.flatMap { r in
            columns.map { q in
                (0..<c).flatMap { channel in r.flatMap { y in q.map { x in (channel * h + y) * w + x } } }
            }
        }
    }

    /// Explains one image for every model output.
    ///
    /// - Parameters:
    ///   - x: the image, `C·H·W` values in CHW order.
    ///   - row: its index, echoed in the result.
    ///   - featureStats, background: the training data, used by the `.mean` baseline.
    /// - Returns: φ `[output][pixel]`, f(x), and f averaged over the baselines.
    /// - Throws: `ExplainError(.invalidInput)` for a bad row, `.invalidArgument` for a bad baseline or a predictor
    ///   of another width, `.numerical` for non-finite model outputs, and the predictor's errors.
    /// - Complexity: (windows + 1) × K + 1 model evaluations for K baseline rows.
    public func explain(_ x: [Float], row: Int = 0, predictor: some BatchPredictor, featureStats: FeatureStats? = nil,
                        background: Background? = nil) throws -> PerturbationResult {
        let width = inputShape.reduce(1, *)
        guard predictor.inputWidth == width else {
            throw ExplainError(.invalidArgument, "the model takes \(predictor.inputWidth) inputs; images of shape "
                + "\(inputShape) have \(width)", at: "occlusion.predictor")
        }
        try SetAblation.validate(x, row: row, predictor: predictor, method: "occlusion")
        let baselines = try baseline.resolved(width: width, featureStats: featureStats, background: background)
        return try SetAblation.locating(row: row) {
            let ablation = try SetAblation(instance: x, baselines: baselines, predictor: predictor,
                                           chunkBudget: chunkBudget)
            let windows = self.windows
            let (differences, evaluations) = try ablation.differences(windows, predictor: predictor)
            let outputs = predictor.outputCount
            var totals = [[Double]](repeating: [Double](repeating: 0, count: width), count: outputs)
            var coverage = [Int](repeating: 0, count: width)
            for (k, window) in windows.enumerated() {
                for i in window { coverage[i] += 1 }
                for o in 0..<outputs {
                    let d = differences[k * outputs + o]
                    for i in window { totals[o][i] += d }
                }
            }
            let values = totals.map { zip($0, coverage).map { $1 > 0 ? $0 / Double($1) : 0 } }
            return PerturbationResult(method: "occlusion", row: row, outputs: ablation.instanceOutputs,
                                      baseValues: ablation.baselineOutputs, values: values,
                                      modelEvaluations: ablation.endpointEvaluations + evaluations,
                                      diagnostics: ["windows": Double(windows.count)])
        }
    }
}
