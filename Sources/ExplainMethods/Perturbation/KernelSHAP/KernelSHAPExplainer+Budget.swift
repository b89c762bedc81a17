import ExplainTensor

/// KernelSHAP's budget: the coalitions one explained row may use, what they cost, and the limits that keep them in
/// memory.
extension KernelSHAPExplainer {
    /// The memory the coalition table, weights and values of one explained row may take: 4 GiB.
    static let coalitionMemoryLimit = 1 << 32

    /// The most coalitions whose masks (M bits), weights, partners and values (per output) fit in
    /// `coalitionMemoryLimit`: only very wide inputs (hundreds of thousands of features) come near it.
    static func affordableCoalitions(playerCount m: Int, outputCount: Int) -> Int {
        let bytes = 8 * ((m + 63) / 64) + 64 + 16 * outputCount
        return coalitionMemoryLimit / bytes
    }

    /// The default coalition budget for M players, 2M + 2048 (shap's `nsamples="auto"`); a run with a tolerance also
    /// enumerates and starts sampling as for this budget.
    static func defaultBudget(playerCount m: Int) -> Int { 2 * m + 2048 }

    /// The coalition budget for M players: `samples` or 2M + 2048, capped at 2^M − 2.
    public func budget(playerCount m: Int) -> Int {
        let requested = samples ?? Self.defaultBudget(playerCount: m)
        return m >= 62 ? requested : min(requested, max(0, (1 << m) - 2))
    }

    /// Whether the budget covers all 2^M − 2 coalitions, so the plan enumerates every one (`CoalitionPlan.isExhaustive`).
    func enumeratesAll(playerCount m: Int) -> Bool {
        m < 62 && budget(playerCount: m) >= (1 << m) - 2
    }

    /// Background rows per sampled coalition when fewer than the whole background, else nil.
    var sampledBackgroundRows: Int? {
        backgroundPerCoalition.flatMap { $0 < background.rows.batchSize ? $0 : nil }
    }

    /// The model rows one explained row costs for its coalitions when every feature varies: budget × background
    /// rows, or with a sampled background 2M × background rows plus `backgroundPerCoalition` per other coalition.
    public var coalitionEvaluationsPerRow: Int {
        let rows = background.rows.batchSize, m = background.rows.sampleCount
        let coalitions = budget(playerCount: m)
        guard let perCoalition = sampledBackgroundRows, !enumeratesAll(playerCount: m) else { return coalitions * rows }
        return 2 * m * rows + max(0, coalitions - 2 * m) * perCoalition
    }

    /// A warning with the cost estimate when the background has more than 200 rows, else nil.
    public var backgroundWarning: String? {
        let rows = background.rows.batchSize
        guard rows > Self.backgroundWarningThreshold else { return nil }
        return "the KernelSHAP background has \(rows) rows: each explained row costs up to \(coalitionEvaluationsPerRow) "
            + "model evaluations; summarise it (BackgroundSummary.kmeans, about 100 rows) or evaluate each sampled "
            + "coalition on a few drawn rows (backgroundPerCoalition) to cut the cost"
    }
}
