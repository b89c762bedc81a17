extension LIMEFeatureSelection {
    /// The LARS-lasso path from the Gram matrix G = XᵀX and the moments Xᵀy (Efron, Hastie, Johnstone & Tibshirani
    /// 2004, "Least angle regression", with the lasso modification), following scikit-learn's `lars_path`.
    ///
    /// Column 0 is all zeros; each later entry is the coefficient vector after one LARS step. A step moves the active
    /// coefficients along the equiangular direction until an inactive feature's correlation ties the active ones
    /// (it joins) or an active coefficient reaches zero (it leaves, and its coefficient is set exactly to 0).
    /// The path stops when the largest correlation divided by `rowCount` falls to float32 epsilon, as scikit-learn's
    /// does, when every feature is active, or after 500 steps. A feature whose column is (numerically) a combination
    /// of the active ones is skipped, as in scikit-learn.
    /// - Complexity: O(steps · k³) with k active features; no pass over the rows.
    static func lassoPath(gram: [Double], moments: [Double], width m: Int, rowCount: Int) -> [[Double]] {
        let tiny = Double(Float.leastNormalMagnitude)
        let tolerance = Double(Float.ulpOfOne)
        var beta = [Double](repeating: 0, count: m)
        var correlation = moments
        var isActive = [Bool](repeating: false, count: m)
        var active = [Int](), signs = [Double]()
        var path = [beta]
        var dropped = false
        var previousLevel = Double.infinity
        var steps = 0
        func g(_ i: Int, _ j: Int) -> Double { gram[i * m + j] }
        func activeGram() -> [Double] {
            let k = active.count
            var a = [Double](repeating: 0, count: k * k)
            for r in 0..<k { for c in 0..<k { a[r * k + c] = g(active[r], active[c]) } }
            return a
        }
        while true {
            var joining = -1, level = 0.0
            for j in 0..<m where !isActive[j] && abs(correlation[j]) > level {
                joining = j
                level = abs(correlation[j])
            }
            if level / Double(Swift.max(rowCount, 1)) <= tolerance { break }
            if steps >= 500 || active.count >= m || level > previousLevel { break }
            if !dropped {
                // Skip a feature that is (numerically) a combination of the active ones.
                var explained = 0.0
                if !active.isEmpty {
                    let cross = active.map { g($0, joining) }
                    let solved = LinearSolve.symmetric(activeGram(), n: active.count, cross).x
                    explained = zip(cross, solved).reduce(0) { $0 + $1.0 * $1.1 }
                }
                if Swift.max(abs(g(joining, joining) - explained).squareRoot(), Double.ulpOfOne) < 1e-7 {
                    correlation[joining] = 0
                    continue
                }
                active.append(joining)
                isActive[joining] = true
                signs.append(correlation[joining] > 0 ? 1 : -1)
            }
            let k = active.count
            let direction = LinearSolve.symmetric(activeGram(), n: k, signs).x
            let dot = zip(direction, signs).reduce(0) { $0 + $1.0 * $1.1 }
            guard dot > 0, dot.isFinite else { break }
            let equiangular = 1 / dot.squareRoot()
            let w = direction.map { $0 * equiangular }
            var along = [Double](repeating: 0, count: m)
            var gamma = level / equiangular
            for j in 0..<m where !isActive[j] {
                var a = 0.0
                for r in 0..<k { a += g(j, active[r]) * w[r] }
                along[j] = a
                let g1 = (level - correlation[j]) / (equiangular - a + tiny)
                let g2 = (level + correlation[j]) / (equiangular + a + tiny)
                if g1 > 0 { gamma = Swift.min(gamma, g1) }
                if g2 > 0 { gamma = Swift.min(gamma, g2) }
            }
            var crossing = Double.infinity
            var leaving = [Int]()
            for r in 0..<k {
                let z = -beta[active[r]] / (w[r] + tiny)
                guard z > 0 else { continue }
                if z < crossing { crossing = z; leaving = [r] } else if z == crossing { leaving.append(r) }
            }
            dropped = crossing < gamma
            if dropped { gamma = crossing }
            for r in 0..<k { beta[active[r]] += gamma * w[r] }
            for j in 0..<m where !isActive[j] { correlation[j] -= gamma * along[j] }
            steps += 1
            previousLevel = level
            if dropped {
                var leftFeatures = [Int]()
                for r in leaving.sorted(by: >) {
                    let j = active.remove(at: r)
                    signs.remove(at: r)
                    isActive[j] = false
                    beta[j] = 0
                    leftFeatures.append(j)
                }
                // A feature that leaves gets its correlation back, recomputed from the moments.
                for j in leftFeatures {
                    var c = moments[j]
                    for l in 0..<m { c -= g(j, l) * beta[l] }
                    correlation[j] = c
                }
            }
            path.append(beta)
        }
        return path
    }
}
