import ExplainKit

extension ExplainJob {
    /// Explains every selected row with `body(index, row, rng, progress)` on the job's threads, with progress on
    /// stderr; `body` may report the share of its row done through `progress`.
    /// Each row gets its own generator derived from (seed, row), so results do not depend on the thread count.
    func explainRows(_ label: String,
                     _ body: @escaping @Sendable (Int, Int, inout SplitMix64, @escaping (Double) -> Void) throws -> Explanation)
        throws(ExplainError) -> [Explanation] {
        let progress = Progress(total: rowIndices.count, label: label, quiet: command.quiet)
        let rows = rowIndices
        let seed = command.seed
        do {
            return try ParallelRows.map(count: rows.count, threads: threads, progress: { progress.update($0) }) { i in
                var rng = SplitMix64(seed: seed).derived(UInt64(rows[i]))
                defer { progress.finish(item: i) }
                return try body(i, rows[i], &rng) { progress.advance(item: i, fraction: $0) }
            }
        } catch let error as ExplainError {
            throw error
        } catch {
            throw ExplainError(.callback, "\(label) failed: \(error)")
        }
    }

    /// An `AttributionResult` of this job for `method`.
    func result(_ method: MethodName, parameters: [String: String], _ explanations: [Explanation]) -> AttributionResult {
        var echoed = parameters
        echoed["target"] = command.target ?? "predicted"
        echoed["logits"] = command.logits ? "true" : "false"
        return AttributionResult(method: method.rawValue, model: model.name, features: model.featureNames,
                                 outputs: model.outputNames, seed: command.seed, parameters: echoed,
                                 explanations: explanations)
    }

    /// Parses an enumerated flag value, naming the flag and the allowed values on failure.
    func choice<T>(_ value: String?, flag: String, default fallback: T, _ options: [String: T]) throws(ExplainError) -> T {
        guard let value else { return fallback }
        guard let v = options[value] else {
            throw ExplainError(.invalidArgument, "expected one of \(options.keys.sorted().joined(separator: ", ")), got \"\(value)\"", at: flag)
        }
        return v
    }

    /// Rows of a CSV file with the model's features, e.g. `--background` or `--baseline FILE`.
    func featureRows(_ path: String) throws(ExplainError) -> Tensor {
        try Self.featureRows(path, features: model.featureNames)
    }

    /// Rows of a CSV file with these feature columns; at least one row.
    static func featureRows(_ path: String, features: [String]) throws(ExplainError) -> Tensor {
        let table = try CSVTable(contentsOf: path)
        let rows = try table.numericColumns(features)
        guard rows.batchSize > 0 else { throw ExplainError(.invalidInput, "expected at least one data row", at: path) }
        return rows
    }
}
