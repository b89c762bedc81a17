@testable import ExplainMethods
import ExplainTensor
import Testing

@Suite("Coalition plan: outside-in enumeration and paired sampling")
struct CoalitionPlanTests {
    @Test("M = 30 with budget 2108 enumerates only sizes 1 and 29 (ALGORITHMS.md example)")
    func algorithmsExample() {
        let plan = CoalitionPlan(playerCount: 30, budget: 2108, sampler: .kernel)
        #expect(plan.table.count == 60)
        #expect(plan.remainingClasses.first == 2 && plan.remainingClasses.last == 15)
        #expect(Set(plan.table.sizes) == [1, 29])
    }

    @Test("2^M − 2 coalitions in the budget enumerate everything; one fewer does not", arguments: [4, 7, 10])
    func exhaustive(m: Int) {
        for sampler in KernelSHAPSampler.allCases {
            let full = CoalitionPlan(playerCount: m, budget: (1 << m) - 2, sampler: sampler)
            #expect(full.isExhaustive && full.table.count == (1 << m) - 2)
            let short = CoalitionPlan(playerCount: m, budget: (1 << m) - 3, sampler: sampler)
            #expect(!short.isExhaustive)
            // Budgets above 2^M − 2 are capped.
            #expect(CoalitionPlan(playerCount: m, budget: 1 << 20, sampler: sampler).budget == (1 << m) - 2)
        }
    }

    @Test("an enumeration budget decides the enumerated sizes and the budget the sampling; a budget that covers every coalition still enumerates all")
    func enumerationBudget() {
        // M = 20: a budget of 100,000 enumerates sizes 1 to 4 (12,390 coalitions); 2M + 2048 enumerates 1 and 2.
        let full = CoalitionPlan(playerCount: 20, budget: 100_000, sampler: .leverage)
        #expect(Set(full.table.sizes) == [1, 2, 3, 4, 16, 17, 18, 19])
        var early = CoalitionPlan(playerCount: 20, budget: 100_000, sampler: .leverage, enumerationBudget: 2088)
        #expect(Set(early.table.sizes) == [1, 2, 18, 19] && early.budget == 100_000)
        var rng = SplitMix64(seed: 1)
        early.sample(coalitions: 50_000, rng: &rng)
        #expect(early.table.count > 50_000 && early.table.count <= 100_000)
        let all = CoalitionPlan(playerCount: 10, budget: 1022, sampler: .leverage, enumerationBudget: 40)
        #expect(all.isExhaustive)
    }

    @Test("enumerated coalitions carry the exact kernel weight (M−1)/(C(M,s)·s·(M−s))")
    func kernelWeights() {
        let plan = CoalitionPlan(playerCount: 6, budget: 62, sampler: .kernel)
        let binomial = [1.0, 6, 15, 20, 15, 6, 1]
        for i in 0..<plan.table.count {
            let s = plan.table.sizes[i]
            #expect(abs(plan.enumeratedWeights[i] - 5 / (binomial[s] * Double(s) * Double(6 - s))) <= 1e-15)
        }
    }

    @Test("sampling stays in budget, pairs every coalition with its complement, and weights sum to the kernel mass",
          arguments: KernelSHAPSampler.allCases)
    func sampling(sampler: KernelSHAPSampler) {
        let m = 20
        var plan = CoalitionPlan(playerCount: m, budget: 700, sampler: sampler)
        var rng = SplitMix64(seed: 9)
        plan.sample(coalitions: plan.budgetLeft, rng: &rng)
        #expect(plan.table.count <= 700 && plan.table.count >= 698)
        for pair in plan.pairs {
            #expect(Array(plan.table.complement(of: Array(plan.table.mask(pair.first)))) == Array(plan.table.mask(pair.second)))
        }
        let totalMass = (1..<m).reduce(0.0) { $0 + Double(m - 1) / (Double($1) * Double(m - $1)) }
        #expect(abs(plan.weights().reduce(0, +) - totalMass) <= 1e-9 * totalMass)
        // Repeated draws (kernel, with replacement) add weight, not coalitions.
        if sampler == .kernel { #expect(plan.draws > plan.pairs.count) }
        // Distinct coalitions only.
        var seen = Set<[UInt64]>()
        for i in 0..<plan.table.count { seen.insert(Array(plan.table.mask(i))) }
        #expect(seen.count == plan.table.count)
    }

    @Test("every coalition's partner is its complement, with the same weight (the regression pairs them)",
          arguments: [(6, 40), (6, 62), (9, 300), (20, 700)])
    func partners(m: Int, budget: Int) {
        for sampler in KernelSHAPSampler.allCases {
            var plan = CoalitionPlan(playerCount: m, budget: budget, sampler: sampler)
            var rng = SplitMix64(seed: 4)
            plan.sample(coalitions: plan.budgetLeft, rng: &rng)
            #expect(plan.partners.count == plan.table.count)
            let weights = plan.weights()
            for i in 0..<plan.table.count {
                let partner = plan.partners[i]
                #expect(partner != i && plan.partners[partner] == i)
                #expect(plan.table.complement(of: Array(plan.table.mask(i))) == Array(plan.table.mask(partner)))
                #expect(weights[i] == weights[partner])
            }
        }
    }

    @Test("the kernel sampler draws sizes with probability ∝ (M−1)/(s(M−s)); leverage spreads them evenly")
    func sizeDistribution() {
        let m = 16
        for sampler in KernelSHAPSampler.allCases {
            var plan = CoalitionPlan(playerCount: m, budget: 6000, sampler: sampler)
            var rng = SplitMix64(seed: 21)
            plan.sample(coalitions: plan.budgetLeft, rng: &rng)
            var perClass = [Double](repeating: 0, count: m / 2 + 1)
            for pair in plan.pairs {
                let s = plan.table.sizes[pair.first]
                perClass[min(s, m - s)] += pair.count
            }
            let classes = plan.remainingClasses
            let total = classes.reduce(0.0) { $0 + perClass[$1] }
            let mass = classes.reduce(0.0) { $0 + plan.samplingMass(ofClass: $1) }
            for s in classes {
                let expected = total * plan.samplingMass(ofClass: s) / mass
                #expect(abs(perClass[s] - expected) <= 5 * expected.squareRoot() + 1, "\(sampler) size \(s)")
            }
        }
    }
}
