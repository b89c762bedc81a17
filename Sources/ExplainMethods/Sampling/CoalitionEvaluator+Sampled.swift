import ExplainTensor

extension CoalitionEvaluator {
    /// Estimates v(S) for coalitions `range` of `table` from a few background rows each, with the control variate.
    ///
    /// Coalition i is evaluated on the background rows `draws[(i − firstSampled)·perCoalition ..< +perCoalition]`,
    /// drawn with probabilities q_b. `values` gets the mean over them of y₀ − Σ_k β_k e^k(S, b) with
    /// y₀ = ρ_b f(x_S, b_S̄) + f̄ − ρ_b f(b), the corrections e^k and β = `control.mix` (`BackgroundControlVariate`);
    /// its expectation over the draws is v(S). With `keepParts`, each coalition's mean y₀ and e^k are appended to
    /// `parts` too, `[outputs × (1 + components)]` per coalition. Rows are evaluated in chunks under `chunkBudget` like the
    /// full-background path, except that a complement pair is never split (`sampledOutputs`).
    ///
    /// - Returns: the number of model rows evaluated.
    /// - Throws: the predictor's errors, or `ExplainError(.numerical)` when it returns a non-finite value.
    func evaluate(_ table: CoalitionTable, range: Range<Int>, draws: [Int32], firstSampled: Int, perCoalition m: Int,
                  control: BackgroundControlVariate, predictor: some BatchPredictor,
                  into values: inout [Double], parts: inout [Double], keepParts: Bool) throws -> Int {
        precondition(range.lowerBound >= firstSampled && (range.upperBound - firstSampled) * m <= draws.count)
        let perChunk = max(1, chunkBudget / max(1, m * max(width, rowFootprint)))
        var evaluations = 0
        var start = range.lowerBound
        let nK = control.components
        let inverseCount = 1 / Double(m)
        // y₀, the corrections, m^k(S) and scratch.
        var sums = [Double](repeating: 0, count: outputCount * (1 + 3 * nK))
        while start < range.upperBound {
            var end = min(range.upperBound, start + perChunk)
            // Keep complement pairs (added one after the other) in one chunk.
            if end < range.upperBound && (end - firstSampled) % 2 == 1 { end += 1 }
            let count = end - start
            let outputs = try sampledOutputs(table, start: start, count: count, draws: draws,
                                             firstSampled: firstSampled, perCoalition: m, predictor: predictor)
            try checkOutputs(outputs.count, rows: count * m)
            evaluations += count * m
            try table.words.withUnsafeBufferPointer { words in
                try sums.withUnsafeMutableBufferPointer { sp in
                    guard let w0 = words.baseAddress, let s0 = sp.baseAddress else { return }
                    let nO = outputCount, width = nO * nK, stored = nO + width
                    let corrections = s0 + nO, means = corrections + width, scratch = means + width
                    let mix = control.mix
                    for c in 0..<count {
                        let coalition = start + c
                        let mask = w0 + coalition * table.wordCount, size = table.sizes[coalition]
                        for j in 0..<stored { s0[j] = 0 }
                        control.meanGame(mask: mask, wordCount: table.wordCount, size: size, into: means)
                        for j in 0..<m {
                            let b = Int(draws[(coalition - firstSampled) * m + j])
                            let ratio = control.ratios[b]
                            for o in 0..<nO { s0[o] += ratio * Double(outputs[(c * m + j) * nO + o]) }
                            control.addParts(background: b, mask: mask, wordCount: table.wordCount, size: size,
                                             meanGame: means, scratch: scratch, base: s0, corrections: corrections)
                        }
                        if m > 1 { for j in 0..<stored { s0[j] *= inverseCount } }
                        for o in 0..<nO {
                            var correction = 0.0
                            for k in 0..<nK { correction += mix[o * nK + k] * corrections[o * nK + k] }
                            let value = s0[o] - correction
                            guard value.isFinite else {
                                throw ExplainError(.numerical, "the model returned a non-finite output on a perturbed row")
                            }
                            values.append(value)
                        }
                        if keepParts { parts.append(contentsOf: UnsafeBufferPointer(start: s0, count: stored)) }
                    }
                }
            }
            start = end
            progress?(end)
        }
        return evaluations
    }
}
