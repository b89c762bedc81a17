extension Tensor {
    /// Applies `body` to every scalar.
    @inlinable public func map(_ body: (Float) -> Float) -> Tensor {
        var out = scalars
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count { o[i] = body(o[i]) }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Combines two tensors of the same shape scalar by scalar.
    @inlinable public func zip(_ other: Tensor, _ body: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "Tensor.zip: shapes \(shape) and \(other.shape)")
        var out = scalars
        out.withUnsafeMutableBufferPointer { o in
            other.scalars.withUnsafeBufferPointer { b in
                for i in 0..<o.count { o[i] = body(o[i], b[i]) }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.zip(b, +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.zip(b, -) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.zip(b, *) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }

    /// Adds `other` into `self` in place (used to accumulate gradients).
    public mutating func add(_ other: Tensor) {
        precondition(scalars.count == other.scalars.count, "Tensor.add: sizes differ")
        scalars.withUnsafeMutableBufferPointer { o in
            other.scalars.withUnsafeBufferPointer { b in
                for i in 0..<o.count { o[i] += b[i] }
            }
        }
    }

    /// The sum of all scalars, accumulated in Double.
    public func sum() -> Double { scalars.reduce(0.0) { $0 + Double($1) } }

    /// The largest absolute value, or 0 for an empty tensor.
    public func maxAbs() -> Float { scalars.reduce(0) { Swift.max($0, Swift.abs($1)) } }

    /// The Euclidean norm, accumulated in Double.
    public func norm() -> Double { scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }

    /// True when every scalar is finite.
    public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }

    /// The index of the largest value in each row of a `[N, K]` tensor.
    public func argmaxPerRow() -> [Int] {
        let w = sampleCount
        return (0..<batchSize).map { r in
            var best = 0
            for j in 1..<Swift.max(w, 1) where scalars[r * w + j] > scalars[r * w + best] { best = j }
            return best
        }
    }

    /// Column sums of a `[N, K]` tensor, giving `[K]`.
    public func sumOverBatch() -> Tensor {
        let w = sampleCount
        var out = [Float](repeating: 0, count: w)
        for r in 0..<batchSize { for j in 0..<w { out[j] += scalars[r * w + j] } }
        return Tensor(shape: sampleShape, scalars: out)
    }
}
