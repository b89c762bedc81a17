import ExplainTensor
import Foundation

/// Collects the per-layer statistics of `TrainingHistory` during one epoch, fed by the model's forward hooks and by
/// the trainer's gradients and updates.
///
/// Only forward passes in training mode count, so validation passes (inference mode) do not disturb the statistics.
/// Thread-safe, because hooks may be called from any thread.
public final class TrainingDiagnostics: @unchecked Sendable {
    private struct LayerState {
        var count = 0
        var sum = 0.0
        var sumOfSquares = 0.0
        var minimum = Float.infinity
        var maximum = -Float.infinity
        var histogram: StreamingHistogram
        /// For ReLU layers: each unit's (a position in the sample) largest value, at least 0; the unit is dead while it
        /// is 0. Empty until a ReLU output is recorded.
        var unitMaxima: [Float] = []
        var gradientNormSum = 0.0
        var gradientBatches = 0
        var updateRatio: Double?
    }

    private let lock = NSLock()
    private let layerNames: [String]
    private let isReLU: [Bool]
    private let hasParameters: [Bool]
    private let binCount: Int
    private var states: [LayerState]

    /// Prepares empty statistics for every layer of `model`.
    /// - Parameter binCount: the number of histogram bins (even).
    public init(model: Model, binCount: Int = 32) {
        layerNames = model.layerNames
        isReLU = model.layers.map { ($0 as? Activation)?.kind == .relu }
        hasParameters = model.layers.map { !$0.parameters.isEmpty }
        self.binCount = binCount
        states = model.layers.map { _ in LayerState(histogram: StreamingHistogram(binCount: binCount)) }
    }

    /// The forward hooks that feed these statistics, one per layer, for `Model.withHooks(forward:)`.
    public var forwardHooks: [(layer: String, hook: ForwardHook)] {
        layerNames.map { name in (layer: name, hook: { [weak self] event in self?.record(event) }) }
    }

    /// Adds a training-mode activation (ignores inference passes).
    public func record(_ event: ForwardHookEvent) {
        guard event.mode.isTraining, states.indices.contains(event.layerIndex) else { return }
        let output = event.output
        let units = output.sampleCount
        let i = event.layerIndex
        output.scalars.withUnsafeBufferPointer { values in
            let summary = FloatKernels.summary(values)
            lock.lock(); defer { lock.unlock() }
            states[i].count += values.count
            states[i].sum += summary.sum
            states[i].sumOfSquares += summary.sumOfSquares
            if summary.isFinite && !values.isEmpty {
                states[i].minimum = min(states[i].minimum, summary.min)
                states[i].maximum = max(states[i].maximum, summary.max)
            }
            states[i].histogram.add(values, minimum: summary.min, maximum: summary.max, isFinite: summary.isFinite)
            guard isReLU[i], units > 0 else { return }
            if states[i].unitMaxima.count != units { states[i].unitMaxima = [Float](repeating: 0, count: units) }
            states[i].unitMaxima.withUnsafeMutableBufferPointer { FloatKernels.accumulateColumnMaxima(values, into: $0) }
        }
    }

    /// Adds one batch's parameter gradients (per layer): their L2 norm enters the epoch's mean gradient norm.
    public func recordGradients(_ gradients: [[Tensor]]) {
        lock.lock(); defer { lock.unlock() }
        for (i, layerGradients) in gradients.enumerated() where states.indices.contains(i) && !layerGradients.isEmpty {
            let squares = layerGradients.reduce(0.0) { $0 + FloatKernels.sumOfSquares($1.scalars) }
            states[i].gradientNormSum += squares.squareRoot()
            states[i].gradientBatches += 1
        }
    }

    /// Records ‖after − before‖ / ‖before‖ per layer for one optimizer step.
    public func recordUpdate(before: [[Tensor]], after: [[Tensor]]) {
        lock.lock(); defer { lock.unlock() }
        for i in states.indices where i < before.count && i < after.count && !before[i].isEmpty {
            var change = 0.0, size = 0.0
            for (old, new) in zip(before[i], after[i]) {
                for (a, b) in zip(old.scalars, new.scalars) {
                    change += Double(b - a) * Double(b - a)
                    size += Double(a) * Double(a)
                }
            }
            states[i].updateRatio = size > 0 ? (change / size).squareRoot() : nil
        }
    }

    /// The epoch's statistics for every layer, then a reset for the next epoch.
    ///
    /// Statistics are rounded to 7 significant digits (about Float precision, which the activations have), so the
    /// history file stays small; histogram edges are exact.
    public func finishEpoch() -> [TrainingHistory.LayerEpoch] {
        lock.lock(); defer { lock.unlock() }
        let result = states.indices.map { i -> TrainingHistory.LayerEpoch in
            let s = states[i]
            let n = Double(max(s.count, 1))
            let mean = s.sum / n
            let variance = max(s.sumOfSquares / n - mean * mean, 0)
            let dead = s.unitMaxima.isEmpty ? nil : Double(s.unitMaxima.filter { $0 == 0 }.count) / Double(s.unitMaxima.count)
            let r = TrainingDiagnostics.rounded
            return TrainingHistory.LayerEpoch(
                layer: layerNames[i], activationMean: r(mean), activationStd: r(variance.squareRoot()),
                activationPercentiles: [0.05, 0.25, 0.5, 0.75, 0.95].map { r(s.histogram.percentile($0)) },
                histogramEdges: s.histogram.edges, histogramCounts: s.histogram.counts,
                deadFraction: isReLU[i] ? dead.map(r) : nil,
                gradientNorm: hasParameters[i] && s.gradientBatches > 0 ? r(s.gradientNormSum / Double(s.gradientBatches)) : nil,
                updateRatio: hasParameters[i] ? s.updateRatio.map(r) : nil,
                activationMin: s.minimum <= s.maximum ? r(Double(s.minimum)) : nil,
                activationMax: s.minimum <= s.maximum ? r(Double(s.maximum)) : nil)
        }
        // The next epoch's histograms start on this epoch's range, so they rarely need to grow.
        states = states.map { old in
            let range = old.minimum <= old.maximum ? Double(old.minimum)...Double(old.maximum) : nil
            return LayerState(histogram: StreamingHistogram(binCount: binCount, expectedRange: range))
        }
        return result
    }

    /// `x` rounded to 7 significant digits: the Double nearest to the decimal, which prints as that decimal.
    static func rounded(_ x: Double) -> Double {
        guard x.isFinite, x != 0 else { return x }
        let exponent = Int((Math.log(abs(x)) / Math.log(10.0)).rounded(.down)).clamped(to: -300...300)
        let shift = 6 - exponent
        var power = 1.0
        for _ in 0..<min(abs(shift), 300) { power *= 10 }
        let result = shift >= 0 ? (x * power).rounded() / power : (x / power).rounded() * power
        return result.isFinite ? result : x
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
