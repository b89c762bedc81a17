import CBLAS
import ExplainTensor

/// Dense linear solves in Double through LAPACK (inside libopenblas).
public enum LinearSolve {
    /// How a solve succeeded.
    public enum Method: String, Sendable { case cholesky, leastSquares = "least-squares" }

    /// Solves A x = b for a symmetric positive (semi-)definite n×n matrix A (row-major, Double).
    ///
    /// Tries Cholesky (`dposv`) first. When A is singular or not positive definite it falls back to the
    /// minimum-norm least-squares solution through an SVD (`dgelsd`), and says so in the returned method.
    /// - Returns: the solution and the method that produced it.
    public static func symmetric(_ a: [Double], n: Int, _ b: [Double]) -> (x: [Double], method: Method) {
        precondition(a.count == n * n && b.count == n)
        if n == 0 { return ([], .cholesky) }
        var am = a
        var bm = b
        var info: Int32 = 0
        var nn = Int32(n), nrhs: Int32 = 1, lda = Int32(n), ldb = Int32(n)
        var uplo: CChar = 0x55 // "U"
        dposv_(&uplo, &nn, &nrhs, &am, &lda, &bm, &ldb, &info)
        if info == 0, bm.allSatisfy({ $0.isFinite }) { return (bm, .cholesky) }
        return (leastSquares(a, rows: n, columns: n, b), .leastSquares)
    }

    /// The minimum-norm least-squares solution of A x ≈ b for a rows×columns matrix A (row-major, Double), by SVD.
    public static func leastSquares(_ a: [Double], rows: Int, columns: Int, _ b: [Double]) -> [Double] {
        precondition(a.count == rows * columns && b.count == rows)
        // LAPACK is column-major: pass Aᵀ's storage, which is A in column-major order.
        var colMajor = [Double](repeating: 0, count: rows * columns)
        for i in 0..<rows { for j in 0..<columns { colMajor[j * rows + i] = a[i * columns + j] } }
        let ldb = max(rows, columns)
        var bm = [Double](repeating: 0, count: ldb)
        for i in 0..<rows { bm[i] = b[i] }
        var m = Int32(rows), n = Int32(columns), nrhs: Int32 = 1, lda = Int32(max(rows, 1)), ldbv = Int32(ldb)
        var s = [Double](repeating: 0, count: max(1, min(rows, columns)))
        var rcond = -1.0, rank: Int32 = 0, info: Int32 = 0
        var lwork: Int32 = -1
        var workQuery = [Double](repeating: 0, count: 1)
        var iworkQuery = [Int32](repeating: 0, count: 1)
        dgelsd_(&m, &n, &nrhs, &colMajor, &lda, &bm, &ldbv, &s, &rcond, &rank, &workQuery, &lwork, &iworkQuery, &info)
        lwork = Int32(workQuery[0])
        var work = [Double](repeating: 0, count: max(1, Int(lwork)))
        var iwork = [Int32](repeating: 0, count: max(1, Int(iworkQuery[0])))
        dgelsd_(&m, &n, &nrhs, &colMajor, &lda, &bm, &ldbv, &s, &rcond, &rank, &work, &lwork, &iwork, &info)
        return Array(bm.prefix(columns))
    }
}
