import Dispatch
import ExplainTensor

extension LIMEExplainer {
    /// Explains every row of a `[R, M]` batch, rows in parallel.
    ///
    /// Row i uses the independent stream `rng.derived(UInt64(rowOffset + i))`, so its explanation depends only on the
    /// seed and its row number, never on the thread or the order of the work.
    /// - Parameters:
    ///   - rows: the instances, `[R, width]`.
    ///   - rowOffset: the row number of the first instance in the user's input.
    ///   - target: the output to explain for every row.
    ///   - predictor: any batch function; it is called from several threads at once.
    ///   - rng: the base generator.
    /// - Returns: one explanation per row, in order.
    /// - Throws: the first error in row order.
    /// - Complexity: R · `samples` model evaluations.
    public func explain(
        rows: Tensor, rowOffset: Int = 0, target: Target, predictor: some BatchPredictor, rng: SplitMix64
    ) throws -> [Explanation] {
        guard rows.shape.count >= 1, rows.batchSize == 0 || rows.sampleCount == width else {
            throw ExplainError(.invalidArgument, "rows have \(rows.sampleCount) values, expected \(width)", at: "lime")
        }
        let count = rows.batchSize
        let results = LIMEResultSlots(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            var stream = rng.derived(UInt64(rowOffset + i))
            let x = rows.row(i)
            results.store(i, Result { try explain(x, row: rowOffset + i, target: target, predictor: predictor,
                                                  rng: &stream) })
        }
        return try results.values()
    }
}

/// One result slot per row, written by exactly one worker each.
///
/// `@unchecked Sendable`: every index is written once, by one `concurrentPerform` iteration, under the lock, and read
/// only after all iterations finished.
private final class LIMEResultSlots: @unchecked Sendable {
    private var slots: [Result<Explanation, any Error>?]
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ result: Result<Explanation, any Error>) {
        lock.wait()
        slots[index] = result
        lock.signal()
    }

    func values() throws -> [Explanation] {
        try slots.map { slot in
            guard let slot else { throw ExplainError(.numerical, "a LIME row produced no result", at: "lime") }
            return try slot.get()
        }
    }
}
