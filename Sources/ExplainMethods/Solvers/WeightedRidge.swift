import CBLAS

/// Weighted ridge regression with an unpenalised intercept, in Double: scikit-learn's `Ridge(alpha)` fitted with
/// `sample_weight`, plus the coefficients' standard errors.
///
/// The rows are centred by their weighted means and scaled by √w, which removes the intercept from the penalty:
/// ```
/// Z̃ = √W (Z − 1 z̄ᵀ),  ỹ = √W (y − ȳ),  (Z̃ᵀZ̃ + αI) β = Z̃ᵀỹ,  intercept = ȳ − z̄ᵀβ
/// R² = 1 − Σ w (y − ŷ)² / Σ w (y − ȳ)²            (Ridge.score with sample_weight)
/// ```
/// The Gram matrix Z̃ᵀZ̃ is formed once, so fits on column subsets (feature selection) cost O(k³), not O(N k²).
///
/// Standard errors use the heteroskedasticity-consistent sandwich (White 1980, HC1), which stays valid when the linear
/// surrogate is misspecified and the rows are random draws, as in LIME:
/// ```
/// Cov(β) = n/(n − k − 1) · A⁻¹ (Σ w² r² z̃ z̃ᵀ) A⁻¹,  A = Z̃ᵀZ̃ + αI,  r = residuals, z̃ centred rows
/// ```
public struct WeightedRidge: Sendable {
    /// The number of rows N and columns M.
    public let rowCount: Int
    public let columnCount: Int
    /// The weighted column means z̄ and the weighted target mean ȳ.
    public let columnMeans: [Double]
    public let targetMean: Double
    /// Z̃ᵀZ̃ (M × M, row-major) and Z̃ᵀỹ.
    public let gram: [Double]
    public let moments: [Double]
    /// Σ w (y − ȳ)².
    public let totalSumOfSquares: Double
    /// Z̃ (N × M) and ỹ.
    let scaledDesign: [Double]
    let scaledTargets: [Double]

    /// The outcome of one fit.
    public struct Fit: Sendable, Equatable {
        /// The columns used, increasing.
        public var columns: [Int]
        /// One coefficient per column of the design; 0 outside `columns`.
        public var coefficients: [Double]
        public var intercept: Double
        /// The weighted R² on the fitted rows.
        public var rSquared: Double
        /// One standard error per column of the design; 0 outside `columns` (not estimated).
        public var standardErrors: [Double]
        /// How the normal equations were solved.
        public var method: LinearSolve.Method

        /// The surrogate's value at an interpretable row `z` (M values).
        public func predict(_ z: [Double]) -> Double {
            var s = intercept
            for j in columns { s += coefficients[j] * z[j] }
            return s
        }
    }

    /// Prepares the weighted, centred problem for the `rows × columns` design `z` (row-major), targets `y` and
    /// non-negative weights `w` with a positive sum.
    ///
    /// The design is centred and scaled in place, so passing an array nobody else holds avoids a copy.
    public init(design z: consuming [Double], rows: Int, columns: Int, targets y: [Double], weights w: [Double]) {
        precondition(z.count == rows * columns && y.count == rows && w.count == rows, "WeightedRidge: shapes")
        let totalWeight = w.reduce(0, +)
        precondition(totalWeight > 0, "WeightedRidge: weights must have a positive sum")
        var design = z
        var means = [Double](repeating: 0, count: columns)
        var targets = [Double](repeating: 0, count: rows)
        var yMean = 0.0, tss = 0.0
        design.withUnsafeMutableBufferPointer { dp in
        means.withUnsafeMutableBufferPointer { mp in
        targets.withUnsafeMutableBufferPointer { tp in
        w.withUnsafeBufferPointer { wp in
        y.withUnsafeBufferPointer { yp in
            guard let d = dp.baseAddress, let mean = mp.baseAddress else { return }
            // Summed in the same order as Σw, so a constant column's mean is exactly its value and it centres to zero.
            for i in 0..<rows {
                let wi = wp[i], row = d + i * columns
                yMean += wi * yp[i]
                for j in 0..<columns { mean[j] += wi * row[j] }
            }
            yMean /= totalWeight
            for j in 0..<columns { mean[j] /= totalWeight }
            for i in 0..<rows {
                let root = wp[i].squareRoot(), row = d + i * columns
                let t = root * (yp[i] - yMean)
                tp[i] = t
                tss += t * t
                for j in 0..<columns { row[j] = root * (row[j] - mean[j]) }
            }
        }}}}}
        var gram = [Double](repeating: 0, count: columns * columns)
        var moments = [Double](repeating: 0, count: columns)
        if rows > 0 && columns > 0 {
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows), 1, design,
                        Int32(columns), 0, &gram, Int32(columns))
            for a in 0..<columns { for b in 0..<a { gram[a * columns + b] = gram[b * columns + a] } }
            cblas_dgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1, design, Int32(columns),
                        targets, 1, 0, &moments, 1)
        }
        rowCount = rows
        columnCount = columns
        columnMeans = means
        targetMean = yMean
        self.gram = gram
        self.moments = moments
        totalSumOfSquares = tss
        scaledDesign = design
        scaledTargets = targets
    }

    /// The coefficients of a ridge on `columns` only (in that order), from the Gram matrix.
    public func coefficients(columns: [Int], alpha: Double) -> (values: [Double], method: LinearSolve.Method) {
        let k = columns.count
        var a = [Double](repeating: 0, count: k * k)
        for (r, i) in columns.enumerated() {
            for (c, j) in columns.enumerated() { a[r * k + c] = gram[i * columnCount + j] }
            a[r * k + r] += alpha
        }
        let solved = LinearSolve.symmetric(a, n: k, columns.map { moments[$0] })
        return (solved.x, solved.method)
    }

    /// The weighted R² of a ridge on `columns`, from the Gram matrix: 1 − (ỹᵀỹ − 2βᵀZ̃ᵀỹ + βᵀZ̃ᵀZ̃β) / ỹᵀỹ.
    public func rSquared(columns: [Int], alpha: Double) -> Double {
        let beta = coefficients(columns: columns, alpha: alpha).values
        var rss = totalSumOfSquares
        for (r, i) in columns.enumerated() {
            rss -= 2 * beta[r] * moments[i]
            for (c, j) in columns.enumerated() { rss += beta[r] * gram[i * columnCount + j] * beta[c] }
        }
        return Self.score(rss: Swift.max(rss, 0), tss: totalSumOfSquares)
    }

    /// Fits the ridge on `columns` (all by default), with residuals and R² computed from the rows.
    public func fit(columns selected: [Int]? = nil, alpha: Double, computesStandardErrors: Bool = true) -> Fit {
        let columns = (selected ?? Array(0..<columnCount)).sorted()
        let m = columnCount, n = rowCount, k = columns.count
        let (beta, method) = coefficients(columns: columns, alpha: alpha)
        var full = [Double](repeating: 0, count: m)
        for (r, j) in columns.enumerated() { full[j] = beta[r] }
        // √w-scaled residuals e = ỹ − Z̃β.
        var residuals = scaledTargets
        if n > 0 && m > 0 {
            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(m), -1, scaledDesign, Int32(m), full, 1, 1,
                        &residuals, 1)
        }
        let rss = residuals.reduce(0) { $0 + $1 * $1 }
        var intercept = targetMean
        for j in columns { intercept -= columnMeans[j] * full[j] }
        var errors = [Double](repeating: 0, count: m)
        if computesStandardErrors && k > 0 {
            let se = sandwichErrors(columns: columns, residuals: residuals, alpha: alpha)
            for (r, j) in columns.enumerated() { errors[j] = se[r] }
        }
        return Fit(columns: columns, coefficients: full, intercept: intercept,
                   rSquared: Self.score(rss: rss, tss: totalSumOfSquares), standardErrors: errors, method: method)
    }

    /// HC1 sandwich standard errors of the ridge coefficients on `columns`.
    private func sandwichErrors(columns: [Int], residuals: [Double], alpha: Double) -> [Double] {
        let m = columnCount, n = rowCount, k = columns.count
        // T = diag(e) Z̃_S, so TᵀT = Σ w² r² z̃ z̃ᵀ (each row of Z̃ and e carries one √w); accumulated over blocks of
        // rows to bound memory.
        let blockRows = 512
        let everyColumn = k == m && columns.elementsEqual(0..<m)
        var t = [Double](repeating: 0, count: blockRows * k)
        var meat = [Double](repeating: 0, count: k * k)
        scaledDesign.withUnsafeBufferPointer { dp in
        residuals.withUnsafeBufferPointer { rp in
        columns.withUnsafeBufferPointer { cp in
        t.withUnsafeMutableBufferPointer { tp in
        meat.withUnsafeMutableBufferPointer { mp in
            guard let design = dp.baseAddress, let tb = tp.baseAddress, let mb = mp.baseAddress else { return }
            var start = 0
            while start < n {
                let rows = Swift.min(blockRows, n - start)
                for r in 0..<rows {
                    let e = rp[start + r], source = design + (start + r) * m, target = tb + r * k
                    if everyColumn {
                        for c in 0..<k { target[c] = e * source[c] }
                    } else {
                        for c in 0..<k { target[c] = e * source[cp[c]] }
                    }
                }
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(k), Int32(rows), 1, tb, Int32(k), 1, mb,
                            Int32(k))
                start += rows
            }
        }}}}}
        for a in 0..<k { for b in 0..<a { meat[a * k + b] = meat[b * k + a] } }
        var a = [Double](repeating: 0, count: k * k)
        for (r, i) in columns.enumerated() {
            for (c, j) in columns.enumerated() { a[r * k + c] = gram[i * m + j] }
            a[r * k + r] += alpha
        }
        let inverse = Self.inverse(a, n: k)
        let correction = n - k - 1 > 0 ? Double(n) / Double(n - k - 1) : 1
        var out = [Double](repeating: 0, count: k)
        for c in 0..<k {
            // (A⁻¹ S A⁻¹)_cc = Σ_pq A⁻¹_cp S_pq A⁻¹_qc
            var v = 0.0
            for p in 0..<k {
                var row = 0.0
                for q in 0..<k { row += meat[p * k + q] * inverse[q * k + c] }
                v += inverse[c * k + p] * row
            }
            out[c] = (Swift.max(v, 0) * correction).squareRoot()
        }
        return out
    }

    /// The inverse of a symmetric positive (semi-)definite n×n matrix: one Cholesky solve with n right-hand sides
    /// (`dposv`), or column by column through `LinearSolve.symmetric` (SVD fallback) when Cholesky fails.
    static func inverse(_ a: [Double], n: Int) -> [Double] {
        var factor = a
        var identity = [Double](repeating: 0, count: n * n)
        for c in 0..<n { identity[c * n + c] = 1 }
        var info: Int32 = 0
        var nn = Int32(n), nrhs = Int32(n), lda = Int32(n), ldb = Int32(n)
        var uplo: CChar = 0x55 // "U"; A is symmetric, so row- and column-major storage agree.
        dposv_(&uplo, &nn, &nrhs, &factor, &lda, &identity, &ldb, &info)
        if info == 0, identity.allSatisfy({ $0.isFinite }) {
            // Column c of the column-major solution is A⁻¹e_c; transpose into row-major.
            var inverse = identity
            for r in 0..<n { for c in 0..<n { inverse[r * n + c] = identity[c * n + r] } }
            return inverse
        }
        var inverse = [Double](repeating: 0, count: n * n)
        for c in 0..<n {
            var unit = [Double](repeating: 0, count: n)
            unit[c] = 1
            let x = LinearSolve.symmetric(a, n: n, unit).x
            for r in 0..<n { inverse[r * n + c] = x[r] }
        }
        return inverse
    }

    /// scikit-learn's `r2_score`: 1 − rss/tss, with 1 for a perfect fit of a constant and 0 otherwise when tss = 0.
    static func score(rss: Double, tss: Double) -> Double {
        if tss > 0 { return 1 - rss / tss }
        return rss <= 0 ? 1 : 0
    }
}
