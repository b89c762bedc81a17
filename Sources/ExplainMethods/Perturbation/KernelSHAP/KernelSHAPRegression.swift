import CBLAS
import ExplainTensor

/// KernelSHAP's weighted least squares under the efficiency constraint, with sandwich standard errors.
///
/// With y_S = v(S) − E f and Δ = f(x) − E f, the last player L is eliminated through φ_L = Δ − Σ_{j≠L} φ_j:
/// ```
/// minimise Σ_S w_S (y_S − z_{S,L}·Δ − Σ_{j≠L} (z_{S,j} − z_{S,L}) φ_j)²
/// ```
/// so Σ φ = Δ holds to float precision (Lundberg & Lee 2017; shap's KernelExplainer does the same). All outputs
/// share the normal matrix A and are solved together. The sampling error comes from the delta method on the
/// sampled pairs (Covert & Lee 2021): φ̂ − φ ≈ A⁻¹ Σ_pairs scale·(g_pair − E g) with g = x'_S r_S + x'_S̄ r_S̄,
/// the pair's gradient at the solution, so Var φ̂ = A⁻¹ (Σ_strata scale²·n·(1 − k/N)·Cov g) A⁻¹. Sampled size classes
/// get their own intercepts (KernelSHAPRegression+ClassIntercepts.swift).
struct KernelSHAPRegression {
    let table: CoalitionTable
    /// The regression weight of each coalition.
    let weights: [Double]
    /// v(S) − E f for each coalition and output, `[coalition × outputCount]`.
    let targets: [Double]
    let outputCount: Int
    /// f(x) − E f per output.
    let gaps: [Double]
    /// The table index of each coalition's complement; partners have equal weights.
    let partners: [Int]
    let pairs: [SampledPair]
    let strata: [SamplingStratum]

    /// Values and standard errors per requested output, in the order of the requested players.
    struct Solution {
        var values: [[Double]]
        var stdErrors: [[Double]]
        var usedFallback: Bool
        /// False when sampled pairs are in and the pairs number fewer than twice the fitted parameters (players − 1
        /// and the class intercepts): the fit then nearly interpolates them, and their residuals, which the standard
        /// errors are made of, shrink towards 0 (to 0 exactly once the pairs are no more than the parameters).
        var hasReliableErrors = true
    }

    /// Solves for the Shapley values of `players` (the others are held at 0) for each of `outputs`.
    func solve(players: [Int], outputs: [Int]) -> Solution {
        let p = players.count, nO = outputs.count
        if p <= 1 {
            return Solution(values: outputs.map { p == 1 ? [gaps[$0]] : [] },
                            stdErrors: outputs.map { _ in [Double](repeating: 0, count: p) }, usedFallback: false)
        }
        let q = p - 1
        let design = PairDesign(players: players, playerCount: table.playerCount, wordCount: table.wordCount)
        var (a, b) = normalEquations(design, outputs: outputs)
        let intercepts = classIntercepts(design, outputs: outputs)
        intercepts.project(a: &a, b: &b, q: q, outputCount: nO)
        var (reduced, inverse, usedFallback) = Self.solveSymmetric(a, b, q: q, rhsCount: nO)
        if !reduced.allSatisfy(\.isFinite) {
            usedFallback = true
            reduced = reduced.map { $0.isFinite ? $0 : 0 }
        }
        var values = [[Double]]()
        for t in 0..<nO {
            var phi = Array(reduced[(t * q)..<((t + 1) * q)])
            phi.append(gaps[outputs[t]] - phi.reduce(0, +))
            values.append(phi)
        }
        let errors = standardErrors(design, outputs: outputs, values: values, inverse: inverse, intercepts: intercepts)
        let pairCount = weights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } / 2
        return Solution(values: values, stdErrors: errors, usedFallback: usedFallback,
                        hasReliableErrors: pairs.isEmpty || pairCount >= 2 * (q + intercepts.groupCount))
    }

    /// A = Σ w x' x'ᵀ and B = Σ w x' y'ᵀ over the representatives of the complement pairs, with dsyrk and dgemm
    /// over blocks: a pair's x' are z and −z with equal weights, so it adds 2w z zᵀ to A and
    /// w z (y_S − y_S̄ + Δ) to B, where S is the member that lacks L and z its indicators.
    private func normalEquations(_ design: PairDesign, outputs: [Int]) -> (a: [Double], b: [Double]) {
        precondition(partners.count == table.count, "KernelSHAP: every coalition needs its complement's index")
        let q = design.columnCount, nO = outputs.count
        var a = [Double](repeating: 0, count: q * q)
        var b = [Double](repeating: 0, count: q * nO)
        let blockRows = 256
        var x = [Double](repeating: 0, count: blockRows * q)
        var y = [Double](repeating: 0, count: blockRows * nO)
        var columns = [Int32](repeating: 0, count: max(1, q))
        var i = 0
        table.words.withUnsafeBufferPointer { words in
            guard let w0 = words.baseAddress else { return }
            while i < table.count {
                var r = 0
                x.withUnsafeMutableBufferPointer { xp in
                    columns.withUnsafeMutableBufferPointer { cp in
                        guard let x0 = xp.baseAddress, let c0 = cp.baseAddress else { return }
                        while r < blockRows && i < table.count {
                            let w = weights[i], mask = w0 + i * table.wordCount
                            if w > 0 && design.isRepresentative(mask) {
                                let count = design.columns(of: mask, into: c0)
                                design.scatter(c0, count: count, value: (2 * w).squareRoot(), into: x0 + r * q)
                                let half = (w / 2).squareRoot(), partner = partners[i]
                                for (t, o) in outputs.enumerated() {
                                    y[r * nO + t] = half * (targets[i * outputCount + o]
                                        - targets[partner * outputCount + o] + gaps[o])
                                }
                                r += 1
                            }
                            i += 1
                        }
                    }
                }
                guard r > 0 else { continue }
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(q), Int32(r), 1, x, Int32(q), 1, &a, Int32(q))
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(q), Int32(nO), Int32(r), 1, x, Int32(q),
                            y, Int32(nO), 1, &b, Int32(nO))
            }
        }
        for row in 0..<q { for column in 0..<row { a[row * q + column] = a[column * q + row] } }
        return (a, b)
    }

    /// Solves A Φ = B and inverts A with one Cholesky factorisation; falls back to `LinearSolve.symmetric`
    /// (SVD) and an eigenvalue pseudo-inverse when A is singular.
    /// - Returns: Φ column by column (`rhsCount` columns of q), A⁻¹ (q×q), and whether the fallback was used.
    static func solveSymmetric(_ a: [Double], _ b: [Double], q: Int, rhsCount: Int)
        -> (solution: [Double], inverse: [Double], usedFallback: Bool) {
        let columns = rhsCount + q
        var rhs = [Double](repeating: 0, count: q * columns)
        for row in 0..<q {
            for t in 0..<rhsCount { rhs[t * q + row] = b[row * rhsCount + t] }
            rhs[(rhsCount + row) * q + row] = 1
        }
        var factor = a
        var n = Int32(q), nrhs = Int32(columns), lda = Int32(q), ldb = Int32(q), info: Int32 = 0
        var uplo: CChar = 0x55 // "U"
        dposv_(&uplo, &n, &nrhs, &factor, &lda, &rhs, &ldb, &info)
        if info == 0, rhs.allSatisfy(\.isFinite) {
            return (Array(rhs[0..<(rhsCount * q)]), Array(rhs[(rhsCount * q)...]), false)
        }
        var solution = [Double]()
        for t in 0..<rhsCount {
            let column = (0..<q).map { b[$0 * rhsCount + t] }
            solution.append(contentsOf: LinearSolve.symmetric(a, n: q, column).x)
        }
        return (solution, pseudoInverse(a, q: q), true)
    }

    /// The Moore–Penrose inverse of a symmetric matrix through its eigendecomposition (`dsyevd`).
    static func pseudoInverse(_ a: [Double], q: Int) -> [Double] {
        var v = a
        var eigen = [Double](repeating: 0, count: q)
        var jobz: CChar = 0x56, uplo: CChar = 0x55 // "V", "U"
        var n = Int32(q), lda = Int32(q), info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = [Double](repeating: 0, count: 1)
        var iworkQuery = [Int32](repeating: 0, count: 1)
        dsyevd_(&jobz, &uplo, &n, &v, &lda, &eigen, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        lwork = Int32(workQuery[0])
        liwork = iworkQuery[0]
        var work = [Double](repeating: 0, count: max(1, Int(lwork)))
        var iwork = [Int32](repeating: 0, count: max(1, Int(liwork)))
        dsyevd_(&jobz, &uplo, &n, &v, &lda, &eigen, &work, &lwork, &iwork, &liwork, &info)
        var inverse = [Double](repeating: 0, count: q * q)
        guard info == 0 else { return inverse }
        let cutoff = (eigen.map(abs).max() ?? 0) * 1e-10
        for k in 0..<q where eigen[k] > cutoff {
            // Column k of v (column-major) is the k-th eigenvector.
            let scale = 1 / eigen[k]
            for i in 0..<q { for j in 0..<q { inverse[i * q + j] += scale * v[k * q + i] * v[k * q + j] } }
        }
        return inverse
    }
}
