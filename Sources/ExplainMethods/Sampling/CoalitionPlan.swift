/// A sampled coalition together with its complement: the unit of KernelSHAP's paired sampling.
struct SampledPair: Sendable {
    /// Table indices of the coalition and of its complement.
    var first: Int, second: Int
    /// How many times the pair was drawn (always 1 without replacement).
    var count: Double
    /// The stratum the pair was drawn in.
    var stratum: Int
}

/// A stratum of sampled pairs: the estimator of its part of the regression is `scale · Σ count · (pair term)`.
struct SamplingStratum: Sendable {
    /// The regression weight of one draw of a pair (given to both of its coalitions).
    var scale: Double
    /// The number of draws n (with multiplicity).
    var draws: Double
    /// The sampled fraction k/N of the stratum's pairs without replacement, 0 with replacement.
    var finitePopulationFraction: Double
}

/// The coalitions KernelSHAP evaluates and their regression weights (ALGORITHMS.md, KernelSHAP).
///
/// Init enumerates whole sizes from the outside in while their share of the budget in proportion to the kernel
/// mass covers them (the same sizes for both samplers); `sample(coalitions:rng:)` (CoalitionPlan+Sampling.swift)
/// then spends the rest in rounds, spread over the remaining sizes by kernel mass (kernel sampler) or evenly
/// (leverage sampler).
struct CoalitionPlan: Sendable {
    /// The number of players M (varying features).
    let playerCount: Int
    let sampler: KernelSHAPSampler
    /// The budget of distinct coalitions, capped at 2^M − 2.
    let budget: Int
    /// Every coalition, enumerated ones first.
    var table: CoalitionTable
    /// Exact kernel weights of the enumerated coalitions (indices `0..<enumeratedWeights.count`).
    var enumeratedWeights: [Double] = []
    /// The table index of each coalition's complement (every coalition's complement is in the table, with the
    /// same weight).
    var partners: [Int] = []
    /// The smaller side s ≤ M/2 of each size class left to sample, outermost first.
    var remainingClasses: [Int] = []
    /// The kernel mass of the remaining classes (m_left).
    var remainingKernelMass: Double = 0
    /// The sampled pairs.
    var pairs: [SampledPair] = []
    /// Kernel sampler: total draws, and the pair index of each drawn coalition's table index.
    var draws = 0
    var pairOfCoalition: [Int: Int] = [:]
    /// Leverage sampler: distinct pairs drawn per remaining class, aligned with `remainingClasses`.
    var pairsPerClass: [Int] = []
    /// Whether sampled coalitions' values are themselves estimates (a sampled background): drawing every pair of
    /// a class then still leaves noise, so the standard errors drop the finite-population correction.
    var valuesAreEstimates = false

    /// Enumerates whole sizes from the outside in while the budget's proportional share covers them.
    ///
    /// - Parameters:
    ///   - playerCount: M ≥ 2.
    ///   - budget: the number of distinct coalitions to spend (capped at 2^M − 2).
    ///   - firstClassOnly: enumerate sizes 1 and M − 1 whatever the budget, and sample every other size (for a
    ///     sampled background, whose control variate needs them).
    ///   - enumerationBudget: the budget that decides which sizes are enumerated, when smaller than `budget` (a run
    ///     with a tolerance enumerates as for its first rounds, not for a budget it may never spend); a budget that
    ///     covers all 2^M − 2 coalitions still enumerates every one.
    init(playerCount m: Int, budget requested: Int, sampler: KernelSHAPSampler, firstClassOnly: Bool = false,
         enumerationBudget: Int? = nil) {
        precondition(m >= 2 && requested >= 0)
        playerCount = m
        self.sampler = sampler
        let cap = m >= 62 ? Int.max : (1 << m) - 2
        budget = min(requested, cap)
        table = CoalitionTable(playerCount: m, expectedCount: budget)
        partners.reserveCapacity(min(budget, CoalitionTable.upFrontCapacity))
        pairs.reserveCapacity(min(budget, CoalitionTable.upFrontCapacity) / 2)
        let classes = Array(1...(m / 2))
        let masses = classes.map { kernelMass(ofClass: $0) }
        var massLeft = masses.reduce(0, +)
        var left = Double(budget < cap ? min(budget, enumerationBudget ?? budget) : budget)
        var firstSampled = classes.count
        for (position, s) in classes.enumerated() {
            let n = coalitionCount(ofClass: s)
            if firstClassOnly && s > 1 {
                firstSampled = position
                break
            }
            guard firstClassOnly || left * masses[position] / massLeft >= n * (1 - 1e-8) else {
                firstSampled = position
                break
            }
            enumerate(size: s)
            left -= n
            massLeft -= masses[position]
        }
        remainingClasses = Array(classes[firstSampled...])
        remainingKernelMass = remainingClasses.reduce(0) { $0 + kernelMass(ofClass: $1) }
        pairsPerClass = [Int](repeating: 0, count: remainingClasses.count)
    }

    /// Whether every coalition was enumerated, so the regression gives exact Shapley values.
    var isExhaustive: Bool { remainingClasses.isEmpty }

    /// Coalitions the budget still allows.
    var budgetLeft: Int { max(0, budget - table.count) }

    /// C(M, s) in Double (exact below 2^53, +∞ on overflow).
    func binomial(_ s: Int) -> Double {
        let k = min(s, playerCount - s)
        var c = 1.0
        if k <= 0 { return 1 }
        for i in 1...k { c = c * Double(playerCount - k + i) / Double(i) }
        return c.rounded()
    }

    /// The kernel weight (M−1) / (C(M,s)·s·(M−s)) of one coalition of size s.
    func kernelWeight(size s: Int) -> Double {
        Double(playerCount - 1) / (binomial(s) * Double(s) * Double(playerCount - s))
    }

    /// The number of coalitions in a class: 2·C(M,s), or C(M,M/2) for the middle size.
    func coalitionCount(ofClass s: Int) -> Double {
        2 * s == playerCount ? binomial(s) : 2 * binomial(s)
    }

    /// The number of complement pairs in a class: C(M,s), or C(M,M/2)/2 for the middle size.
    func pairCount(ofClass s: Int) -> Double {
        2 * s == playerCount ? binomial(s) / 2 : binomial(s)
    }

    /// The kernel mass of a class: 2(M−1)/(s(M−s)), or half that for the middle size.
    func kernelMass(ofClass s: Int) -> Double {
        let one = Double(playerCount - 1) / (Double(s) * Double(playerCount - s))
        return 2 * s == playerCount ? one : 2 * one
    }

    /// The class's share of the sampled draws: the kernel mass, or (leverage) one unit per coalition size.
    func samplingMass(ofClass s: Int) -> Double {
        switch sampler {
        case .kernel: return kernelMass(ofClass: s)
        case .leverage: return 2 * s == playerCount ? 1 : 2
        }
    }

    /// The regression weight of every coalition in the table.
    func weights() -> [Double] {
        var w = [Double](repeating: 0, count: table.count)
        for i in enumeratedWeights.indices { w[i] = enumeratedWeights[i] }
        let strata = self.strata()
        for pair in pairs {
            let add = strata[pair.stratum].scale * pair.count
            w[pair.first] += add
            w[pair.second] += add
        }
        return w
    }

    /// The strata of the sampled pairs (one for the kernel sampler, one per class for the leverage sampler).
    func strata() -> [SamplingStratum] {
        switch sampler {
        case .kernel:
            let n = Double(draws)
            return [SamplingStratum(scale: n > 0 ? remainingKernelMass / (2 * n) : 0, draws: n,
                                    finitePopulationFraction: 0)]
        case .leverage:
            return remainingClasses.indices.map { c in
                let s = remainingClasses[c]
                let k = Double(pairsPerClass[c])
                let perCoalition = Double(playerCount - 1) / (Double(s) * Double(playerCount - s))
                let share = 2 * s == playerCount ? 0.5 : 1
                let total = pairCount(ofClass: s)
                return SamplingStratum(scale: k > 0 ? perCoalition * share / k : 0, draws: k,
                                       finitePopulationFraction: total.isFinite && !valuesAreEstimates ? k / total : 0)
            }
        }
    }

    /// Inserts every coalition of size s and of size M − s with its exact kernel weight.
    private mutating func enumerate(size s: Int) {
        let weight = kernelWeight(size: s)
        var chosen = Array(0..<s)
        var mask = [UInt64](repeating: 0, count: table.wordCount)
        let classStart = table.count
        while true {
            for w in mask.indices { mask[w] = 0 }
            for p in chosen { mask[p >> 6] |= UInt64(1) << UInt64(p & 63) }
            let index = table.insert(mask).index
            enumeratedWeights.append(weight)
            if 2 * s != playerCount {
                table.insert(table.complement(of: mask))
                enumeratedWeights.append(weight)
                partners.append(index + 1)
                partners.append(index)
            }
            // Next combination in lexicographic order.
            var i = s - 1
            while i >= 0 && chosen[i] == playerCount - s + i { i -= 1 }
            if i < 0 { break }
            chosen[i] += 1
            for j in (i + 1)..<s { chosen[j] = chosen[j - 1] + 1 }
        }
        // The middle size holds both members of each pair, in lexicographic order.
        guard 2 * s == playerCount else { return }
        for i in classStart..<table.count {
            partners.append(table.index(of: table.complement(of: Array(table.mask(i)))) ?? i)
        }
    }
}
