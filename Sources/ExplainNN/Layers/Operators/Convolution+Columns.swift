import ExplainTensor

/// The products of `Convolution`: im2col per sample and group, sgemm, and col2im for the input gradient.
extension Convolution {
    /// The output `[N, M, OH, OW]` of `x`, bias included.
    func forward(_ x: [Float], batch n: Int, _ plan: Plan) -> [Float] {
        let filters = weight.shape[0], p = plan.positions, k = plan.patch
        var out = [Float](repeating: 0, count: n * filters * p)
        guard !out.isEmpty, k > 0 else { return out }
        var cols = [Float](repeating: 0, count: k * p)
        out.withUnsafeMutableBufferPointer { o in
            if let bias {
                for s in 0..<n { for f in 0..<filters { (o.baseAddress! + (s * filters + f) * p).update(repeating: bias.scalars[f], count: p) } }
            }
            x.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { w in
                    cols.withUnsafeMutableBufferPointer { c in
                        for s in 0..<n {
                            for g in 0..<group {
                                let sample = x.baseAddress! + (s * plan.channels + g * plan.groupChannels) * plan.height * plan.width
                                Convolution.im2col(sample, plan, window, into: c.baseAddress!)
                                BLAS.gemm(w.baseAddress! + g * plan.groupFilters * k, c.baseAddress!,
                                          o.baseAddress! + (s * filters + g * plan.groupFilters) * p,
                                          m: plan.groupFilters, n: p, k: k, beta: 1)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The input, weight and bias gradients from the output gradient `g`; those not asked for are empty.
    func backward(_ g: [Float], input x: [Float], batch n: Int, _ plan: Plan, needsInput: Bool, needsParameters: Bool)
        -> (input: [Float], weight: [Float], bias: [Float]) {
        let filters = weight.shape[0], p = plan.positions, k = plan.patch, planeSize = plan.height * plan.width
        var dx = [Float](repeating: 0, count: needsInput ? x.count : 0)
        var dw = [Float](repeating: 0, count: needsParameters ? weight.count : 0)
        var db = [Float](repeating: 0, count: needsParameters && bias != nil ? filters : 0)
        guard !g.isEmpty, k > 0 else { return (dx, dw, db) }
        if !db.isEmpty {
            for s in 0..<n { for f in 0..<filters { for q in 0..<p { db[f] += g[(s * filters + f) * p + q] } } }
        }
        var cols = [Float](repeating: 0, count: k * p)
        g.withUnsafeBufferPointer { gy in
            x.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { w in
                    cols.withUnsafeMutableBufferPointer { c in
                        for s in 0..<n {
                            for block in 0..<group {
                                let offset = (s * plan.channels + block * plan.groupChannels) * planeSize
                                let gradient = gy.baseAddress! + (s * filters + block * plan.groupFilters) * p
                                if needsParameters {
                                    Convolution.im2col(x.baseAddress! + offset, plan, window, into: c.baseAddress!)
                                    dw.withUnsafeMutableBufferPointer { d in
                                        BLAS.gemm(gradient, c.baseAddress!, d.baseAddress! + block * plan.groupFilters * k,
                                                  m: plan.groupFilters, n: k, k: p, transposeB: true, beta: 1)
                                    }
                                }
                                guard needsInput else { continue }
                                BLAS.gemm(w.baseAddress! + block * plan.groupFilters * k, gradient, c.baseAddress!,
                                          m: k, n: p, k: plan.groupFilters, transposeA: true)
                                dx.withUnsafeMutableBufferPointer { d in
                                    Convolution.col2im(UnsafePointer(c.baseAddress!), plan, window, into: d.baseAddress! + offset)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, dw, db)
    }

    /// The patches of one group of one sample as columns: row (c, ky, kx) of the `[patch, OH·OW]` matrix holds that
    /// tap's input value at every output position, 0 where it falls in the padding.
    static func im2col(_ x: UnsafePointer<Float>, _ plan: Plan, _ window: WindowGeometry, into cols: UnsafeMutablePointer<Float>) {
        forEachTapRow(plan, window, cols) { row, source, x0 in
            let (ow, sw, w) = (plan.outputWidth, window.strides[1], plan.width)
            guard let source else { row.update(repeating: 0, count: ow); return }
            let line = x + source
            for ox in 0..<ow {
                let ix = ox * sw + x0
                row[ox] = ix >= 0 && ix < w ? line[ix] : 0
            }
        }
    }

    /// The adjoint of `im2col`: adds every column entry back onto the input cell it was read from.
    static func col2im(_ cols: UnsafePointer<Float>, _ plan: Plan, _ window: WindowGeometry, into x: UnsafeMutablePointer<Float>) {
        forEachTapRow(plan, window, UnsafeMutablePointer(mutating: cols)) { row, source, x0 in
            guard let source else { return }
            let (ow, sw, w) = (plan.outputWidth, window.strides[1], plan.width)
            let line = x + source
            for ox in 0..<ow {
                let ix = ox * sw + x0
                if ix >= 0 && ix < w { line[ix] += row[ox] }
            }
        }
    }

    /// Visits every (tap, output row) pair: `body(its OW entries in the column matrix, the offset of the input row it
    /// reads or nil in the padding, the input column of output column 0)`.
    @inline(__always)
    static func forEachTapRow(_ plan: Plan, _ window: WindowGeometry, _ cols: UnsafeMutablePointer<Float>,
                              _ body: (UnsafeMutablePointer<Float>, Int?, Int) -> Void) {
        let (kh, kw) = (window.kernel[0], window.kernel[1]), p = plan.positions
        for c in 0..<plan.groupChannels {
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let row = cols + ((c * kh + ky) * kw + kx) * p
                    let x0 = kx * window.dilations[1] - window.padsBegin[1]
                    for oy in 0..<plan.outputHeight {
                        let iy = window.start(oy, axis: 0) + ky * window.dilations[0]
                        let inside = iy >= 0 && iy < plan.height
                        body(row + oy * plan.outputWidth, inside ? (c * plan.height + iy) * plan.width : nil, x0)
                    }
                }
            }
        }
    }
}
