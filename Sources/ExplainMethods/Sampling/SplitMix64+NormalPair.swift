import ExplainTensor

extension SplitMix64 {
    /// Two independent standard normal values by Marsaglia's polar method: one logarithm and one square root per pair,
    /// no trigonometry.
    ///
    /// ```
    /// u, v ~ U(−1, 1) until 0 < s = u² + v² < 1;  f = √(−2 ln s / s)  →  (u f, v f)
    /// ```
    /// Marsaglia & Bray 1964, "A Convenient Method for Generating Normal Variables". About 21% of the (u, v) draws
    /// are rejected, so a pair takes 2.55 uniforms on average.
    public mutating func nextNormalPair() -> (Double, Double) {
        while true {
            let u = 2 * nextUniform() - 1, v = 2 * nextUniform() - 1
            let s = u * u + v * v
            guard s > 0, s < 1 else { continue }
            let f = (-2 * Math.log(s) / s).squareRoot()
            return (u * f, v * f)
        }
    }
}
