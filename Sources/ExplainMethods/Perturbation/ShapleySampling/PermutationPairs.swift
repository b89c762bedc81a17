import ExplainTensor

/// The running estimate of Shapley sampling: antithetic permutation pairs drawn and evaluated a batch at a time.
///
/// A batch's coalitions go into one `CoalitionTable`, each forward prefix P_k followed by its complement N ∖ P_k
/// (the reverse permutation's prefix of size M − k), so the first-layer shortcut builds the second of each pair by
/// a subtraction; a prefix that two permutations of the batch share is evaluated once. Each pair's mean marginal
/// contribution per player and output enters Welford's running mean and variance in Double.
struct PermutationPairs {
    let evaluator: CoalitionEvaluator
    /// v(N) = f(x) and v(∅) = E f per output.
    let instance: [Double]
    let mean: [Double]
    /// Model rows evaluated.
    private(set) var evaluations = 0
    private var pairCount = 0
    /// The running mean and sum of squared deviations, `[output × player]`.
    private var runningMean: [Double]
    private var squares: [Double]

    init(evaluator: CoalitionEvaluator, instance: [Double], mean: [Double]) {
        self.evaluator = evaluator
        self.instance = instance
        self.mean = mean
        let size = evaluator.outputCount * evaluator.columns.count
        runningMean = [Double](repeating: 0, count: size)
        squares = [Double](repeating: 0, count: size)
    }

    /// Draws `pairs` permutations (Fisher–Yates), evaluates every prefix of each and of its reverse, and folds the
    /// pairs into the estimate.
    mutating func add(pairs: Int, predictor: some BatchPredictor, rng: inout SplitMix64) throws {
        let m = evaluator.columns.count, outputs = evaluator.outputCount
        var table = CoalitionTable(playerCount: m, expectedCount: pairs * 2 * (m - 1))
        var orders = [Int](), forward = [Int](), backward = [Int]()
        orders.reserveCapacity(pairs * m)
        forward.reserveCapacity(pairs * (m - 1))
        backward.reserveCapacity(pairs * (m - 1))
        var mask = [UInt64](repeating: 0, count: table.wordCount), complement = mask
        for _ in 0..<pairs {
            var order = Array(0..<m)
            for i in stride(from: m - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
            orders.append(contentsOf: order)
            for w in mask.indices { mask[w] = 0 }
            for k in 1..<m {
                let p = order[k - 1]
                mask[p >> 6] |= UInt64(1) << UInt64(p & 63)
                forward.append(table.insert(mask).index)
                table.complement(of: mask, into: &complement)
                backward.append(table.insert(complement).index)
            }
        }
        var values = [Double]()
        values.reserveCapacity(table.count * outputs)
        evaluations += try evaluator.evaluate(table, range: 0..<table.count, predictor: predictor, into: &values)
        var marginal = [Double](repeating: 0, count: m)
        for q in 0..<pairs {
            let order = orders[(q * m)..<((q + 1) * m)], base = q * (m - 1), start = q * m
            pairCount += 1
            let n = Double(pairCount)
            for o in 0..<outputs {
                // v of the forward prefix of size k, and of the reverse's prefix of size j = N ∖ P_{M−j}.
                func prefix(_ k: Int) -> Double {
                    k == 0 ? mean[o] : k == m ? instance[o] : values[forward[base + k - 1] * outputs + o]
                }
                func reversePrefix(_ j: Int) -> Double {
                    j == 0 ? mean[o] : j == m ? instance[o] : values[backward[base + m - j - 1] * outputs + o]
                }
                for k in 1...m { marginal[order[start + k - 1]] = prefix(k) - prefix(k - 1) }
                // The reverse adds π_{M−j} at step j.
                for j in 1...m { marginal[order[start + m - j]] += reversePrefix(j) - reversePrefix(j - 1) }
                for p in 0..<m {
                    let estimate = marginal[p] / 2, slot = o * m + p
                    let delta = estimate - runningMean[slot]
                    runningMean[slot] += delta / n
                    squares[slot] += delta * (estimate - runningMean[slot])
                }
            }
        }
    }

    /// The values and their standard errors, `[output × player]`; the errors are 0 with fewer than two pairs.
    func estimates() -> (values: [Double], stdErrors: [Double]) {
        let n = Double(pairCount)
        let errors = squares.map { pairCount >= 2 ? (max(0, $0) / (n - 1) / n).squareRoot() : 0 }
        return (runningMean, errors)
    }
}
