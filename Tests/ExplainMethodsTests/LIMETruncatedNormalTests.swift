import ExplainTensor
import Testing
@testable import ExplainMethods

@Suite("LIME truncated normal")
struct LIMETruncatedNormalTests {
    @Test("Φ⁻¹ meets Acklam's bound |Δx| ≤ 1.15e-9·|x|, seen through Φ, from p = 1e-300 to 1 − 1e-12")
    func quantileInvertsCDF() {
        var ps = [Double]()
        var p = 1e-300
        while p < 0.5 { ps.append(p); p *= 3.7 }
        ps += ps.map { 1 - $0 }.filter { $0 < 1 - 1e-12 }
        for p in ps {
            let x = LIMETruncatedNormal.quantile(p)
            let back = LIMETruncatedNormal.cdf(x)
            // An error Δx in x moves Φ by φ(x)·Δx; allow a few ulps for Φ itself.
            let density = Math.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            let tolerance = 1.2e-9 * abs(x) * density + 1e-14 * min(p, 1 - p) + 3e-16
            #expect(abs(back - p) <= tolerance, "p = \(p)")
        }
        #expect(LIMETruncatedNormal.quantile(0.5) == 0)
        #expect(LIMETruncatedNormal.quantile(0) == -.infinity && LIMETruncatedNormal.quantile(1) == .infinity)
    }

    /// Mean and variance of N(μ, σ²) truncated to [μ + aσ, μ + bσ] (Johnson, Kotz & Balakrishnan 1994).
    func moments(mean: Double, std: Double, a: Double, b: Double) -> (Double, Double) {
        func phi(_ t: Double) -> Double { Math.exp(-t * t / 2) / (2 * Double.pi).squareRoot() }
        let z = LIMETruncatedNormal.cdf(b) - LIMETruncatedNormal.cdf(a)
        let m = (phi(a) - phi(b)) / z
        let v = 1 + (a * phi(a) - b * phi(b)) / z - m * m
        return (mean + std * m, std * std * v)
    }

    @Test("midpoint-rule draws reproduce the truncated normal's mean and variance",
          arguments: [(-1.0, 2.0), (-8.0, 0.5), (3.0, 5.0), (0.0, 0.1), (-6.0, -4.0)])
    func truncatedMoments(interval: (Double, Double)) {
        let (a, b) = interval
        let mean = 2.0, std = 3.0
        let dist = LIMETruncatedNormal(mean: mean, std: std, lower: mean + a * std, upper: mean + b * std)
        let n = 100_000
        var s = 0.0, ss = 0.0
        for i in 0..<n {
            let v = dist.value(uniform: (Double(i) + 0.5) / Double(n))
            #expect(v >= dist.lower && v <= dist.upper)
            s += v
            ss += v * v
        }
        let m = s / Double(n), variance = ss / Double(n) - m * m
        let (em, ev) = moments(mean: mean, std: std, a: a, b: b)
        #expect(abs(m - em) < 1e-4 * std, "mean on [\(a), \(b)]")
        #expect(abs(variance - ev) < 1e-3 * ev, "variance on [\(a), \(b)]")
    }

    @Test("far-tail intervals, where Φ underflows, follow the exponential tail (mean ≈ a + 1/a)")
    func farTail() {
        let dist = LIMETruncatedNormal(mean: 0, std: 1, lower: 40, upper: 41)
        let n = 10_000
        let m = (0..<n).reduce(0.0) { $0 + dist.value(uniform: (Double($1) + 0.5) / Double(n)) } / Double(n)
        // E[X | X > a] = a + 1/a − 2/a³ + … for large a (the cut at 41 is 40 e-folds away). The exponential tail
        // limit has mean a + 1/a: its error, 2/a³ ≈ 3e-5 here, is the documented price of the approximation.
        #expect(abs(m - (40 + 1.0 / 40)) < 1e-6)
        #expect(abs(m - (40 + 1.0 / 40 - 2 / 64000)) < 2.0 / 64000 + 1e-6)
        let mirrored = LIMETruncatedNormal(mean: 0, std: 1, lower: -41, upper: -40)
        #expect(abs(mirrored.value(uniform: 0.3) + dist.value(uniform: 0.3)) < 1e-9)
    }

    @Test("the batched quantile pass equals the scalar quantile, tails included")
    func batchedQuantiles() {
        var rng = SplitMix64(seed: 4)
        var levels = (0..<997).map { _ in rng.nextUniform() }
        levels += [1e-300, 0.02424, 0.02425, 0.5, 0.97575, 0.97576, 1 - 1e-12]
        var out = [Double](repeating: 0, count: levels.count)
        levels.withUnsafeBufferPointer { l in
            out.withUnsafeMutableBufferPointer { o in
                LIMETruncatedNormal.quantiles(l.baseAddress!, into: o.baseAddress!, count: l.count)
            }
        }
        for (p, q) in zip(levels, out) { #expect(q == LIMETruncatedNormal.quantile(p), "p = \(p)") }
        let dist = LIMETruncatedNormal(mean: 1, std: 2, lower: 3, upper: 9)
        for u in [0.001, 0.3, 0.9] {
            #expect(dist.value(quantile: LIMETruncatedNormal.quantile(dist.level(uniform: u)), uniform: u) == dist.value(uniform: u))
        }
    }

    @Test("a single-point range gives the point")
    func singlePoint() {
        let dist = LIMETruncatedNormal(mean: 5, std: 1e-11, lower: 2, upper: 2)
        #expect(dist.value(uniform: 0.7) == 2)
    }
}
