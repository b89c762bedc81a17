@testable import ExplainMethods
import ExplainTensor
import Testing

@Suite("Background control variate and importance draws")
struct BackgroundControlVariateTests {
    /// Random first- and last-order values for `players` × `rows` × 2 outputs, and random weights.
    static func inputs(players: Int, rows: Int, seed: UInt64)
        -> (first: [Double], last: [Double], instance: [Double], baselines: [Double], weights: [Double]) {
        var rng = SplitMix64(seed: seed)
        let first = (0..<(players * rows * 2)).map { _ in rng.nextNormal() }
        let last = (0..<(players * rows * 2)).map { _ in rng.nextNormal() }
        let baselines = (0..<(rows * 2)).map { _ in rng.nextNormal() }
        let raw = (0..<rows).map { _ in 0.1 + rng.nextUniform() }
        let total = raw.reduce(0, +)
        return (first, last, [rng.nextNormal(), rng.nextNormal()], baselines, raw.map { $0 / total })
    }

    /// Random inputs and the control variate built from them.
    static func controlVariate(players: Int, rows: Int, seed: UInt64)
        -> (data: (first: [Double], last: [Double], instance: [Double], baselines: [Double], weights: [Double]),
            cv: BackgroundControlVariate) {
        let d = inputs(players: players, rows: rows, seed: seed)
        return (d, BackgroundControlVariate(first: d.first, last: d.last, instance: d.instance, baselines: d.baselines,
                                            weights: d.weights))
    }

    /// y(S, b) − ρ_b f(x_S, b_S̄) for one background row and a one-word mask, per output: the shift f̄ − ρ_b f(b) less
    /// Σ_k β_k e^k with the control variate's own β (`mix`).
    static func correction(_ cv: BackgroundControlVariate, background b: Int, mask: UInt64, size: Int) -> [Double] {
        let n = cv.outputCount, width = n * cv.components
        var base = [Double](repeating: 0, count: n)
        var buffer = [Double](repeating: 0, count: 3 * width)
        withUnsafePointer(to: mask) { m in
            base.withUnsafeMutableBufferPointer { bp in
                buffer.withUnsafeMutableBufferPointer { s in
                    guard let b0 = bp.baseAddress, let s0 = s.baseAddress else { return }
                    cv.meanGame(mask: m, wordCount: 1, size: size, into: s0 + width)
                    cv.addParts(background: b, mask: m, wordCount: 1, size: size, meanGame: s0 + width,
                                scratch: s0 + 2 * width, base: b0, corrections: s0)
                }
            }
        }
        var out = base
        for o in 0..<n {
            for k in 0..<cv.components {
                let j = o * cv.components + k
                out[o] -= cv.mix[j] * buffer[j]
            }
        }
        return out
    }

    @Test("draw probabilities sum to 1, keep every weighted row, and are the weights when effects agree")
    func drawWeights() {
        let (players, rows) = (7, 9)
        let d = Self.inputs(players: players, rows: rows, seed: 1)
        let q = BackgroundDraws.importance(first: d.first, last: d.last, instance: d.instance,
                                           baselines: d.baselines, weights: d.weights)
        #expect(abs(q.reduce(0, +) - 1) < 1e-12)
        #expect(q.allSatisfy { $0 > 0 })
        // Additive rows: f(x_{−i}, b_i) = f(x) − (f(x_i, b_{−i}) − f(b)), so both effects agree and q = w.
        var agreeing = d.last
        for p in 0..<players {
            for b in 0..<rows {
                for o in 0..<2 {
                    let k = (p * rows + b) * 2 + o
                    agreeing[k] = d.instance[o] - (d.first[k] - d.baselines[b * 2 + o])
                }
            }
        }
        let same = BackgroundDraws.importance(first: d.first, last: agreeing, instance: d.instance,
                                              baselines: d.baselines, weights: d.weights)
        #expect(zip(same, d.weights).allSatisfy { abs($0 - $1) < 1e-15 })
    }

    @Test("the correction is (w/q)(ḡ − g_b) + (1 − w/q)ḡ from the definition of g_b, on S and through its complement")
    func correctionMatchesDefinition() {
        let (players, rows) = (9, 6)
        let (d, cv) = Self.controlVariate(players: players, rows: rows, seed: 2)
        // c_{b,i} from its definition.
        func slope(_ b: Int, _ i: Int, _ o: Int) -> Double {
            func half(_ p: Int) -> Double {
                let k = (p * rows + b) * 2 + o
                return 0.5 * ((d.first[k] - d.baselines[b * 2 + o]) + (d.instance[o] - d.last[k]))
            }
            let remainder = d.instance[o] - d.baselines[b * 2 + o] - (0..<players).reduce(0.0) { $0 + half($1) }
            return half(i) + remainder / Double(players)
        }
        func g(_ b: Int, _ members: [Int], _ o: Int) -> Double {
            d.baselines[b * 2 + o] + members.reduce(0.0) { $0 + slope(b, $1, o) }
        }
        var rng = SplitMix64(seed: 3)
        for _ in 0..<20 {
            let members = (0..<players).filter { _ in rng.nextUniform() < 0.5 }
            var mask: UInt64 = 0
            for p in members { mask |= 1 << UInt64(p) }
            for b in 0..<rows {
                let sums = Self.correction(cv, background: b, mask: mask, size: members.count)
                for o in 0..<2 {
                    let mean = (0..<rows).reduce(0.0) { $0 + d.weights[$1] * g($1, members, o) }
                    let ratio = d.weights[b] / cv.drawWeights[b]
                    let expected = ratio * (mean - g(b, members, o)) + (1 - ratio) * mean
                    #expect(abs(sums[o] - expected) < 1e-10, "size \(members.count), row \(b)")
                }
            }
        }
    }

    @Test("drawn by q, the corrected value's expectation is v(S) = Σ_b w_b f_b for any f and any mix β")
    func unbiased() {
        let rows = 8
        let (d, half) = Self.controlVariate(players: 5, rows: rows, seed: 4)
        var rng = SplitMix64(seed: 5)
        let f = (0..<rows).map { _ in rng.nextNormal() }
        let truth = zip(d.weights, f).reduce(0.0) { $0 + $1.0 * $1.1 }
        let beta = [0.3, 0.9, -1.2, 2.5, 0.4, -0.7, 1.6, 0.2, -2.1, 0.8]
        for cv in [half, half.mixed(beta), half.mixed([Double](repeating: 0, count: 10))] {
            for mask: UInt64 in [0b10110, 0b00001, 0b11101] {
                var expectation = 0.0
                for b in 0..<rows {
                    let sums = Self.correction(cv, background: b, mask: mask, size: mask.nonzeroBitCount)
                    expectation += cv.drawWeights[b] * (cv.ratios[b] * f[b] + sums[0])
                }
                #expect(abs(expectation - truth) < 1e-12, "mix \(cv.mix), mask \(mask)")
            }
        }
    }

    @Test("mixed(β) gives the five components combined with β, on S and through its complement")
    func mixedMatchesCombination() {
        let (players, rows) = (9, 6)
        let (_, cv) = Self.controlVariate(players: players, rows: rows, seed: 6)
        #expect(cv.components == 5 && cv.mix == [0.5, 0.5, 0, 0, 0, 0.5, 0.5, 0, 0, 0])
        let beta = [0.2, 1.1, 0.7, -0.4, 0.3, -0.9, 0.5, 1.3, 0.05, -0.6]
        let mixed = cv.mixed(beta)
        #expect(mixed.components == 1 && mixed.mix == [1, 1])
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20 {
            let mask = UInt64(rng.nextInt(below: 1 << players))
            let size = mask.nonzeroBitCount
            for b in 0..<rows {
                // Both components' corrections from the two-component variate, combined by hand.
                var base = [0.0, 0.0], corrections = [Double](repeating: 0, count: 10)
                var means = corrections, scratch = corrections
                withUnsafePointer(to: mask) { m in
                    means.withUnsafeMutableBufferPointer { mp in
                        guard let m0 = mp.baseAddress else { return }
                        cv.meanGame(mask: m, wordCount: 1, size: size, into: m0)
                    }
                    cv.addParts(background: b, mask: m, wordCount: 1, size: size, meanGame: means, scratch: &scratch,
                                base: &base, corrections: &corrections)
                }
                var expected = base
                for j in 0..<10 { expected[j / 5] -= beta[j] * corrections[j] }
                let got = Self.correction(mixed, background: b, mask: mask, size: size)
                for o in 0..<2 { #expect(abs(got[o] - expected[o]) < 1e-12, "size \(size), row \(b)") }
            }
        }
    }

    @Test("each component is its additive game: first- and last-order effects with their remainders, and the even games")
    func componentsMatchDefinitions() {
        let (players, rows) = (8, 5)
        let (d, cv) = Self.controlVariate(players: players, rows: rows, seed: 8)
        // c^k_{b,i} for the five games, from their definitions.
        func slope(_ k: Int, _ b: Int, _ i: Int, _ o: Int) -> Double {
            let gap = d.instance[o] - d.baselines[b * 2 + o]
            func first(_ p: Int) -> Double { d.first[(p * rows + b) * 2 + o] - d.baselines[b * 2 + o] }
            func last(_ p: Int) -> Double { d.instance[o] - d.last[(p * rows + b) * 2 + o] }
            let firstTotal = (0..<players).reduce(0.0) { $0 + first($1) }
            let lastTotal = (0..<players).reduce(0.0) { $0 + last($1) }
            let m = Double(players)
            return [first(i) + (gap - firstTotal) / m, last(i) + (gap - lastTotal) / m, gap / m, firstTotal / m,
                    lastTotal / m][k]
        }
        var rng = SplitMix64(seed: 9)
        for k in 0..<5 {
            // β picks component k alone, so the correction is that game's ρ_b(ḡ − g_b) + (1 − ρ_b)ḡ.
            let only = (0..<10).map { $0 % 5 == k ? 1.0 : 0 }
            let single = cv.mixed(only)
            for _ in 0..<10 {
                let members = (0..<players).filter { _ in rng.nextUniform() < 0.5 }
                var mask: UInt64 = 0
                for p in members { mask |= 1 << UInt64(p) }
                func g(_ b: Int, _ o: Int) -> Double { members.reduce(0.0) { $0 + slope(k, b, $1, o) } }
                for b in 0..<rows {
                    let sums = Self.correction(single, background: b, mask: mask, size: members.count)
                    for o in 0..<2 {
                        let mean = (0..<rows).reduce(0.0) { $0 + d.weights[$1] * g($1, o) }
                        let ratio = d.weights[b] / cv.drawWeights[b]
                        let shift = (0..<rows).reduce(0.0) { $0 + d.weights[$1] * d.baselines[$1 * 2 + o] }
                            - ratio * d.baselines[b * 2 + o]
                        let expected = shift - (ratio * g(b, o) - mean)
                        #expect(abs(sums[o] - expected) < 1e-10, "component \(k), size \(members.count), row \(b)")
                    }
                }
            }
        }
    }
}
