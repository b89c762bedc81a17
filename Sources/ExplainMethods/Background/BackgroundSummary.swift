import ExplainTensor

/// Summaries of a large background into a few weighted rows, to bound KernelSHAP's cost.
public enum BackgroundSummary {
    /// Summarises rows into at most `clusters` weighted centroids, as `shap.kmeans` does.
    ///
    /// k-means (k-means++ seeding, then Lloyd iterations until no assignment changes); each centroid coordinate is
    /// then snapped to the nearest value seen in that column, so summaries of categorical or integer features stay
    /// valid inputs; the weight of a centroid is its cluster's size / n. Lloyd, "Least squares quantization in PCM",
    /// 1982; Arthur & Vassilvitskii, "k-means++", SODA 2007.
    ///
    /// - Parameters:
    ///   - rows: `[n, width]` rows (any rank; flattened per row).
    ///   - clusters: K ≥ 1. With K ≥ n the rows are returned with uniform weights.
    ///   - iterations: the most Lloyd iterations.
    ///   - rng: seeds the k-means++ choice of initial centres.
    /// - Returns: K rows (fewer when the data has fewer than K distinct rows) whose weights sum to 1.
    /// - Throws: `ExplainError(.invalidArgument)` for no rows, K < 1, or non-finite values.
    /// - Complexity: O(iterations · n · K · width), with the distances through sgemm.
    public static func kmeans(_ rows: Tensor, clusters: Int, iterations: Int = 300,
                              rng: inout SplitMix64) throws -> Background {
        let n = rows.batchSize, width = rows.sampleCount
        guard n > 0, width > 0 else {
            throw ExplainError(.invalidArgument, "no rows to summarise", at: "kmeans.rows")
        }
        guard clusters >= 1 else {
            throw ExplainError(.invalidArgument, "clusters must be at least 1, got \(clusters)", at: "kmeans.clusters")
        }
        guard rows.isFinite else {
            throw ExplainError(.invalidArgument, "the rows contain a non-finite value", at: "kmeans.rows")
        }
        let data = rows.reshaped([n, width])
        if clusters >= n { return Background(rows: data) }
        var centres = seed(data, count: clusters, rng: &rng)
        var labels = [Int](repeating: -1, count: n)
        for _ in 0..<max(1, iterations) {
            let next = assign(data, centres: centres, count: clusters).labels
            if next == labels { break }
            labels = next
            centres = recentre(data, labels: labels, previous: centres, count: clusters)
        }
        var sizes = [Int](repeating: 0, count: clusters)
        for label in labels { sizes[label] += 1 }
        let kept = (0..<clusters).filter { sizes[$0] > 0 }
        let snapped = snap(centres, clusters: kept, data: data)
        return Background(rows: Tensor(shape: [kept.count, width], scalars: snapped),
                          weights: kept.map { Double(sizes[$0]) / Double(n) })
    }

    /// k-means++: the first centre uniformly, each next one with probability ∝ squared distance to the nearest.
    private static func seed(_ data: Tensor, count k: Int, rng: inout SplitMix64) -> [Float] {
        let n = data.batchSize, width = data.sampleCount
        var centres = data.row(rng.nextInt(below: n))
        var nearest = [Double](repeating: .infinity, count: n)
        for c in 1..<max(k, 1) {
            let last = Array(centres[((c - 1) * width)..<(c * width)])
            var total = 0.0
            for i in 0..<n {
                var d = 0.0
                for j in 0..<width {
                    let diff = Double(data.scalars[i * width + j] - last[j])
                    d += diff * diff
                }
                nearest[i] = min(nearest[i], d)
                total += nearest[i]
            }
            var pick = rng.nextInt(below: n)
            if total > 0 {
                var u = rng.nextUniform() * total
                for i in 0..<n {
                    u -= nearest[i]
                    if u < 0 { pick = i; break }
                }
            }
            centres.append(contentsOf: data.row(pick))
        }
        return centres
    }

    /// The nearest centre of every row, with ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖² and x·c by sgemm in row blocks.
    static func assign(_ data: Tensor, centres: [Float], count k: Int) -> (labels: [Int], distances: [Float]) {
        let n = data.batchSize, width = data.sampleCount
        let centreNorms = (0..<k).map { c in (0..<width).reduce(Float(0)) { $0 + centres[c * width + $1] * centres[c * width + $1] } }
        var labels = [Int](repeating: 0, count: n)
        var distances = [Float](repeating: 0, count: n)
        let block = max(1, min(n, (1 << 20) / max(1, k)))
        var products = [Float](repeating: 0, count: block * k)
        var start = 0
        while start < n {
            let rowsInBlock = min(block, n - start)
            data.scalars.withUnsafeBufferPointer { x in
                centres.withUnsafeBufferPointer { c in
                    products.withUnsafeMutableBufferPointer { p in
                        guard let xa = x.baseAddress, let ca = c.baseAddress, let pa = p.baseAddress else { return }
                        BLAS.gemm(xa + start * width, ca, pa, m: rowsInBlock, n: k, k: width, transposeB: true)
                    }
                }
            }
            for r in 0..<rowsInBlock {
                var best = 0
                var bestDistance = Float.infinity
                for c in 0..<k {
                    let d = centreNorms[c] - 2 * products[r * k + c]
                    if d < bestDistance { bestDistance = d; best = c }
                }
                labels[start + r] = best
                distances[start + r] = bestDistance
            }
            start += rowsInBlock
        }
        return (labels, distances)
    }

    /// The mean of each cluster; an emptied cluster keeps its previous centre.
    private static func recentre(_ data: Tensor, labels: [Int], previous: [Float], count k: Int) -> [Float] {
        let width = data.sampleCount
        var sums = [Double](repeating: 0, count: k * width)
        var sizes = [Int](repeating: 0, count: k)
        for (i, label) in labels.enumerated() {
            sizes[label] += 1
            for j in 0..<width { sums[label * width + j] += Double(data.scalars[i * width + j]) }
        }
        var centres = previous
        for c in 0..<k where sizes[c] > 0 {
            for j in 0..<width { centres[c * width + j] = Float(sums[c * width + j] / Double(sizes[c])) }
        }
        return centres
    }

    /// Replaces each coordinate of the kept centres by the nearest value of that column in the data.
    private static func snap(_ centres: [Float], clusters: [Int], data: Tensor) -> [Float] {
        let n = data.batchSize, width = data.sampleCount
        var out = [Float](repeating: 0, count: clusters.count * width)
        for j in 0..<width {
            let column = (0..<n).map { data.scalars[$0 * width + j] }.sorted()
            for (position, c) in clusters.enumerated() {
                let v = centres[c * width + j]
                var lo = 0, hi = n - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if column[mid] < v { lo = mid + 1 } else { hi = mid }
                }
                var best = column[lo]
                if lo > 0, abs(column[lo - 1] - v) <= abs(best - v) { best = column[lo - 1] }
                out[position * width + j] = best
            }
        }
        return out
    }
}
