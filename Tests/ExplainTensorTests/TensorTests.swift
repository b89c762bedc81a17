import ExplainTensor
import Testing

@Suite("Tensor core")
struct TensorTests {
    func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Double] {
        (0..<(m * n)).map { idx in
            let i = idx / n, j = idx % n
            return (0..<k).reduce(0.0) { $0 + Double(a[i * k + $1]) * Double(b[$1 * n + j]) }
        }
    }

    @Test("sgemm matches a naive product in all four transpose modes")
    func matmul() {
        var rng = SplitMix64(seed: 1)
        let m = 5, n = 7, k = 3
        let a = (0..<(m * k)).map { _ in Float(rng.nextNormal()) }
        let b = (0..<(k * n)).map { _ in Float(rng.nextNormal()) }
        let expected = naive(a, b, m: m, n: n, k: k)
        func transpose(_ x: [Float], _ r: Int, _ c: Int) -> [Float] { (0..<(r * c)).map { x[($0 % r) * c + $0 / r] } }
        let at = Tensor(shape: [k, m], scalars: transpose(a, m, k))
        let bt = Tensor(shape: [n, k], scalars: transpose(b, k, n))
        let A = Tensor(shape: [m, k], scalars: a), B = Tensor(shape: [k, n], scalars: b)
        for (x, y, ta, tb) in [(A, B, false, false), (at, B, true, false), (A, bt, false, true), (at, bt, true, true)] {
            let c = Tensor.matmul(x, y, transposeA: ta, transposeB: tb)
            #expect(c.shape == [m, n])
            for (u, v) in zip(c.scalars, expected) { #expect(abs(Double(u) - v) < 1e-5) }
        }
    }

    @Test("the generator is deterministic per seed, and derived streams differ")
    func determinism() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let xa = (0..<8).map { _ in a.next() }, xb = (0..<8).map { _ in b.next() }, xc = (0..<8).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
        var d0 = SplitMix64(seed: 42).derived(0), d1 = SplitMix64(seed: 42).derived(1)
        #expect(d0.next() != d1.next())
    }

    @Test("normal draws have mean 0 and variance 1; uniform draws lie in [0, 1)")
    func moments() {
        var rng = SplitMix64(seed: 7)
        let n = 200_000
        let xs = (0..<n).map { _ in rng.nextNormal() }
        let mean = xs.reduce(0, +) / Double(n)
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.02)
        let us = (0..<1000).map { _ in rng.nextUniform() }
        #expect(us.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test("elementwise ops, reductions and row access")
    func elementwise() {
        let a = Tensor(rows: [[1, -2], [3, 4]])
        let b = Tensor(rows: [[0.5, 0.5], [1, -1]])
        #expect((a + b).scalars == [1.5, -1.5, 4, 3])
        #expect((a * b).scalars == [0.5, -1, 3, -4])
        #expect(a.sum() == 6)
        #expect(a.maxAbs() == 4)
        #expect(a.argmaxPerRow() == [0, 1])
        #expect(a.sumOverBatch().scalars == [4, 2])
        #expect(a.row(1) == [3, 4])
        #expect(Tensor.concatenating([a.rows(0..<1), a.rows(1..<2)]) == a)
    }
}
