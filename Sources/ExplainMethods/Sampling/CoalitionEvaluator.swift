import ExplainTensor

/// Evaluates the interventional game v(S) = Σ_b w_b f(x_S, b_S̄) for many coalitions, in bounded chunks.
///
/// Each coalition needs one model row per background row. Rows are built and evaluated at most
/// `chunkBudget` scalars (inputs and activations) at a time (at least one coalition per chunk, and with the first-layer
/// shortcut both members of a complement pair), so memory never grows with the number of
/// coalitions; the outputs are reduced over the background in Double right away.
struct CoalitionEvaluator {
    /// The explained row.
    let instance: [Float]
    /// The input column of each player (varying feature).
    let columns: [Int]
    /// The background rows with positive weight, `[backgroundCount × width]` row-major.
    let background: [Float]
    /// Their weights, summing to 1.
    let weights: [Double]
    let width: Int
    let outputCount: Int
    /// The largest number of scalars one model call may touch.
    let chunkBudget: Int
    /// The scalars one model row occupies in a model call: its input and its outputs.
    var rowFootprint: Int = 0
    /// The exact first-layer shortcut, when the predictor is an `AffineInputPredictor` that offers its first layer.
    var shortcut: FirstLayerShortcut? = nil
    /// Called after each model call with the table index of the first coalition not yet evaluated (for progress).
    var progress: ((_ evaluatedUpTo: Int) -> Void)? = nil

    var backgroundCount: Int { weights.count }

    /// The coalitions evaluated per model call.
    var coalitionsPerChunk: Int { max(1, chunkBudget / max(1, backgroundCount * max(width, rowFootprint))) }

    /// Computes v(S) for coalitions `range` of `table`, appending `outputCount` values per coalition to `values`.
    ///
    /// - Returns: the number of model rows evaluated.
    /// - Throws: the predictor's errors, or `ExplainError(.numerical)` when it returns a non-finite value.
    func evaluate(_ table: CoalitionTable, range: Range<Int>, predictor: some BatchPredictor,
                  into values: inout [Double]) throws -> Int {
        var unused: [Double]? = nil
        return try evaluate(table, range: range, predictor: predictor, into: &values, perBackground: &unused)
    }

    /// As `evaluate(_:range:predictor:into:)`, also appending every model output to `perBackground` when it is
    /// not nil, `[coalition × background × outputs]`.
    func evaluate(_ table: CoalitionTable, range: Range<Int>, predictor: some BatchPredictor,
                  into values: inout [Double], perBackground: inout [Double]?) throws -> Int {
        var evaluations = 0
        var start = range.lowerBound
        let k = backgroundCount
        var scratch = [Float](repeating: 0, count: shortcut.map {
            FirstLayerShortcut.scratchSize(background: k, players: columns.count, hidden: $0.hidden)
        } ?? 0)
        while start < range.upperBound {
            var end = min(range.upperBound, start + coalitionsPerChunk)
            // A complement pair stays in one chunk, where its second block is a subtraction.
            if shortcut != nil && end < range.upperBound && endsOnPairStart(table, start..<end) { end += 1 }
            let count = end - start
            let outputs: Tensor
            if let shortcut {
                outputs = try shortcut.rest(preActivations(table, coalitions: start..<end, shortcut, scratch: &scratch))
            } else {
                let rows = rows(table, coalitions: start..<end)
                outputs = try predictor.predict(Tensor(shape: [count * k, width], scalars: rows))
            }
            try checkOutputs(outputs.scalars.count, rows: count * k)
            evaluations += count * k
            try reduce(outputs.scalars, coalitions: count, into: &values)
            if perBackground != nil { perBackground?.append(contentsOf: outputs.scalars.lazy.map { Double($0) }) }
            start = end
            progress?(end)
        }
        return evaluations
    }

    /// The model rows of coalitions `range`: each coalition's block is the background with its players' columns set
    /// to the instance's values.
    private func rows(_ table: CoalitionTable, coalitions range: Range<Int>) -> [Float] {
        let k = backgroundCount, block = k * width, start = range.lowerBound, count = range.count
        // Every scalar is written: each coalition's block starts as a copy of the background.
        let rows = [Float](unsafeUninitializedCapacity: count * block) { out, initialized in
            background.withUnsafeBufferPointer { bg in
                guard let dst = out.baseAddress, let src = bg.baseAddress else { return }
                for c in 0..<count {
                    let base = c * block
                    (dst + base).initialize(from: src, count: block)
                    let maskBase = (start + c) * table.wordCount
                    for w in 0..<table.wordCount {
                        var bits = table.words[maskBase + w]
                        while bits != 0 {
                            let player = 64 * w + bits.trailingZeroBitCount
                            bits &= bits - 1
                            let column = columns[player]
                            let value = instance[column]
                            var index = base + column
                            for _ in 0..<k {
                                dst[index] = value
                                index += width
                            }
                        }
                    }
                }
            }
            initialized = count * block
        }
        return rows
    }

    /// The first layer's pre-activations of coalitions `range` through the exact shortcut, `[count·background × hidden]`.
    private func preActivations(_ table: CoalitionTable, coalitions range: Range<Int>,
                                _ shortcut: FirstLayerShortcut, scratch: inout [Float]) -> Tensor {
        let k = backgroundCount, hidden = shortcut.hidden
        let values = [Float](unsafeUninitializedCapacity: range.count * k * hidden) { out, initialized in
            table.words.withUnsafeBufferPointer { words in
                scratch.withUnsafeMutableBufferPointer { sp in
                    guard let dst = out.baseAddress, let w0 = words.baseAddress, let s0 = sp.baseAddress else { return }
                    var filledPrevious = false
                    for (c, coalition) in range.enumerated() {
                        let block = dst + c * k * hidden
                        // A complement pair's blocks add up to the instance's and background's pre-activations.
                        if filledPrevious && isComplementPair(table, coalition - 1, coalition) {
                            shortcut.complement(of: block - k * hidden, backgroundRows: 0..<k, into: block)
                            filledPrevious = false
                        } else {
                            shortcut.fill(mask: w0 + coalition * table.wordCount, wordCount: table.wordCount,
                                          size: table.sizes[coalition], evaluator: self, scratch: s0, into: block)
                            filledPrevious = true
                        }
                    }
                }
            }
            initialized = range.count * k * hidden
        }
        return Tensor(shape: [range.count * k, hidden], scalars: values)
    }

    /// Whether `chunk`'s last coalition would be filled from W (not as its predecessor's complement, pairing greedily
    /// as `preActivations` does) while the next coalition is its complement.
    private func endsOnPairStart(_ table: CoalitionTable, _ chunk: Range<Int>) -> Bool {
        var filledLast = false
        for coalition in chunk {
            filledLast = !(filledLast && isComplementPair(table, coalition - 1, coalition))
        }
        return filledLast && isComplementPair(table, chunk.upperBound - 1, chunk.upperBound)
    }

    /// The raw model outputs at the instance and the background mean E f = Σ_b w_b f(b), from one model call, and
    /// f(b) for every background row, `[background × outputs]`.
    func endpoints(predictor: some BatchPredictor) throws
        -> (instance: [Double], mean: [Double], perBackground: [Double]) {
        var rows = instance
        rows.append(contentsOf: background)
        let out = try predictor.predict(Tensor(shape: [backgroundCount + 1, width], scalars: rows)).scalars
        try checkOutputs(out.count, rows: backgroundCount + 1)
        let atInstance = (0..<outputCount).map { Double(out[$0]) }
        var mean = [Double]()
        try reduce(Array(out[outputCount...]), coalitions: 1, into: &mean)
        guard atInstance.allSatisfy({ $0.isFinite }) else {
            throw ExplainError(.numerical, "the model returned a non-finite output for the explained row")
        }
        return (atInstance, mean, out[outputCount...].map { Double($0) })
    }

    /// Whether a coalition of `size` players is nearer the instance than the background, so that its rows are best
    /// built from x by changing its absent players rather than from b by changing its present ones.
    @inline(__always)
    func startsFromInstance(size: Int) -> Bool { 2 * size > columns.count }

    /// Calls `body` with the input column of every player on the smaller side of coalition `mask`: the absent
    /// players when `fromInstance`, else the present ones.
    @inline(__always)
    func forEachChangedColumn(mask: UnsafePointer<UInt64>, wordCount: Int, fromInstance: Bool, _ body: (Int) -> Void) {
        let players = columns.count
        let lastBits = players % 64 == 0 ? ~UInt64(0) : (UInt64(1) << UInt64(players % 64)) - 1
        for w in 0..<wordCount {
            var bits = mask[w]
            if fromInstance { bits = ~bits & (w == wordCount - 1 ? lastBits : ~0) }
            while bits != 0 {
                body(columns[64 * w + bits.trailingZeroBitCount])
                bits &= bits - 1
            }
        }
    }

    /// Whether coalitions `a` and `b` of `table` are complements over the players.
    func isComplementPair(_ table: CoalitionTable, _ a: Int, _ b: Int) -> Bool {
        let players = columns.count, words = table.wordCount
        for w in 0..<words {
            let bits = w == words - 1 && players % 64 != 0 ? (UInt64(1) << UInt64(players % 64)) - 1 : ~UInt64(0)
            guard table.words[a * words + w] ^ table.words[b * words + w] == bits else { return false }
        }
        return true
    }

    /// Throws `ExplainError(.callback)` unless a model call on `rows` rows returned `outputCount` values per row.
    func checkOutputs(_ count: Int, rows: Int) throws {
        guard count == rows * outputCount else {
            throw ExplainError(.callback, "the model returned \(count) values for \(rows) rows, expected \(outputCount) per row")
        }
    }

    /// Appends Σ_b w_b f_o(row) for each of `coalitions` consecutive blocks of background rows.
    private func reduce(_ outputs: [Float], coalitions: Int, into values: inout [Double]) throws {
        let k = backgroundCount
        var sums = [Double](repeating: 0, count: outputCount)
        for c in 0..<coalitions {
            for o in 0..<outputCount { sums[o] = 0 }
            for b in 0..<k {
                let w = weights[b]
                let base = (c * k + b) * outputCount
                for o in 0..<outputCount { sums[o] += w * Double(outputs[base + o]) }
            }
            guard sums.allSatisfy({ $0.isFinite }) else {
                throw ExplainError(.numerical, "the model returned a non-finite output on a perturbed row")
            }
            values.append(contentsOf: sums)
        }
    }
}
