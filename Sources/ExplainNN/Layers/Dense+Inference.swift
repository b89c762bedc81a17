import ExplainTensor

extension Dense {
    /// The weights and bias of this layer with a preceding `Standardize` folded in: W' = W / std and
    /// b' = b − W'·mean (in Double), so the standardised input is never materialised.
    /// - Parameter standardize: the mean and std of a `Standardize` layer just before this one, or nil.
    public func folded(standardize: (mean: [Float], std: [Float])?) -> (weight: [Float], bias: [Float]) {
        var w = weight.scalars, b = bias.scalars
        guard let (mean, std) = standardize else { return (w, b) }
        precondition(mean.count == inputCount && std.count == inputCount, "Dense \(name): standardize over \(mean.count) values")
        Self.fold(mean: mean, std: std, into: &w, bias: &b)
        return (w, b)
    }

    /// Folds y = (x − mean) / std into the affine map W·y + b (`[outputs × k]` and `[outputs]`, k = mean.count):
    /// W ← W / std column by column, b ← b − W·mean in Double.
    static func fold(mean: [Float], std: [Float], into w: inout [Float], bias b: inout [Float]) {
        let k = mean.count
        for o in 0..<b.count {
            var shift = 0.0
            for j in 0..<k {
                w[o * k + j] /= std[j]
                shift += Double(w[o * k + j]) * Double(mean[j])
            }
            b[o] = Float(Double(b[o]) - shift)
        }
    }

    /// y = x·Wᵀ + b for `[N, k]` rows and a `[outputs, k]` weight, optionally followed by ReLU (as `Activation`
    /// computes it), through the small-matrix kernel (`PackedAffine`; it packs the weight on each call, so a caller
    /// that applies the same weights many times keeps a `PackedAffine` instead).
    public static func affine(_ input: Tensor, weight: [Float], bias: [Float], outputs m: Int, relu: Bool) -> Tensor {
        precondition(weight.count == m * input.sampleCount && bias.count == m, "Dense: weight \(weight.count) for \(input.sampleCount) → \(m)")
        return PackedAffine(weight: weight, bias: bias, outputs: m)(input.reshaped([input.batchSize, input.sampleCount]), relu: relu)
    }
}
