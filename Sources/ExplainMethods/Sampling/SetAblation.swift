import ExplainTensor

/// f(x) − (1/K) Σ_b f(x with the inputs of S set to baseline row b's), for many index sets S, in bounded batches.
///
/// Feature ablation and occlusion are this difference for single features or groups, and for sliding windows. It is
/// the interventional game of `CoalitionEvaluator` with the baseline rows as a uniform background, read at the
/// coalition "every input but S": a set's rows are built from x by changing only its inputs, and with the
/// first-layer shortcut (for many baseline rows, `shortcutBaselineRows`) cost a product with |S| columns of W. Inputs where x equals every baseline row are not
/// players: a set made only of them has difference 0 exactly and costs no evaluation, and one that holds every
/// player is ablated to the baselines themselves, whose outputs the endpoints already give.
struct SetAblation {
    let evaluator: CoalitionEvaluator
    /// Each input column's index among the players, or −1 when x equals every baseline row there.
    private let playerOf: [Int]
    /// f(x) per output.
    let instanceOutputs: [Double]
    /// (1/K) Σ_b f(b) per output.
    let baselineOutputs: [Double]
    /// Model rows evaluated so far: the instance and the baselines.
    let endpointEvaluations: Int

    /// The fewest baseline rows for which the first-layer shortcut is taken. Ablating a row evaluates only about
    /// (sets + 1) × K model rows, and setting the shortcut up (the first layer as a dense matrix, its transpose, and
    /// the pre-activations of x and the baselines) costs more than it saves when K is small: 0.41 against 0.11 ms per
    /// row for feature ablation on the digits CNN with the zero baseline (`explain-bench perturbation`).
    static let shortcutBaselineRows = 16

    /// The largest number of mask words one batch of sets holds (4 MiB), so that memory does not grow with the
    /// number of sets.
    static let maskWordBudget = 1 << 19

    /// Evaluates f(x) and f on the baselines in one model call.
    /// - Throws: the predictor's errors, or `ExplainError(.numerical)` for a non-finite output.
    init(instance x: [Float], baselines: Tensor, predictor: some BatchPredictor, chunkBudget: Int) throws {
        let background = Background(rows: baselines)
        let affine = baselines.batchSize >= Self.shortcutBaselineRows ? predictor as? any AffineInputPredictor : nil
        evaluator = CoalitionEvaluator(instance: x, background: background, outputCount: predictor.outputCount,
                                       chunkBudget: chunkBudget, affine: affine)
        var playerOf = [Int](repeating: -1, count: x.count)
        for (p, column) in evaluator.columns.enumerated() { playerOf[column] = p }
        self.playerOf = playerOf
        let (atInstance, mean, _) = try evaluator.endpoints(predictor: predictor)
        instanceOutputs = atInstance
        baselineOutputs = mean
        endpointEvaluations = evaluator.backgroundCount + 1
    }

    /// The differences f(x) − v(N ∖ S) of every set, `[set × outputs]`, and the model rows they took.
    ///
    /// - Parameter sets: input indices, each in range and without repeats (validated by the explainers).
    /// - Complexity: one block of K model rows per set that holds some but not all players.
    func differences(_ sets: [[Int]], predictor: some BatchPredictor) throws -> (values: [Double], evaluations: Int) {
        let players = evaluator.columns.count, outputs = evaluator.outputCount
        var table = CoalitionTable(playerCount: players)
        let perBatch = max(1, Self.maskWordBudget / table.wordCount)
        var full = [UInt64](repeating: 0, count: table.wordCount)
        table.complement(of: full, into: &full)
        var differences = [Double](repeating: 0, count: sets.count * outputs)
        var evaluations = 0
        var start = 0
        while start < sets.count {
            let end = min(sets.count, start + perBatch)
            table = CoalitionTable(playerCount: players, expectedCount: end - start)
            // The table index of each set's coalition, −1 when the set holds no player, −2 when it holds them all.
            var slot = [Int](repeating: -1, count: end - start)
            for s in start..<end {
                var mask = full, removed = 0
                for column in sets[s] where playerOf[column] >= 0 {
                    let p = playerOf[column]
                    mask[p >> 6] &= ~(UInt64(1) << UInt64(p & 63))
                    removed += 1
                }
                if removed == players { slot[s - start] = players == 0 ? -1 : -2 }
                else if removed > 0 { slot[s - start] = table.insert(mask).index }
            }
            var values = [Double]()
            values.reserveCapacity(table.count * outputs)
            evaluations += try evaluator.evaluate(table, range: 0..<table.count, predictor: predictor, into: &values)
            for s in start..<end where slot[s - start] != -1 {
                let index = slot[s - start]
                for o in 0..<outputs {
                    let ablated = index == -2 ? baselineOutputs[o] : values[index * outputs + o]
                    differences[s * outputs + o] = instanceOutputs[o] - ablated
                }
            }
            start = end
        }
        return (differences, evaluations)
    }
}

extension SetAblation {
    /// Checks that row x has the predictor's width and finite values, and that the predictor has outputs.
    /// - Throws: `ExplainError(.invalidInput)` located at the row, or `.invalidArgument` at `method.predictor`.
    static func validate(_ x: [Float], row: Int, predictor: some BatchPredictor, method: String) throws {
        guard predictor.outputCount >= 1 else {
            throw ExplainError(.invalidArgument, "the model has no outputs", at: "\(method).predictor")
        }
        guard x.count == predictor.inputWidth else {
            throw ExplainError(.invalidInput, "the row has \(x.count) values, the model expects \(predictor.inputWidth)",
                               at: "row \(row)")
        }
        if let j = x.firstIndex(where: { !$0.isFinite }) {
            throw ExplainError(.invalidInput, "feature \(j) is not finite", at: "row \(row)")
        }
    }

    /// Runs `body`, locating at `row \(row)` the errors that know no location (non-finite model outputs).
    static func locating<T>(row: Int, _ body: () throws -> T) throws -> T {
        do { return try body() } catch var error as ExplainError where error.location.isEmpty {
            error.location = "row \(row)"
            throw error
        }
    }
}
