import ExplainNN
import ExplainTensor
import Testing

@Suite("Stratified split")
struct TrainSplitTests {
    @Test("the held-out part has every class in proportion, and the parts partition the rows", arguments: [0.1, 0.2, 0.3])
    func proportions(fraction: Double) {
        let labels = (0..<150).map { $0 < 50 ? 0 : ($0 < 120 ? 1 : 2) }
        var rng = SplitMix64(seed: 1)
        let (kept, heldOut) = StratifiedSplit.split(labels: labels, fraction: fraction, using: &rng)
        #expect(Set(kept).isDisjoint(with: heldOut))
        #expect((kept + heldOut).sorted() == Array(0..<150))
        #expect(heldOut.count == Int((150 * fraction).rounded()))
        for (c, size) in [50, 70, 30].enumerated() {
            let held = heldOut.filter { labels[$0] == c }.count
            #expect(abs(Double(held) - Double(size) * fraction) < 1, "class \(c): \(held)")
        }
    }

    @Test("the same seed gives the same split, another seed a different one; singletons stay in training")
    func determinism() {
        let labels = (0..<40).map { $0 % 4 } + [4]
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7), c = SplitMix64(seed: 8)
        let first = StratifiedSplit.split(labels: labels, fraction: 0.25, using: &a)
        let second = StratifiedSplit.split(labels: labels, fraction: 0.25, using: &b)
        let third = StratifiedSplit.split(labels: labels, fraction: 0.25, using: &c)
        #expect(first.heldOut == second.heldOut && first.kept == second.kept)
        #expect(first.heldOut != third.heldOut)
        #expect(first.kept.contains(40))
    }

    @Test("seeded shuffles are permutations and reproducible")
    func shuffle() {
        var a = SplitMix64(seed: 3), b = SplitMix64(seed: 3)
        var x = Array(0..<100), y = Array(0..<100)
        a.shuffle(&x)
        b.shuffle(&y)
        #expect(x == y && x != Array(0..<100) && x.sorted() == Array(0..<100))
    }
}
