import Foundation

/// Every human-readable string of the reports, and the number formats, in one place.
public enum Labels {
    /// The display name of a CONTRACT method name (`kernelshap` -> `KernelSHAP`).
    public static func methodName(_ method: String) -> String {
        switch method {
        case "kernelshap": return "KernelSHAP"
        case "lime": return "LIME"
        case "integrated-gradients": return "Integrated Gradients"
        case "gradient": return "Gradient"
        case "saliency": return "Saliency"
        case "gradient-x-input": return "Gradient × Input"
        case "smoothgrad": return "SmoothGrad"
        case "deeplift": return "DeepLIFT"
        case "deepshap": return "DeepSHAP"
        case "guided-backprop": return "Guided Backprop"
        case "deconvolution": return "Deconvolution"
        case "lrp": return "LRP"
        case "gradientshap": return "GradientSHAP"
        case "grad-cam": return "Grad-CAM"
        case "guided-grad-cam": return "Guided Grad-CAM"
        case "feature-ablation": return "Feature Ablation"
        case "occlusion": return "Occlusion"
        case "shapley-sampling": return "Shapley Sampling"
        case "predict": return "Predictions"
        default: return method
        }
    }

    /// What the base value is for a method.
    public static func baseValueName(_ method: String) -> String {
        switch method {
        case "kernelshap", "shapley-sampling", "deepshap": return "E[f(X)]"
        case "integrated-gradients", "deeplift", "feature-ablation", "occlusion": return "f(baseline)"
        case "lime": return "intercept"
        case "gradientshap": return "E[f(background)]"
        default: return "base"
        }
    }

    /// A warning flag of `Explanation.flags` as a reader's sentence; an unknown flag is shown with its words
    /// spaced out (`some_new_flag` -> `some new flag`), so every flag stays readable.
    public static func flag(_ name: String) -> String {
        switch name {
        case "saturated_output": return "output saturated (p within 1e-4 of 0 or 1): gradients vanish; try --logits"
        case "negligible_attributions": return "all |attributions| below 1e-6"
        case "completeness_gap_above_1_percent": return "completeness gap above 1 % of f(x) − base: try more --steps"
        case "low_fidelity": return "low fidelity: the surrogate's weighted R² is below 0.5"
        case "surrogate_least_squares_fallback": return "surrogate fitted by plain least squares (the ridge fit failed)"
        case "kernelshap_not_converged": return "not converged: --tolerance was not met within the sample budget"
        case "kernelshap_singular_regression": return "singular regression: solved with the fallback solver"
        case "kernelshap_too_few_samples_for_std_errors", "lime_too_few_samples_for_std_errors":
            return "too few samples for reliable standard errors"
        case "noise_from_background_range": return "noise scaled by the background's range (no feature_stats)"
        case "noise_from_input_range": return "noise scaled by the row's own range (no feature_stats or background)"
        default: return name.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// `petal width = 1.8`.
    public static func featureValue(_ name: String, _ value: Double?) -> String {
        guard let value else { return name }
        return "\(name) = \(number(value))"
    }

    /// The label of the bar that sums the features outside the top k.
    public static func otherFeatures(_ count: Int) -> String {
        count == 1 ? "1 other feature" : "\(count) other features"
    }

    /// The note under a chart that leaves features out: `18 more features not shown, Σ|φ| 0.012`.
    public static func featuresNotShown(_ count: Int, absoluteSum: Double?) -> String {
        let text = count == 1 ? "1 more feature not shown" : "\(Labels.count(count)) more features not shown"
        return absoluteSum.map { text + ", Σ|φ| \(number($0, digits: 3))" } ?? text
    }

    /// A row count: `1 row`, `12 rows`.
    public static func rows(_ count: Int) -> String { count == 1 ? "1 row" : "\(Labels.count(count)) rows" }

    /// A compact number: integers below 10⁷ in full, otherwise up to `digits` significant digits, no trailing
    /// zeros, a true minus sign.
    public static func number(_ x: Double, digits: Int = 4) -> String {
        guard x.isFinite else { return x.isNaN ? "n/a" : (x > 0 ? "∞" : "−∞") }
        if x == 0 { return "0" }
        let text = x == x.rounded() && abs(x) < 1e7 ? String(format: "%.0f", x)
            : String(format: "%.\(max(1, digits))g", x)
        return text.replacingOccurrences(of: "-", with: "−")
    }

    /// A number with an explicit sign (`+0.42`, `−0.13`).
    public static func signed(_ x: Double, digits: Int = 3) -> String {
        x > 0 ? "+" + number(x, digits: digits) : number(x, digits: digits)
    }

    /// A percentage with one decimal.
    public static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "n/a" }
        return String(format: "%.1f %%", fraction * 100)
    }

    /// `8×8`, `3×32×32`.
    public static func shape(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "×") }

    /// `0.84 s`, `2 min 05 s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "n/a" }
        if seconds < 60 { return String(format: seconds < 10 ? "%.2f s" : "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        return String(format: "%d min %02d s", whole / 60, whole % 60)
    }

    /// A count with thousands separators (`12 345`).
    public static func count(_ n: Int) -> String {
        let digits = Array(String(abs(n)))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append("\u{2009}") }
            out.append(d)
        }
        return n < 0 ? "−" + out : out
    }

    // Axis and section titles.
    public static let attributionAxis = "attribution φ"
    public static let outputAxis = "model output"
    public static let meanAbsAxis = "mean |φ| over explained rows"
    public static let epochAxis = "epoch"
    public static let lossAxis = "loss"
    public static let accuracyAxis = "accuracy"
    public static let gradientNormAxis = "gradient L2 norm (log scale)"
    public static let deadFractionAxis = "dead ReLU units"
    public static let activationAxis = "activation"
    public static let unitAxis = "unit"
    public static let layerScoreAxis = "layer attribution"
    public static let errorBarNote = "error bars: ±1.96 standard errors (95 %)"
    public static let colorRule = "red: pushes the output up · blue: pushes it down"
    public static let clipNote = "colour scale clipped at the 98th percentile of |φ|"
    public static let featureValueLow = "low"
    public static let featureValueHigh = "high"
    public static let featureValueTitle = "feature value"
    public static let trainSeries = "train"
    public static let validationSeries = "validation"
    public static let convergenceTitle = "Convergence: error bars after each round"
    public static let modelEvaluationsAxis = "model evaluations"
    public static let relativeErrorAxis = "max SE / (max φ − min φ)"
    public static let relativeErrorSeries = "max SE / range"
    public static let toleranceSeries = "tolerance"
}
