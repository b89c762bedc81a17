import ExplainTensor

/// How the learning rate changes from epoch to epoch.
public enum LearningRateSchedule: Sendable, Equatable {
    /// The base rate throughout.
    case constant
    /// Multiplies the rate by `factor` every `period` epochs (PyTorch `StepLR`).
    case step(period: Int, factor: Double)
    /// Cosine annealing from the base rate to `minimumRate` over the planned epochs (PyTorch `CosineAnnealingLR`).
    ///
    /// ```
    /// η_e = η_min + (η − η_min) · (1 + cos(π e / E)) / 2
    /// ```
    /// Loshchilov & Hutter (2017), "SGDR: Stochastic Gradient Descent with Warm Restarts".
    case cosine(minimumRate: Double = 0)

    /// The rate for 0-based `epoch` of `epochCount`.
    public func rate(base: Double, epoch: Int, epochCount: Int) -> Double {
        switch self {
        case .constant:
            return base
        case .step(let period, let factor):
            guard period > 0 else { return base }
            var rate = base
            for _ in 0..<(epoch / period) { rate *= factor }
            return rate
        case .cosine(let minimumRate):
            guard epochCount > 0 else { return base }
            let progress = Double(min(epoch, epochCount)) / Double(epochCount)
            return minimumRate + (base - minimumRate) * (1 + Math.cos(Double.pi * progress)) / 2
        }
    }

    /// Parses the CLI spelling: `constant`, `step:PERIOD:FACTOR` (e.g. `step:50:0.5`) or `cosine`.
    public init?(name: String) {
        let parts = name.lowercased().split(separator: ":").map(String.init)
        switch parts.first {
        case "constant" where parts.count == 1: self = .constant
        case "cosine" where parts.count == 1: self = .cosine()
        case "step" where parts.count == 3:
            guard let period = Int(parts[1]), period > 0, let factor = Double(parts[2]), factor > 0 else { return nil }
            self = .step(period: period, factor: factor)
        default: return nil
        }
    }
}
