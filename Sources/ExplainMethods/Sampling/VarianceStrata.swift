/// The strata the standard errors are estimated in: every sampled stratum with two draws or more, and one collapsed
/// stratum for all the strata with a single draw, when there are at least two of them.
///
/// A stratum with one draw has no spread to estimate its variance from, and dropping it would report too small an
/// error (none at all when every stratum has one draw, as with a budget barely above the enumerated sizes). The
/// collapsed-strata estimator treats their scaled gradients h_u = scale_s · g_u as one sample:
/// Var Σ h_u ≈ n/(n − 1) Σ (h_u − h̄)², which also counts the differences between their strata, so it errs high.
struct VarianceStrata {
    /// The variance stratum of each sampling stratum, or −1 when it cannot be used.
    let stratum: [Int]
    /// The factor on a pair's gradient: 1, or the sampling stratum's scale in the collapsed stratum (whose
    /// coefficient then carries no scale).
    let unitScale: [Double]
    /// c_s per variance stratum.
    let coefficients: [Double]

    var count: Int { coefficients.count }

    init(_ strata: [SamplingStratum]) {
        let singles = strata.indices.filter { strata[$0].draws == 1 }
        let collapsed = singles.count >= 2
        var stratum = [Int](repeating: -1, count: strata.count)
        var unitScale = [Double](repeating: 1, count: strata.count)
        var coefficients = strata.map { s in
            s.draws > 1 ? s.scale * s.scale * s.draws * (1 - s.finitePopulationFraction) / (s.draws - 1) : 0
        }
        for s in strata.indices where strata[s].draws > 1 { stratum[s] = s }
        if collapsed {
            let n = Double(singles.count)
            for s in singles {
                stratum[s] = strata.count
                unitScale[s] = strata[s].scale
            }
            coefficients.append(n / (n - 1))
        }
        self.stratum = stratum
        self.unitScale = unitScale
        self.coefficients = coefficients
    }
}
