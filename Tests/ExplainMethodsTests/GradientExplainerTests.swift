import ExplainMethods
import ExplainNN
import ExplainTensor
import Testing

@Suite("Gradient, saliency and gradient × input")
struct GradientExplainerTests {
    typealias F = GradientFixtures

    @Test("on f(x) = w·x + b the gradient is w, saliency |w| and gradient × input w ⊙ x")
    func linearClosedForm() throws {
        let w: [Float] = [0.5, -2, 1.25, 0, 3]
        let model = try F.linear(weights: w, bias: 0.75)
        let x = F.rows(4, width: 5, seed: 11)
        let grads = try GradientExplainer(kind: .gradient).explain(x, using: model)
        let sal = try GradientExplainer(kind: .saliency).explain(x, using: model)
        let gxi = try GradientExplainer(kind: .gradientXInput).explain(x, using: model)
        for r in 0..<4 {
            let row = x.row(r)
            #expect(grads[r].attributions == w.map(Double.init))
            #expect(sal[r].attributions == w.map { Double(abs($0)) })
            #expect(F.maxDifference(gxi[r].attributions, zip(w, row).map { Double($0) * Double($1) }) < 1e-6)
            let fx = zip(w, row).reduce(0.75) { $0 + Double($1.0) * Double($1.1) }
            #expect(abs(grads[r].prediction - fx) < 1e-5)
            #expect(grads[r].target == 0 && grads[r].targetName == "y" && grads[r].baseValue == nil && grads[r].stdErrors == nil)
        }
    }

    @Test("MLP input gradients match central finite differences for every output")
    func mlpFiniteDifferences() throws {
        let model = try F.smoothMLP()
        let x = F.rows(3, width: 5, seed: 12, scale: 1.5)
        for target in 0..<3 {
            let e = try GradientExplainer().explain(x, using: model, target: .index(target))
            for r in 0..<3 {
                let fd = F.finiteDifference(model, row: x.row(r), target: target, h: 5e-3)
                #expect(F.maxDifference(e[r].attributions, fd) <= 2e-4 + 1e-2 * F.maxAbs(fd), "row \(r) target \(target)")
                #expect(F.maxAbs(fd) > 1e-3)
            }
        }
    }

    @Test("CNN input gradients match central finite differences")
    func cnnFiniteDifferences() throws {
        let model = try F.smoothCNN()
        let x = F.rows(2, width: 72, seed: 13)
        let e = try GradientExplainer().explain(x.reshaped([2, 2, 6, 6]), using: model, target: .index(1))
        for r in 0..<2 {
            let fd = F.finiteDifference(model, row: x.row(r), target: 1, h: 5e-3)
            #expect(F.maxDifference(e[r].attributions, fd) <= 2e-4 + 1e-2 * F.maxAbs(fd))
            #expect(F.maxAbs(fd) > 1e-3)
        }
    }

    @Test("saliency is the absolute gradient and gradient × input is x ⊙ gradient, row by row")
    func saliencyIsAbsoluteGradient() throws {
        let model = try F.smoothMLP()
        let x = F.rows(6, width: 5, seed: 14, scale: 2)
        let g = try GradientExplainer(kind: .gradient).explain(x, using: model)
        let s = try GradientExplainer(kind: .saliency).explain(x, using: model)
        let gx = try GradientExplainer(kind: .gradientXInput).explain(x, using: model)
        for r in 0..<6 {
            #expect(s[r].attributions == g[r].attributions.map { abs($0) })
            #expect(g[r].attributions.contains { $0 < 0 })
            #expect(F.maxDifference(gx[r].attributions, zip(g[r].attributions, x.row(r)).map { $0 * Double($1) }) < 1e-7)
        }
    }

    @Test("the default target is each row's argmax; an index selects that output")
    func targetSelection() throws {
        let model = try F.smoothMLP()
        let x = F.rows(8, width: 5, seed: 15, scale: 3)
        let argmax = model.forward(x).argmaxPerRow()
        #expect(Set(argmax).count > 1)
        let byDefault = try GradientExplainer().explain(x, using: model)
        #expect(byDefault.map(\.target) == argmax)
        #expect(byDefault.map(\.targetName) == argmax.map { model.outputNames[$0] })
        let fixed = try GradientExplainer().explain(x, using: model, target: .index(2))
        #expect(fixed.allSatisfy { $0.target == 2 && $0.targetName == "c" })
        let out = model.forward(x)
        // The explainer's pass needs no parameter gradients (the small-matrix kernel): equal to float rounding.
        for r in 0..<8 { #expect(abs(fixed[r].prediction - Double(out.scalars[r * 3 + 2])) <= 1e-6) }
        #expect(throws: ExplainError.self) { try GradientExplainer().explain(x, using: model, target: .index(3)) }
    }

    @Test("Target.resolve(name:) accepts output names and indices and rejects others")
    func targetNames() throws {
        let names = ["setosa", "versicolor", "virginica"]
        #expect(try Target.resolve(name: "versicolor", outputNames: names) == .index(1))
        #expect(try Target.resolve(name: "2", outputNames: names) == .index(2))
        #expect(throws: ExplainError.self) { try Target.resolve(name: "3", outputNames: names) }
        #expect(throws: ExplainError.self) { try Target.resolve(name: "rose", outputNames: names) }
    }

    @Test("results do not depend on the chunk size, and bad rows are rejected")
    func chunkingAndValidation() throws {
        let model = try F.smoothMLP()
        let x = F.rows(7, width: 5, seed: 16)
        let whole = try GradientExplainer().explain(x, using: model)
        let chunked = try GradientExplainer(batching: GradientBatching(maxScalars: 10)).explain(x, using: model)
        #expect(whole.map(\.target) == chunked.map(\.target))
        for r in 0..<7 { #expect(F.maxDifference(whole[r].attributions, chunked[r].attributions) < 1e-6) }
        #expect(chunked.map(\.row) == Array(0..<7))
        #expect(throws: ExplainError.self) { try GradientExplainer().explain(F.rows(2, width: 4, seed: 1), using: model) }
        let bad = Tensor(shape: [1, 5], scalars: [0, .nan, 0, 0, 0])
        #expect(throws: ExplainError.self) { try GradientExplainer().explain(bad, using: model) }
    }
}
