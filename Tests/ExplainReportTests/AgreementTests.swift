import ExplainReport
import ExplainTensor
import Testing

@Suite("Method agreement")
struct AgreementTests {
    @Test("ties get their average rank")
    func ranks() {
        #expect(Agreement.ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4])
        #expect(Agreement.ranks([3, 1, 2]) == [3, 1, 2])
    }

    @Test("Spearman ρ matches 1 − 6Σd²/(n(n²−1)) on distinct magnitudes")
    func closedForm() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<20 {
            let n = 12
            let a = (0..<n).map { _ in rng.nextUniform() * 2 - 1 }
            let b = (0..<n).map { _ in rng.nextUniform() * 2 - 1 }
            let ra = Agreement.ranks(a.map(abs)), rb = Agreement.ranks(b.map(abs))
            let d2 = zip(ra, rb).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            let expected = 1 - 6 * d2 / Double(n * (n * n - 1))
            #expect(abs((Agreement.spearman(a, b) ?? .nan) - expected) < 1e-12)
        }
    }

    @Test("Spearman ρ is 1 for the same ranking, −1 for the reversed one, and compares magnitudes")
    func extremes() {
        let a = [0.1, -0.5, 0.3, 2]
        #expect(Agreement.spearman(a, a.map { $0 * 3 }) == 1)
        #expect(abs((Agreement.spearman(a, [-0.1, 0.5, -0.3, -2]) ?? 0) - 1) < 1e-12)
        #expect(abs((Agreement.spearman([1, 2, 3, 4], [4, 3, 2, 1]) ?? 0) + 1) < 1e-12)
        #expect(Agreement.spearman([1, 1, 1], [1, 2, 3]) == nil)
        #expect(Agreement.spearman([1, 2], [1]) == nil)
    }

    @Test("top-5 overlap counts shared features among the five largest |φ|")
    func overlap() {
        let a: [Double] = [9, 8, 7, 6, 5, 0, 0, 0]
        let b: [Double] = [-9, 0, 7, 0, 5, 4, 3, 2]
        // top-5 of a: {0,1,2,3,4}; of b: {0,2,4,5,6} → {0,2,4}.
        #expect(Agreement.topOverlap(a, b) == 0.6)
        #expect(Agreement.topOverlap(a, a) == 1)
        #expect(Agreement.topOverlap([1, 2], [2, 1]) == 1)
    }
}
