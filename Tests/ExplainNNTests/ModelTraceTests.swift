import ExplainKit
import Testing
import TestSupport

@Suite("Model.trace keeps every layer's input, output and pullback")
struct ModelTraceTests {
    @Test("inputs chain to outputs, the outputs are the activations, the pullbacks compose to the input gradient, hooks fire")
    func trace() throws {
        let model = try Fixtures.cnn()
        let x = FiniteDifferences.randomTensor(shape: [2, 36], seed: 7)
        let seen = Captured<String>()
        let handle = try model.registerForwardHook(at: "act1") { seen.append($0.layer) }
        defer { handle.remove() }
        let traces = model.trace(x)
        #expect(seen.values == ["act1"])
        #expect(traces.count == model.layers.count)
        #expect(traces.map(\.layer.name) == model.layerNames)
        let activations = model.activations(x)
        for (i, t) in traces.enumerated() {
            #expect(t.output.scalars == activations[i].scalars)
            #expect(t.input.scalars == (i == 0 ? x.scalars : traces[i - 1].output.scalars))
        }
        var g = Tensor(shape: traces[traces.count - 1].output.shape, repeating: 0)
        g.scalars[1] = 1
        g.scalars[g.sampleCount] = 1
        for t in traces.reversed() { g = t.pullback(g).input }
        let want = model.inputGradient(x, targets: [1, 0]).gradient
        #expect(Closeness.maxAbsDifference(g.scalars, want.scalars) < 1e-6)
    }
}
