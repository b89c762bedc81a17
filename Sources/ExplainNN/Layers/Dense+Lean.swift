import ExplainTensor

/// The explainers' dense layer: forward and input gradient through the small-matrix kernel (`PackedAffine`), for
/// calls that need no parameter gradients.
///
/// y = x·Wᵀ + b, and dx = dy·W as the affine map with weight Wᵀ and no bias. Each row's outputs and input gradient
/// are then a function of that row alone, whatever other rows share the call (`Model.rowsAreIndependent`). They
/// equal the OpenBLAS path's to float rounding.
extension Dense {
    /// y = x·Wᵀ + b as the small-matrix kernel's packed map.
    var packed: PackedAffine { PackedAffine(weight: weight.scalars, bias: bias.scalars, outputs: outputCount) }

    func lean(_ input: Tensor, needsInputGradient: Bool) -> (output: Tensor, pullback: Pullback) {
        let n = input.batchSize, k = inputCount, m = outputCount
        let output = packed(input.reshaped([n, k]))
        let inputShape = input.shape
        guard needsInputGradient else { return (output, { _ in (Tensor(shape: [0], scalars: []), []) }) }
        let w = weight.scalars
        return (output, { dy in
            // Wᵀ as a `[k, m]` weight: row j holds column j of W.
            let transposed = [Float](unsafeUninitializedCapacity: k * m) { t, initialized in
                for o in 0..<m { for j in 0..<k { t[j * m + o] = w[o * k + j] } }
                initialized = k * m
            }
            let backward = PackedAffine(weight: transposed, bias: [Float](repeating: 0, count: k), outputs: k)
            return (backward(dy.reshaped([n, m])).reshaped(inputShape), [])
        })
    }
}
