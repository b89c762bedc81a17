import ExplainKit

extension ExplainJob {
    /// The background of the interventional game (KernelSHAP, Shapley sampling): the job's, summarised into
    /// `--background-size` weighted k-means rows when that is smaller.
    /// - Throws: `ExplainError(.invalidArgument)` naming `--background` when there is none.
    func gameBackground(for method: MethodName) throws(ExplainError) -> Background {
        guard var background else {
            throw ExplainError(.invalidArgument, "\(method.rawValue) needs a background sample and the model file has "
                + "none; give one with --background FILE", at: command.model)
        }
        if let k = command.options.backgroundSize, k < background.rows.batchSize {
            var rng = SplitMix64(seed: command.seed)
            do { background = try BackgroundSummary.kmeans(background.rows, clusters: k, rng: &rng) } catch let e as ExplainError {
                throw e
            } catch { throw ExplainError(.invalidArgument, "\(error)", at: "--background-size") }
        }
        return background
    }
}
