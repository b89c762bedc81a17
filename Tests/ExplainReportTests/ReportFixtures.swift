import ExplainMethods
import ExplainNN
import ExplainReport
import ExplainTensor
import Foundation

/// Synthetic, seeded report inputs shaped like real runs (breast-cancer tabular data, 8×8 digits).
enum ReportFixtures {
    static let breastCancerFeatures = [
        "mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness", "mean compactness",
        "mean concavity", "mean concave points", "mean symmetry", "mean fractal dimension", "radius error",
        "texture error", "perimeter error", "area error", "smoothness error", "compactness error", "concavity error",
        "concave points error", "symmetry error", "fractal dimension error", "worst radius", "worst texture",
        "worst perimeter", "worst area", "worst smoothness", "worst compactness", "worst concavity",
        "worst concave points", "worst symmetry", "worst fractal dimension",
    ]

    /// An explanation whose attributions decay geometrically with random signs, satisfying completeness.
    static func explanation(row: Int, width: Int, base: Double?, stdErrors: Bool, rng: inout SplitMix64,
                            fidelity: Double? = nil, flags: [String] = []) -> Explanation {
        let phi = (0..<width).map { i in
            (rng.nextUniform() < 0.5 ? -1.0 : 1.0) * 0.4 * pow(0.8, Double(i)) * (0.5 + rng.nextUniform())
        }
        let shuffled = phi.shuffled(using: &rng)
        let prediction = (base ?? 0) + shuffled.reduce(0, +)
        return Explanation(row: row, target: 1, targetName: "malignant", prediction: prediction, baseValue: base,
                           attributions: shuffled,
                           stdErrors: stdErrors ? shuffled.map { abs($0) * 0.08 + 0.002 } : nil, fidelity: fidelity,
                           diagnostics: base == nil ? [:] : ["completeness_gap": 0, "model_evaluations": 2108],
                           flags: flags)
    }

    static func tabular(rowCount: Int = 40, explained: [Int] = [0, 3, 7], methods: [String] = ["kernelshap"],
                        withNetwork: Bool = true) -> ReportInput {
        var rng = SplitMix64(seed: 42)
        let width = breastCancerFeatures.count
        let rows = (0..<rowCount).map { _ in (0..<width).map { _ in Float(rng.nextUniform() * 30) } }
        let results = methods.map { method in
            let base: Double? = method == "gradient" ? nil : 0.37
            let explanations = explained.map { row in
                explanation(row: row, width: width, base: base, stdErrors: method == "kernelshap" || method == "lime",
                            rng: &rng, fidelity: method == "lime" ? 0.83 : nil,
                            flags: row == 3 ? ["completeness_gap_above_1_percent"] : [])
            }
            return AttributionResult(method: method, model: "bc-mlp", features: breastCancerFeatures,
                                     outputs: ["benign", "malignant"], seed: 7,
                                     parameters: ["background_rows": "100", "samples": "2108", "l1_reg": "off"],
                                     explanations: explanations)
        }
        var activations: [Int: [ReportInput.LayerActivation]] = [:]
        if withNetwork {
            for row in explained {
                activations[row] = [
                    .init(name: "fc1", shape: [64], values: (0..<64).map { _ in Float(rng.nextNormal()) }),
                    .init(name: "relu1", shape: [64], values: (0..<64).map { _ in Float(max(0, rng.nextNormal())) }),
                    .init(name: "fc2", shape: [32], values: (0..<32).map { _ in Float(rng.nextNormal()) }),
                ]
            }
        }
        let layerScores = Dictionary(uniqueKeysWithValues: explained.map { row in
            (row, (0..<64).map { _ in rng.nextNormal() * 0.1 })
        })
        return ReportInput(
            title: "Breast cancer explanations", modelName: "bc-mlp",
            architecture: [.init(name: "standardize0", type: "standardize", outputShape: [30], parameterCount: 0),
                           .init(name: "fc1", type: "dense", outputShape: [64], parameterCount: 1984),
                           .init(name: "relu1", type: "relu", outputShape: [64], parameterCount: 0),
                           .init(name: "fc2", type: "dense", outputShape: [32], parameterCount: 2080),
                           .init(name: "out", type: "dense", outputShape: [2], parameterCount: 66),
                           .init(name: "softmax", type: "softmax", outputShape: [2], parameterCount: 0)],
            inputFile: "data/breast_cancer_test.csv", featureNames: breastCancerFeatures,
            outputNames: ["benign", "malignant"], inputShape: [width], rows: rows, results: results,
            activations: activations,
            layerAttribution: withNetwork ? .init(layer: "fc1", method: "integrated-gradients", scores: layerScores)
                : nil,
            history: withNetwork ? history() : nil, seed: 7, date: "2026-11-29T08:00:00Z", wallTime: 3.21,
            modelEvaluations: 6324)
    }

    /// A plausible training history: decaying loss, rising accuracy, three layers.
    static func history(epochs: Int = 20) -> TrainingHistory {
        var rng = SplitMix64(seed: 3)
        let layerNames = ["fc1", "relu1", "fc2"]
        let list = (1...epochs).map { e -> TrainingHistory.Epoch in
            let t = Double(e)
            let layers = layerNames.enumerated().map { i, name -> TrainingHistory.LayerEpoch in
                let spread = 1 + 0.05 * t + Double(i) * 0.3
                let centre = name.hasPrefix("relu") ? 0.4 * spread : 0.1 * t / Double(epochs)
                return .init(layer: name, activationMean: centre, activationStd: spread,
                             activationPercentiles: [-1.6, -0.6, 0, 0.6, 1.6].map { centre + $0 * spread },
                             histogramEdges: [-2, 0, 2], histogramCounts: [10, 12],
                             deadFraction: name.hasPrefix("relu") ? 0.02 + 0.01 * t : nil,
                             gradientNorm: name.hasPrefix("relu") ? nil : 2 * exp(-0.2 * t) * (1 + Double(i)),
                             updateRatio: name.hasPrefix("relu") ? nil : 1e-3)
            }
            return .init(epoch: e, trainLoss: 0.7 * exp(-0.15 * t) + 0.05 + 0.01 * rng.nextUniform(),
                         trainAccuracy: 0.6 + 0.38 * (1 - exp(-0.3 * t)),
                         validationLoss: 0.7 * exp(-0.12 * t) + 0.09 + 0.002 * t,
                         validationAccuracy: 0.58 + 0.36 * (1 - exp(-0.25 * t)), learningRate: 0.01, layers: layers)
        }
        return TrainingHistory(epochs: list, bestEpoch: 14, testAccuracy: 0.956, seed: 3)
    }

    /// An 8×8 digit ("0"-like ring) with attributions concentrated on the ring.
    static func digits(methods: [String] = ["integrated-gradients"], height: Int = 8, width: Int = 8) -> ReportInput {
        var rng = SplitMix64(seed: 5)
        let n = height * width
        let image: [Float] = (0..<n).map { i in
            let r = Double(i / width) - Double(height - 1) / 2, c = Double(i % width) - Double(width - 1) / 2
            let d = (r * r + c * c).squareRoot() / (Double(min(height, width)) / 2)
            return Float(max(0, 16 * (1 - abs(d - 0.65) * 4)))
        }
        let results = methods.map { method in
            let explanations = [0, 1].map { row in
                let phi = image.map { Double($0) / 16 * (rng.nextUniform() - 0.3) * 0.2 }
                return Explanation(row: row, target: 0, targetName: "0", prediction: 0.91, baseValue: 0.1,
                                   attributions: phi, diagnostics: ["completeness_gap": 0.004])
            }
            return AttributionResult(method: method, model: "digits-cnn", features: (0..<n).map { "px\($0)" },
                                     outputs: (0..<10).map(String.init), seed: 1, parameters: ["steps": "50"],
                                     explanations: explanations)
        }
        let conv = (0..<(4 * 6 * 6)).map { _ in Float(max(0, rng.nextNormal())) }
        return ReportInput(
            title: "Digits", modelName: "digits-cnn",
            architecture: [.init(name: "conv1", type: "conv2d", outputShape: [4, 6, 6], parameterCount: 40)],
            inputFile: "digits.csv", featureNames: (0..<n).map { "px\($0)" }, outputNames: (0..<10).map(String.init),
            inputShape: [1, height, width], rows: [image, image.reversed()], results: results,
            activations: [0: [.init(name: "conv1", shape: [4, 6, 6], values: conv)]], seed: 1,
            date: "2026-11-29", wallTime: 0.4, modelEvaluations: 100)
    }
}
