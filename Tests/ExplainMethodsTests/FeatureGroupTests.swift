import ExplainMethods
import ExplainTensor
import Testing
import TestSupport

@Suite("Feature groups: players made of several features")
struct FeatureGroupTests {
    /// Exact interventional Shapley values over players `groups` by brute force: v(S) = mean over references of
    /// f(x on S's features, reference elsewhere).
    static func bruteForce(_ f: ([Float]) -> Double, x: [Float], references: [[Float]], groups: [[Int]]) -> [Double] {
        let m = groups.count
        func value(_ mask: Int) -> Double {
            references.reduce(0.0) { total, reference in
                var row = reference
                for (g, members) in groups.enumerated() where mask & (1 << g) != 0 { for i in members { row[i] = x[i] } }
                return total + f(row)
            } / Double(references.count)
        }
        var factorial = [1.0]
        for i in 1...m { factorial.append(factorial[i - 1] * Double(i)) }
        return (0..<m).map { i in
            (0..<(1 << m)).filter { $0 & (1 << i) == 0 }.reduce(0.0) { total, s in
                let size = s.nonzeroBitCount
                let weight = factorial[size] * factorial[m - size - 1] / factorial[m]
                return total + weight * (value(s | (1 << i)) - value(s))
            }
        }
    }

    static func predictor(_ width: Int, _ f: @escaping @Sendable ([Float]) -> Double) -> ClosurePredictor {
        ClosurePredictor(inputWidth: width, outputCount: 1) { batch in
            let n = batch.batchSize
            return Tensor(shape: [n, 1], scalars: (0..<n).map { r in
                Float(f(Array(batch.scalars[(r * width)..<((r + 1) * width)])))
            })
        }
    }

    @Test("a model of a group's sum: grouped KernelSHAP equals the exact two-player Shapley values")
    func groupSum() throws {
        let f: @Sendable ([Float]) -> Double = { v in Double(v[0] + v[1] + v[2]) * Double(v[3]) + Double(v[3]) }
        let names = ["a", "b", "c", "d"]
        let groups = try FeatureGroups([("abc", ["a", "b", "c"])], featureNames: names)
        #expect(groups.names == ["abc", "d"])
        let x: [Float] = [1, 2, 0.5, 3], references = Tensor(shape: [2, 4], scalars: [0, 0, 0, 1, 1, -1, 2, 0])
        let game = try GroupedMasking(model: Self.predictor(4, f), groups: groups, row: x, references: references)
        var rng = SplitMix64(seed: 1)
        let result = try KernelSHAPExplainer(background: game.codedReferences())
            .explain(game.codedRow, predictor: game, rng: &rng)
        let phi = try result.explanation(target: .index(0)).attributions
        let want = Self.bruteForce(f, x: x, references: [[0, 0, 0, 1], [1, -1, 2, 0]], groups: [[0, 1, 2], [3]])
        #expect(phi.count == 2)
        for (a, b) in zip(phi, want) { #expect(Swift.abs(a - b) < 1e-4, "\(a) vs \(b)") }
        // Efficiency over groups: Σφ = f(x) − E f(reference).
        let base = (f([0, 0, 0, 1]) + f([1, -1, 2, 0])) / 2
        #expect(Swift.abs(phi.reduce(0, +) - (f(x) - base)) < 1e-4)
    }

    @Test("three one-hot columns as one group get one attribution equal to the brute-force value; Shapley sampling agrees within its error")
    func oneHot() throws {
        // Columns 0–2 one-hot (a colour), 3 and 4 numeric; the model reads the colour through a table.
        let f: @Sendable ([Float]) -> Double = { v in
            Double(2 * v[0] - v[1] + 3 * v[2]) * Double(v[3]) + Double(v[4] * v[4])
        }
        let names = ["red", "green", "blue", "size", "weight"]
        let groups = try FeatureGroups([("colour", ["red", "green", "blue"])], featureNames: names)
        let x: [Float] = [0, 0, 1, 2, 1]
        let refs: [[Float]] = [[1, 0, 0, 1, 0], [0, 1, 0, 0.5, 2], [0, 0, 1, 3, -1]]
        let game = try GroupedMasking(model: Self.predictor(5, f), groups: groups, row: x,
                                      references: Tensor(shape: [3, 5], scalars: refs.flatMap { $0 }))
        let want = Self.bruteForce(f, x: x, references: refs, groups: [[0, 1, 2], [3], [4]])
        var rng = SplitMix64(seed: 2)
        let exact = try KernelSHAPExplainer(background: game.codedReferences())
            .explain(game.codedRow, predictor: game, rng: &rng).explanation(target: .index(0))
        for (a, b) in zip(exact.attributions, want) { #expect(Swift.abs(a - b) < 1e-4, "\(a) vs \(b)") }
        let sampled = try ShapleySampling(background: game.codedReferences(), permutations: 400)
            .explain(game.codedRow, predictor: game, rng: &rng).explanation(target: .index(0))
        let errors = try #require(sampled.stdErrors)
        for (i, (a, b)) in zip(sampled.attributions, want).enumerated() {
            #expect(Swift.abs(a - b) <= 4 * errors[i] + 1e-6, "group \(i): \(a) vs \(b) ± \(errors[i])")
        }
        #expect(Swift.abs(sampled.attributions.reduce(0, +) - exact.attributions.reduce(0, +)) < 1e-3)
    }

    @Test("ungrouped features are singletons; a feature in two groups, an unknown feature and a clashing name are errors naming them")
    func validation() throws {
        let names = ["a", "b", "c"]
        let groups = try FeatureGroups([("bc", ["c", "b"])], featureNames: names)
        #expect(groups.groups == [.init(name: "a", members: [0]), .init(name: "bc", members: [1, 2])])
        #expect(FeatureGroups(singletons: names).names == names)
        func message(_ named: [(String, [String])]) -> String? {
            do { _ = try FeatureGroups(named.map { (name: $0.0, features: $0.1) }, featureNames: names); return nil } catch {
                return error.message
            }
        }
        #expect(message([("x", ["a", "b"]), ("y", ["b"])])?.contains("feature \"b\" is in group \"x\" and in group \"y\"") == true)
        #expect(message([("x", ["a", "z"])])?.contains("unknown feature \"z\"") == true)
        #expect(message([("b", ["a"])])?.contains("ungrouped feature") == true)
        #expect(message([("x", [])])?.contains("no features") == true)
    }
}
