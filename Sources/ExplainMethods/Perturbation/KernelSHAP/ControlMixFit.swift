/// Weighted least-squares coefficients β of D₀ ≈ Σ_k β_k D_k within strata, shrunk towards a prior by their own noise.
///
/// Each sample has a stratum, a weight and values (D₀, D₁, …, D_K). Every stratum keeps its own intercept, so only
/// the within-stratum spread counts. The fitted β̂ is shrunk towards the prior β₀ with
/// λ = max(0, 1 − tr Var β̂ / |β̂ − β₀|²), where Var β̂ = σ̂² G⁻¹, G holds the centred cross-products of the D_k and σ̂²
/// is the residual mean square. A fit no better than its noise therefore falls back to the prior. The solves are
/// `LinearSolve.symmetric` and `WeightedRidge.inverse`; collinear D_k (Cholesky fails) give the prior.
struct ControlMixFit {
    let components: Int
    let strata: Int
    /// Per stratum: Σw, Σw·D_i, then Σw·D_i·D_j for i ≤ j (row-major over (1 + K)²).
    private var moments: [Double]
    /// The number of samples added.
    private(set) var count = 0

    init(components: Int, strata: Int) {
        self.components = components
        self.strata = strata
        let n = 1 + components
        moments = [Double](repeating: 0, count: strata * (1 + n + n * n))
    }

    private var stride: Int { let n = 1 + components; return 1 + n + n * n }

    /// Adds one sample; `values` holds D₀ then the K values D_k.
    mutating func add(stratum: Int, weight w: Double, _ values: UnsafePointer<Double>) {
        let n = 1 + components, base = stratum * stride
        moments.withUnsafeMutableBufferPointer { mp in
            guard let m = mp.baseAddress.map({ $0 + base }) else { return }
            m[0] += w
            for i in 0..<n {
                let wd = w * values[i]
                m[1 + i] += wd
                for j in i..<n { m[1 + n + i * n + j] += wd * values[j] }
            }
        }
        count += 1
    }

    /// β, shrunk towards `prior` (K values); `prior` itself with fewer than 16 samples or collinear D_k.
    func coefficients(prior: [Double]) -> [Double] {
        precondition(prior.count == components)
        guard let (fitted, variance) = estimate() else { return prior }
        let spread = variance.reduce(0, +)
        let distance = zip(fitted, prior).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let shrink = distance > 0 ? max(0, 1 - spread / distance) : 0
        return (0..<components).map { prior[$0] + shrink * (fitted[$0] - prior[$0]) }
    }

    /// The unshrunk least-squares β̂ and the diagonal of σ̂² G⁻¹; nil with fewer than 16 samples, no residual degrees
    /// of freedom, or collinear D_k.
    func estimate() -> (beta: [Double], variance: [Double])? {
        let n = 1 + components, nK = components
        guard count >= 16 else { return nil }
        var cross = [Double](repeating: 0, count: n * n)
        var used = 0
        for s in 0..<strata {
            let m = s * stride, total = moments[m]
            guard total > 0 else { continue }
            used += 1
            for i in 0..<n {
                for j in i..<n { cross[i * n + j] += moments[m + 1 + n + i * n + j] - moments[m + 1 + i] * moments[m + 1 + j] / total }
            }
        }
        var gram = [Double](repeating: 0, count: nK * nK), rhs = [Double](repeating: 0, count: nK)
        for k in 0..<nK {
            rhs[k] = cross[1 + k]
            for l in 0..<nK { gram[k * nK + l] = cross[(1 + min(k, l)) * n + 1 + max(k, l)] }
        }
        let dof = Double(count - used - nK)
        let (fitted, method) = LinearSolve.symmetric(gram, n: nK, rhs)
        guard dof > 0, method == .cholesky else { return nil }
        let meanSquare = max(0, cross[0] - (0..<nK).reduce(0.0) { $0 + fitted[$1] * rhs[$1] }) / dof
        let inverse = WeightedRidge.inverse(gram, n: nK)
        return (fitted, (0..<nK).map { inverse[$0 * nK + $0] * meanSquare })
    }
}
