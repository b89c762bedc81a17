/// How a layer-resolution map is resized to the input's height and width, as PyTorch's `F.interpolate` (which
/// captum `LayerAttribution.interpolate` calls).
///
/// ```
/// bilinear (align_corners=False)  s = max(0, (i + ½) · in/out − ½),  i₀ = ⌊s⌋,  i₁ = min(i₀ + 1, in − 1),
///                                 v = (1 − λ) v[i₀] + λ v[i₁],  λ = s − i₀   (rows, then columns)
/// nearest                         s = min(⌊i · in/out⌋, in − 1)
/// ```
/// `F.interpolate(..., mode="bilinear")` leaves `align_corners` at None, which is False: pixel centres are aligned,
/// and the output's border pixels repeat the edge values instead of stretching the corners onto the border.
public enum CAMInterpolation: String, Sendable, CaseIterable, Codable {
    /// Bilinear with half-pixel centres (PyTorch's `align_corners=False`): Grad-CAM's upsampling.
    case bilinear
    /// Nearest neighbour (PyTorch's `nearest`): captum `GuidedGradCam`'s default.
    case nearest

    /// `map` (`[height, width]`, row-major) resized to `[outputHeight, outputWidth]`.
    ///
    /// - Precondition: `map.count == height · width`, and every size is positive.
    public func resize(_ map: [Double], height: Int, width: Int, toHeight outputHeight: Int, width outputWidth: Int) -> [Double] {
        precondition(map.count == height * width && height > 0 && width > 0 && outputHeight > 0 && outputWidth > 0,
                     "CAMInterpolation: bad sizes")
        switch self {
        case .nearest:
            let rows = (0..<outputHeight).map { Self.nearest($0, input: height, output: outputHeight) }
            let columns = (0..<outputWidth).map { Self.nearest($0, input: width, output: outputWidth) }
            return rows.flatMap { r in columns.map { c in map[r * width + c] } }
        case .bilinear:
            let rows = (0..<outputHeight).map { Self.linear($0, input: height, output: outputHeight) }
            let columns = (0..<outputWidth).map { Self.linear($0, input: width, output: outputWidth) }
            var out = [Double](repeating: 0, count: outputHeight * outputWidth)
            for (i, r) in rows.enumerated() {
                for (j, c) in columns.enumerated() {
                    let top = (1 - c.weight) * map[r.low * width + c.low] + c.weight * map[r.low * width + c.high]
                    let bottom = (1 - c.weight) * map[r.high * width + c.low] + c.weight * map[r.high * width + c.high]
                    out[i * outputWidth + j] = (1 - r.weight) * top + r.weight * bottom
                }
            }
            return out
        }
    }

    /// The two source indices and the weight of the upper one for output index `i` (half-pixel centres).
    static func linear(_ i: Int, input: Int, output: Int) -> (low: Int, high: Int, weight: Double) {
        let source = Swift.max(0, (Double(i) + 0.5) * Double(input) / Double(output) - 0.5)
        let low = Swift.min(Int(source), input - 1)
        return (low, Swift.min(low + 1, input - 1), source - Double(low))
    }

    /// The source index of output index `i`, computed in Float as PyTorch does for float tensors.
    static func nearest(_ i: Int, input: Int, output: Int) -> Int {
        let scale = Float(input) / Float(output)
        return Swift.min(Int((Float(i) * scale).rounded(.down)), input - 1)
    }
}
