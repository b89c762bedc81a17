import ExplainKit
import Testing

@Suite("Background summary (k-means)")
struct BackgroundSummaryTests {
    @Test("k-means returns K rows with weights summing to 1, every coordinate a value seen in its column")
    func summary() throws {
        var rng = SplitMix64(seed: 3)
        let n = 300, width = 5
        let scalars = (0..<(n * width)).map { _ in Float((rng.nextNormal() * 4).rounded()) }
        let rows = Tensor(shape: [n, width], scalars: scalars)
        var seed = SplitMix64(seed: 1)
        let background = try BackgroundSummary.kmeans(rows, clusters: 10, rng: &seed)
        #expect(background.rows.shape == [10, width])
        #expect(abs(background.weights.reduce(0, +) - 1) <= 1e-12)
        #expect(background.weights.allSatisfy { $0 > 0 })
        for c in 0..<10 {
            for j in 0..<width {
                let v = background.rows.scalars[c * width + j]
                #expect((0..<n).contains { scalars[$0 * width + j] == v })
            }
        }
        // Weights are cluster sizes / n: multiples of 1/n.
        #expect(background.weights.allSatisfy { abs(($0 * Double(n)).rounded() - $0 * Double(n)) <= 1e-9 })
    }

    @Test("well-separated clusters are recovered with their sizes; the same seed gives the same summary")
    func separatedClusters() throws {
        var rng = SplitMix64(seed: 5)
        let centres: [[Float]] = [[0, 0], [100, 0], [0, 100]]
        let sizes = [50, 30, 20]
        var rows = [[Float]]()
        for (c, size) in sizes.enumerated() {
            for _ in 0..<size { rows.append(centres[c].map { $0 + Float(rng.nextNormal()) }) }
        }
        var a = SplitMix64(seed: 8), b = SplitMix64(seed: 8)
        let summary = try BackgroundSummary.kmeans(Tensor(rows: rows), clusters: 3, rng: &a)
        let again = try BackgroundSummary.kmeans(Tensor(rows: rows), clusters: 3, rng: &b)
        #expect(summary == again)
        #expect(summary.weights.sorted() == [0.2, 0.3, 0.5])
        for c in 0..<3 {
            let row = summary.rows.row(c)
            #expect(centres.contains { abs($0[0] - row[0]) < 4 && abs($0[1] - row[1]) < 4 })
        }
    }

    @Test("K ≥ n returns the rows; invalid input throws")
    func edges() throws {
        var rng = SplitMix64(seed: 0)
        let rows = Tensor(rows: [[1, 2], [3, 4]])
        let same = try BackgroundSummary.kmeans(rows, clusters: 5, rng: &rng)
        #expect(same.rows == rows && same.weights == [0.5, 0.5])
        #expect(throws: ExplainError.self) { try BackgroundSummary.kmeans(rows, clusters: 0, rng: &rng) }
        #expect(throws: ExplainError.self) {
            try BackgroundSummary.kmeans(Tensor(rows: [[Float.nan, 1]]), clusters: 1, rng: &rng)
        }
    }
}
