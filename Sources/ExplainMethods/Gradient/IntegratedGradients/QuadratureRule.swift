import ExplainTensor

/// A quadrature rule on [0, 1] for the path integral of integrated gradients.
///
/// ```
/// ∫₀¹ g(α) dα ≈ Σ_k w_k g(α_k)
/// gauss-legendre     n Legendre nodes and weights, mapped from [−1, 1] to [0, 1]
/// riemann-left       α_k = k/n,       w_k = 1/n,  k = 0…n−1
/// riemann-right      α_k = (k+1)/n,   w_k = 1/n
/// riemann-middle     α_k = (k+½)/n,   w_k = 1/n
/// riemann-trapezoid  α_k = k/n, k = 0…n (n+1 points), w = 1/n inside and 1/(2n) at both ends
/// ```
/// Gauss–Legendre is exact for polynomials of degree 2n − 1; its nodes are the roots of Pₙ found by Newton iteration
/// in Double (Golub & Welsch 1969 give the same nodes through an eigenproblem). captum `approximation_method` names
/// the same rules `gausslegendre`, `riemann_left`, ...
public enum QuadratureRule: String, Sendable, CaseIterable, Codable {
    case gaussLegendre = "gauss-legendre"
    case riemannLeft = "riemann-left"
    case riemannRight = "riemann-right"
    case riemannMiddle = "riemann-middle"
    case riemannTrapezoid = "riemann-trapezoid"

    /// The nodes α_k in [0, 1] (ascending) and their weights, which sum to 1.
    ///
    /// - Parameter stepCount: n ≥ 1; the trapezoid rule returns n + 1 nodes, the others n.
    public func nodes(stepCount n: Int) -> (alphas: [Double], weights: [Double]) {
        precondition(n >= 1, "QuadratureRule: stepCount must be at least 1")
        let h = 1 / Double(n)
        switch self {
        case .gaussLegendre: return QuadratureRule.gaussLegendre(n)
        case .riemannLeft: return ((0..<n).map { Double($0) * h }, [Double](repeating: h, count: n))
        case .riemannRight: return ((0..<n).map { Double($0 + 1) * h }, [Double](repeating: h, count: n))
        case .riemannMiddle: return ((0..<n).map { (Double($0) + 0.5) * h }, [Double](repeating: h, count: n))
        case .riemannTrapezoid:
            var weights = [Double](repeating: h, count: n + 1)
            weights[0] = h / 2
            weights[n] = h / 2
            return ((0...n).map { Double($0) * h }, weights)
        }
    }

    /// The n-point Gauss–Legendre rule on [0, 1].
    static func gaussLegendre(_ n: Int) -> (alphas: [Double], weights: [Double]) {
        var alphas = [Double](repeating: 0.5, count: n)
        var weights = [Double](repeating: 1, count: n)
        for i in 0..<((n + 1) / 2) {
            // Initial guess (Tricomi), then Newton on Pₙ with the three-term recurrence.
            var z = Math.cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 1.0
            for _ in 0..<100 {
                var p1 = 1.0, p2 = 0.0
                for j in 1...n {
                    let p3 = p2
                    p2 = p1
                    p1 = ((2 * Double(j) - 1) * z * p2 - (Double(j) - 1) * p3) / Double(j)
                }
                derivative = Double(n) * (z * p1 - p2) / (z * z - 1)
                let step = p1 / derivative
                z -= step
                if Swift.abs(step) <= 1e-15 { break }
            }
            let w = 1 / ((1 - z * z) * derivative * derivative)   // 2/((1−z²)P′²) on [−1, 1], halved for [0, 1]
            alphas[i] = (1 - z) / 2
            alphas[n - 1 - i] = (1 + z) / 2
            weights[i] = w
            weights[n - 1 - i] = w
        }
        return (alphas, weights)
    }
}
