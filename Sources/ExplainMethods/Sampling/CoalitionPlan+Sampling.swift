import ExplainTensor

extension CoalitionPlan {
    /// Spends up to `coalitions` more distinct coalitions (rounded down to whole pairs) on the sizes left.
    ///
    /// Every draw adds a coalition together with its complement (paired sampling). Returns the number of new
    /// coalitions added; fewer than asked when the budget or the attempt limit runs out.
    @discardableResult
    mutating func sample(coalitions requested: Int, rng: inout SplitMix64) -> Int {
        let wanted = min(requested, budgetLeft) / 2
        guard wanted > 0, !remainingClasses.isEmpty else { return 0 }
        let before = table.count
        switch sampler {
        case .kernel: sampleKernel(pairs: wanted, rng: &rng)
        case .leverage: sampleLeverage(pairs: wanted, rng: &rng)
        }
        return table.count - before
    }

    /// shap's draws: size ∝ (M−1)/(s(M−s)) over the remaining sizes, uniform subset, with replacement.
    private mutating func sampleKernel(pairs wanted: Int, rng: inout SplitMix64) {
        let m = playerCount
        var sizes = [Int]()
        var cumulative = [Double]()
        var total = 0.0
        for s in remainingClasses {
            for size in (2 * s == m ? [s] : [s, m - s]) {
                total += Double(m - 1) / (Double(size) * Double(m - size))
                sizes.append(size)
                cumulative.append(total)
            }
        }
        var permutation = Array(0..<m)
        var mask = [UInt64](repeating: 0, count: table.wordCount), complement = mask
        var added = 0
        var attempts = 0
        let attemptLimit = 8 * wanted + 64
        while added < wanted && attempts < attemptLimit {
            attempts += 1
            let u = rng.nextUniform() * total
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            randomMask(size: sizes[lo], permutation: &permutation, rng: &rng, into: &mask, scratch: &complement)
            draws += 1
            let (first, isNew) = table.insert(mask)
            if isNew {
                table.complement(of: mask, into: &complement)
                let second = table.insert(complement).index
                partners.append(second)
                partners.append(first)
                pairOfCoalition[first] = pairs.count
                pairOfCoalition[second] = pairs.count
                pairs.append(SampledPair(first: first, second: second, count: 1, stratum: 0))
                added += 1
            } else if let pair = pairOfCoalition[first] {
                pairs[pair].count += 1
            }
        }
    }

    /// Leverage-score draws: an equal share of pairs for every remaining size, uniform subsets without replacement.
    private mutating func sampleLeverage(pairs wanted: Int, rng: inout SplitMix64) {
        let m = playerCount
        let capacity = remainingClasses.indices.map { pairCount(ofClass: remainingClasses[$0]) - Double(pairsPerClass[$0]) }
        let masses = remainingClasses.map { samplingMass(ofClass: $0) }
        let quota = Self.allocate(wanted, masses: masses, capacity: capacity, rng: &rng)
        var permutation = Array(0..<m)
        var mask = [UInt64](repeating: 0, count: table.wordCount), complement = mask
        for c in remainingClasses.indices where quota[c] > 0 {
            let s = remainingClasses[c]
            var added = 0
            var attempts = 0
            let attemptLimit = 32 * quota[c] + 256
            while added < quota[c] && attempts < attemptLimit {
                attempts += 1
                randomMask(size: s, permutation: &permutation, rng: &rng, into: &mask, scratch: &complement)
                let (first, isNew) = table.insert(mask)
                guard isNew else { continue }
                table.complement(of: mask, into: &complement)
                let second = table.insert(complement).index
                partners.append(second)
                partners.append(first)
                pairs.append(SampledPair(first: first, second: second, count: 1, stratum: c))
                pairsPerClass[c] += 1
                added += 1
            }
        }
    }

    /// Splits `total` draws over classes in proportion to `masses`, never above a class's `capacity`.
    ///
    /// Whole parts go first; the remaining draws go one at a time to classes picked with probability ∝ mass.
    static func allocate(_ total: Int, masses: [Double], capacity: [Double], rng: inout SplitMix64) -> [Int] {
        var quota = [Int](repeating: 0, count: masses.count)
        var left = total
        var open = masses.indices.filter { capacity[$0] >= 1 }
        while left > 0 && !open.isEmpty {
            let mass = open.reduce(0) { $0 + masses[$1] }
            var given = 0
            for c in open {
                let share = Int((Double(left) * masses[c] / mass).rounded(.down))
                let room = Int(min(capacity[c] - Double(quota[c]), Double(Int.max / 4)))
                let take = min(share, room)
                quota[c] += take
                given += take
            }
            left -= given
            open = open.filter { capacity[$0] - Double(quota[$0]) >= 1 }
            if given == 0 && left > 0 && !open.isEmpty {
                // Fewer draws than classes: hand them out one by one, by mass.
                let openMass = open.reduce(0) { $0 + masses[$1] }
                var u = rng.nextUniform() * openMass
                var pick = open[open.count - 1]
                for c in open {
                    u -= masses[c]
                    if u < 0 { pick = c; break }
                }
                quota[pick] += 1
                left -= 1
                open = open.filter { capacity[$0] - Double(quota[$0]) >= 1 }
            }
        }
        return quota
    }

    /// Writes a uniform random coalition of `size` players into `mask` (partial Fisher–Yates on a persistent
    /// permutation); `scratch` is a buffer of the same length.
    private func randomMask(size: Int, permutation: inout [Int], rng: inout SplitMix64, into mask: inout [UInt64],
                            scratch: inout [UInt64]) {
        let m = playerCount
        let drawComplement = 2 * size > m
        let k = drawComplement ? m - size : size
        for w in scratch.indices { scratch[w] = 0 }
        permutation.withUnsafeMutableBufferPointer { order in
            scratch.withUnsafeMutableBufferPointer { bits in
                for i in 0..<k {
                    let j = i + rng.nextInt(below: m - i)
                    let p = order[j]
                    order[j] = order[i]
                    order[i] = p
                    bits[p >> 6] |= UInt64(1) << UInt64(p & 63)
                }
            }
        }
        if drawComplement {
            table.complement(of: scratch, into: &mask)
        } else {
            swap(&mask, &scratch)
        }
    }
}
