/// A dense Float32 tensor stored row-major, batch first (`[N, features]` or `[N, C, H, W]`).
///
/// `Tensor` is a value type backed by a copy-on-write array, so it is `Sendable` and cheap to pass around.
/// The first dimension is the batch; `sampleShape` is the shape of one row.
public struct Tensor: Sendable, Equatable {
    /// The dimensions, outermost first.
    public var shape: [Int]
    /// The values in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float]

    /// Creates a tensor from a shape and matching scalars.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count, "Tensor: \(scalars.count) scalars for shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor filled with one value.
    public init(shape: [Int], repeating value: Float = 0) {
        self.shape = shape
        self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// Creates a `[rows.count, width]` batch from rows of equal length.
    public init(rows: [[Float]]) {
        let width = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == width }, "Tensor(rows:): ragged rows")
        self.shape = [rows.count, width]
        self.scalars = rows.flatMap { $0 }
    }

    /// The number of scalars.
    @inlinable public var count: Int { scalars.count }
    /// The size of the first (batch) dimension.
    @inlinable public var batchSize: Int { shape.first ?? 0 }
    /// The shape of one batch element.
    @inlinable public var sampleShape: [Int] { Array(shape.dropFirst()) }
    /// The number of scalars in one batch element.
    @inlinable public var sampleCount: Int { shape.dropFirst().reduce(1, *) }

    /// The same scalars viewed with another shape of equal size.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Row `i` of the batch, as a flat array.
    public func row(_ i: Int) -> [Float] {
        let w = sampleCount
        return Array(scalars[(i * w)..<((i + 1) * w)])
    }

    /// All rows of the batch, as flat arrays.
    public var rows: [[Float]] { (0..<batchSize).map(row) }

    /// Rows `range` of the batch.
    public func rows(_ range: Range<Int>) -> Tensor {
        let w = sampleCount
        var s = shape
        s[0] = range.count
        return Tensor(shape: s, scalars: Array(scalars[(range.lowerBound * w)..<(range.upperBound * w)]))
    }

    /// Concatenates batches of the same sample shape.
    public static func concatenating(_ parts: [Tensor]) -> Tensor {
        guard let first = parts.first else { return Tensor(shape: [0], scalars: []) }
        var s = first.shape
        s[0] = parts.reduce(0) { $0 + $1.batchSize }
        var out = [Float]()
        out.reserveCapacity(s.reduce(1, *))
        for p in parts { out.append(contentsOf: p.scalars) }
        return Tensor(shape: s, scalars: out)
    }
}
