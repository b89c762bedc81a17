import ExplainTensor

/// Input rows with the targets a loss compares the model's outputs to.
public struct LabeledData: Sendable, Equatable {
    /// `[N, width]` flat rows; the trainer reshapes them to the model's input shape.
    public var inputs: Tensor
    /// `[N, K]`: one-hot rows for classification, target values for regression.
    public var targets: Tensor

    /// Pairs inputs with targets of the same row count.
    public init(inputs: Tensor, targets: Tensor) {
        precondition(inputs.batchSize == targets.batchSize, "LabeledData: \(inputs.batchSize) inputs, \(targets.batchSize) targets")
        self.inputs = inputs.reshaped([inputs.batchSize, inputs.sampleCount])
        self.targets = targets.reshaped([targets.batchSize, targets.sampleCount])
    }

    /// Classification data: one-hot targets for `classCount` classes, or a single 0/1 column when `classCount` is 1
    /// (binary cross-entropy on one sigmoid output).
    public init(inputs: Tensor, classes: [Int], classCount: Int) {
        precondition(classes.count == inputs.batchSize && classCount > 0, "LabeledData: \(classes.count) labels")
        var targets = [Float](repeating: 0, count: classes.count * classCount)
        for (r, c) in classes.enumerated() {
            if classCount == 1 {
                precondition(c == 0 || c == 1, "LabeledData: binary labels must be 0 or 1")
                targets[r] = Float(c)
            } else {
                precondition((0..<classCount).contains(c), "LabeledData: class \(c) outside 0..<\(classCount)")
                targets[r * classCount + c] = 1
            }
        }
        self.init(inputs: inputs, targets: Tensor(shape: [classes.count, classCount], scalars: targets))
    }

    /// The number of rows.
    public var count: Int { inputs.batchSize }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabeledData {
        LabeledData(inputs: inputs.gathering(rows: indices), targets: targets.gathering(rows: indices))
    }
}

extension Tensor {
    /// The batch rows at `indices`, in that order.
    public func gathering(rows indices: [Int]) -> Tensor {
        let w = sampleCount
        var out = [Float](repeating: 0, count: indices.count * w)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (k, r) in indices.enumerated() {
                    precondition(r >= 0 && r < batchSize, "Tensor.gathering: row \(r) of \(batchSize)")
                    guard w > 0 else { continue }
                    (dst.baseAddress! + k * w).update(from: src.baseAddress! + r * w, count: w)
                }
            }
        }
        var s = shape
        s[0] = indices.count
        return Tensor(shape: s, scalars: out)
    }
}
