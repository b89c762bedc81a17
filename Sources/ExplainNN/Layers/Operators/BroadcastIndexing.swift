/// numpy broadcasting on row-major buffers: the broadcast shape, the strides that read an operand stretched to it, and
/// a loop that visits every output offset with the offsets of both operands.
enum BroadcastIndexing {
    /// The numpy broadcast of two shapes (aligned on the right; an axis of size 1 stretches to the other's size), or
    /// nil when some aligned sizes differ and neither is 1.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var out: [Int] = []
        out.reserveCapacity(rank)
        for (x, y) in zip(padded(a, to: rank), padded(b, to: rank)) {
            guard x == y || x == 1 || y == 1 else { return nil }
            out.append(x == 1 ? y : x)
        }
        return out
    }

    /// `shape` with 1s put before it up to `rank` axes.
    static func padded(_ shape: [Int], to rank: Int) -> [Int] {
        [Int](repeating: 1, count: max(rank - shape.count, 0)) + shape
    }

    /// The row-major strides of `shape` (of the same rank as the broadcast result), 0 along its axes of size 1.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = shape[axis] == 1 ? 0 : step
            step *= shape[axis]
        }
        return strides
    }

    /// Calls `body(output offset, offset in a, offset in b)` for every element of `target` in row-major order, where
    /// `stridesA` and `stridesB` (from `strides(_:)`) read the operands stretched to `target`.
    @inline(__always)
    static func forEach(_ target: [Int], _ stridesA: [Int], _ stridesB: [Int], _ body: (Int, Int, Int) -> Void) {
        let count = target.reduce(1, *)
        guard let width = target.last else {
            body(0, 0, 0)
            return
        }
        guard count > 0 else { return }
        let last = target.count - 1, innerA = stridesA[last], innerB = stridesB[last]
        var index = [Int](repeating: 0, count: last)
        var baseA = 0, baseB = 0, o = 0
        while o < count {
            var ia = baseA, ib = baseB
            for _ in 0..<width {
                body(o, ia, ib)
                o += 1
                ia += innerA
                ib += innerB
            }
            var axis = last - 1
            while axis >= 0 {
                index[axis] += 1
                baseA += stridesA[axis]
                baseB += stridesB[axis]
                if index[axis] < target[axis] { break }
                baseA -= stridesA[axis] * target[axis]
                baseB -= stridesB[axis] * target[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
