extension Broadcast.Operation {
    /// a ∘ b over `target`, reading `a` and `b` through their broadcast strides (`BroadcastIndexing.strides`).
    func combine(_ a: [Float], _ b: [Float], target: [Int], _ stridesA: [Int], _ stridesB: [Int]) -> [Float] {
        let count = target.reduce(1, *)
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                [Float](unsafeUninitializedCapacity: count) { out, initialized in
                    // Equal shapes (both operands full size, so both contiguous): one plain loop.
                    if pa.count == count && pb.count == count {
                        switch self {
                        case .add: for o in 0..<count { out[o] = pa[o] + pb[o] }
                        case .sub: for o in 0..<count { out[o] = pa[o] - pb[o] }
                        case .mul: for o in 0..<count { out[o] = pa[o] * pb[o] }
                        case .div: for o in 0..<count { out[o] = pa[o] / pb[o] }
                        }
                        initialized = count
                        return
                    }
                    switch self {
                    case .add: BroadcastIndexing.forEach(target, stridesA, stridesB) { o, i, j in out[o] = pa[i] + pb[j] }
                    case .sub: BroadcastIndexing.forEach(target, stridesA, stridesB) { o, i, j in out[o] = pa[i] - pb[j] }
                    case .mul: BroadcastIndexing.forEach(target, stridesA, stridesB) { o, i, j in out[o] = pa[i] * pb[j] }
                    case .div: BroadcastIndexing.forEach(target, stridesA, stridesB) { o, i, j in out[o] = pa[i] / pb[j] }
                    }
                    initialized = count
                }
            }
        }
    }

    /// The gradients of Σ g ⊙ (a ∘ b) with respect to `a` and `b`, each summed over the axes along which it was
    /// stretched to `target`; a gradient that is not needed is returned empty.
    ///
    /// ```
    /// add: (g, g)    sub: (g, −g)    mul: (g·b, g·a)    div: (g / b, −(g / b)·(a / b))
    /// ```
    func gradients(_ g: [Float], _ a: [Float], _ b: [Float], target: [Int], _ stridesA: [Int], _ stridesB: [Int],
                   needsFirst: Bool, needsSecond: Bool) -> (first: [Float], second: [Float]) {
        var da = [Float](repeating: 0, count: needsFirst ? a.count : 0)
        var db = [Float](repeating: 0, count: needsSecond ? b.count : 0)
        g.withUnsafeBufferPointer { pg in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    da.withUnsafeMutableBufferPointer { ga in
                        db.withUnsafeMutableBufferPointer { gb in
                            BroadcastIndexing.forEach(target, stridesA, stridesB) { o, i, j in
                                let v = pg[o]
                                let (first, second): (Float, Float)
                                switch self {
                                case .add: (first, second) = (v, v)
                                case .sub: (first, second) = (v, -v)
                                case .mul: (first, second) = (v * pb[j], v * pa[i])
                                case .div:
                                    let q = v / pb[j]
                                    (first, second) = (q, -q * (pa[i] / pb[j]))
                                }
                                if needsFirst { ga[i] += first }
                                if needsSecond { gb[j] += second }
                            }
                        }
                    }
                }
            }
        }
        return (da, db)
    }
}
