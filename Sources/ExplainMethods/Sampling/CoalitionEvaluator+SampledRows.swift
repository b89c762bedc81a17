import ExplainTensor

extension CoalitionEvaluator {
    /// The model outputs of coalitions `start ..< start + count`, each on its `m` drawn background rows,
    /// `[count·m × outputs]` in coalition order.
    ///
    /// With the first-layer shortcut, a complement pair shares its drawn rows, and (x_S, b_S̄) + (x_S̄, b_S) = x + b,
    /// so only the first member's rows are built and multiplied by W: the partner's pre-activations are
    /// (W·x + c) + (W·b + c) minus the member's (`FirstLayerShortcut.complement`). Coalitions whose partner is not
    /// next to them in the chunk are evaluated on their own rows.
    func sampledOutputs(_ table: CoalitionTable, start: Int, count: Int, draws: [Int32], firstSampled: Int,
                        perCoalition m: Int, predictor: some BatchPredictor) throws -> [Float] {
        guard let shortcut else {
            let rows = inputRows(table, coalitions: Array(start..<(start + count)), draws: draws,
                                 firstSampled: firstSampled, perCoalition: m)
            return try predictor.predict(Tensor(shape: [count * m, width], scalars: rows)).scalars
        }
        // Coalitions whose rows are built, and the partners that follow them.
        var built = [Int](), partners = [Int]()
        built.reserveCapacity(count)
        partners.reserveCapacity(count / 2)
        var c = start
        while c < start + count {
            if c + 1 < start + count && isComplementPair(table, c, c + 1, draws: draws, firstSampled: firstSampled,
                                                         perCoalition: m) {
                built.append(c)
                partners.append(c + 1)
                c += 2
            } else {
                built.append(c)
                c += 1
            }
        }
        let hidden = shortcut.hidden, builtRows = built.count * m, total = count * m
        let rows = inputRows(table, coalitions: built, draws: draws, firstSampled: firstSampled, perCoalition: m)
        // Pre-activations: the built rows first, then the partners' rows in `partners` order.
        let pre = [Float](unsafeUninitializedCapacity: total * hidden) { out, initialized in
            rows.withUnsafeBufferPointer { rp in
                guard let r0 = rp.baseAddress, let o0 = out.baseAddress else { return }
                shortcut.preActivations(of: r0, count: builtRows, width: width, into: o0)
                // A pair's first member is built right before the next built coalition, in `built` order.
                var position = 0
                for (k, partner) in partners.enumerated() {
                    while built[position] != partner - 1 { position += 1 }
                    for j in 0..<m {
                        let b = Int(draws[(partner - firstSampled) * m + j])
                        shortcut.complement(of: o0 + (position * m + j) * hidden, background: b,
                                            into: o0 + (builtRows + k * m + j) * hidden)
                    }
                }
            }
            initialized = total * hidden
        }
        let outputs = try shortcut.rest(Tensor(shape: [total, hidden], scalars: pre)).scalars
        try checkOutputs(outputs.count, rows: total)
        // Back to coalition order.
        let nO = outputCount
        var ordered = [Float](repeating: 0, count: total * nO)
        func place(_ coalition: Int, from slot: Int) {
            let source = slot * m * nO, target = (coalition - start) * m * nO
            for i in 0..<(m * nO) { ordered[target + i] = outputs[source + i] }
        }
        for (slot, coalition) in built.enumerated() { place(coalition, from: slot) }
        for (k, coalition) in partners.enumerated() { place(coalition, from: built.count + k) }
        return ordered
    }

    /// Whether coalitions `a` and `b` are complements over the players with the same drawn rows.
    private func isComplementPair(_ table: CoalitionTable, _ a: Int, _ b: Int, draws: [Int32], firstSampled: Int,
                                  perCoalition m: Int) -> Bool {
        guard isComplementPair(table, a, b) else { return false }
        for j in 0..<m where draws[(a - firstSampled) * m + j] != draws[(b - firstSampled) * m + j] { return false }
        return true
    }

    /// The input rows of `coalitions`, each on its `m` drawn background rows, `[coalitions·m × width]`. Each row
    /// starts from whichever of b and x it shares more columns with (non-players are equal in both).
    private func inputRows(_ table: CoalitionTable, coalitions: [Int], draws: [Int32], firstSampled: Int,
                           perCoalition m: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: coalitions.count * m * width) { out, initialized in
            background.withUnsafeBufferPointer { bg in
                instance.withUnsafeBufferPointer { xp in
                    table.words.withUnsafeBufferPointer { words in
                        guard let dst = out.baseAddress, let src = bg.baseAddress, let x0 = xp.baseAddress,
                              let w0 = words.baseAddress else { return }
                        for (c, coalition) in coalitions.enumerated() {
                            let mask = w0 + coalition * table.wordCount
                            let fromInstance = startsFromInstance(size: table.sizes[coalition])
                            for j in 0..<m {
                                let b = src + Int(draws[(coalition - firstSampled) * m + j]) * width
                                let row = dst + (c * m + j) * width
                                row.initialize(from: fromInstance ? x0 : b, count: width)
                                let patch = fromInstance ? b : x0
                                forEachChangedColumn(mask: mask, wordCount: table.wordCount,
                                                     fromInstance: fromInstance) { row[$0] = patch[$0] }
                            }
                        }
                    }
                }
            }
            initialized = coalitions.count * m * width
        }
    }
}
