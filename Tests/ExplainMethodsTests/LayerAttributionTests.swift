import ExplainMethods
import ExplainNN
import ExplainTensor
import Foundation
import Testing

@Suite("Layer attribution through hooks")
struct LayerAttributionTests {
    typealias F = GradientFixtures

    @Test("hook-captured activations equal a direct forward pass, for a dense and a conv layer")
    func activationsMatchForwardPass() throws {
        let mlp = try F.smoothMLP()
        let x = F.rows(5, width: 5, seed: 41)
        let dense = try LayerAttributor(layer: "tanh1", method: .activation, batching: GradientBatching(maxScalars: 10)).attribute(x, model: mlp)
        let direct = mlp.activations(x)[2]
        #expect(dense.shape == [8] && dense.rows.count == 5)
        for r in 0..<5 {
            #expect(dense.rows[r].scores == direct.row(r).map(Double.init))
            #expect(dense.rows[r].channelMap == nil && dense.rows[r].target == nil)
        }
        let cnn = try F.smoothCNN()
        let images = F.rows(3, width: 72, seed: 42)
        let conv = try LayerAttributor(layer: "tanh1", method: .activation).attribute(images, model: cnn)
        // Run the first two layers by hand, through the partial-network API.
        let manual = cnn.forwardWithPullback(images.reshaped([3, 2, 6, 6]), layers: 0..<2).output
        #expect(conv.shape == [3, 6, 6])
        for r in 0..<3 {
            let scores = manual.row(r).map(Double.init)
            #expect(conv.rows[r].scores == scores)
            let map = (0..<36).map { p in (0..<3).reduce(0.0) { $0 + scores[$1 * 36 + p] } }
            let sums = (0..<3).map { c in scores[(c * 36)..<((c + 1) * 36)].reduce(0, +) }
            #expect(F.maxDifference(conv.rows[r].channelMap ?? [], map) < 1e-12)
            #expect(F.maxDifference(conv.rows[r].channelSums ?? [], sums) < 1e-12)
        }
        #expect(cnn.hookCount == 0 && mlp.hookCount == 0)
    }

    @Test("gradient × activation equals the activation times the gradient of the upper network split at the layer")
    func gradientTimesActivation() throws {
        let model = try F.smoothMLP()
        let x = F.rows(4, width: 5, seed: 43)
        let result = try LayerAttributor(layer: "sig2", method: .gradientXActivation).attribute(x, model: model, target: .index(2))
        let index = try model.layerIndex(named: "sig2")
        let y = model.activations(x)[index]
        let (out, pullback) = model.forwardWithPullback(y, layers: (index + 1)..<model.layers.count)
        var seed = Tensor(shape: out.shape, repeating: 0)
        for r in 0..<4 { seed.scalars[r * 3 + 2] = 1 }
        let g = pullback(seed).input
        for r in 0..<4 {
            let expected = zip(y.row(r), g.row(r)).map { Double($0) * Double($1) }
            #expect(F.maxDifference(result.rows[r].scores, expected) < 1e-7)
            #expect(result.rows[r].target == 2 && result.rows[r].targetName == "c")
            // The attributor's pass needs no parameter gradients (the small-matrix kernel): equal to float rounding.
            #expect(abs((result.rows[r].prediction ?? .nan) - Double(out.scalars[r * 3 + 2])) <= 1e-6)
        }
    }

    @Test("conductance sums over units to the IG total f(x) − f(x') on dense and conv layers")
    func conductanceCompleteness() throws {
        for (model, layer, width) in [(try F.smoothMLP(), "tanh1", 5), (try F.smoothMLP(), "sig2", 5), (try F.smoothCNN(), "pool1", 72)] {
            let x = F.rows(3, width: width, seed: 44, scale: 1.5)
            let bases = F.rows(2, width: width, seed: 45, scale: 0.5)
            let conductance = try LayerAttributor(layer: layer, stepCount: 50, baseline: .rows(bases)).attribute(x, model: model)
            let ig = try IntegratedGradients(baseline: .rows(bases)).explain(x, using: model)
            for r in 0..<3 {
                let row = conductance.rows[r]
                let total = row.scores.reduce(0, +)
                let difference = ig[r].prediction - (ig[r].baseValue ?? 0)
                #expect(abs(difference) > 1e-3)
                #expect(row.target == ig[r].target)
                #expect(abs((row.prediction ?? 0) - ig[r].prediction) < 1e-6)
                #expect(abs((row.baseValue ?? 0) - (ig[r].baseValue ?? 0)) < 1e-6)
                #expect(abs(total - difference) < 2e-3 * abs(difference) + 1e-6, "\(layer) row \(r)")
                #expect(abs(total - ig[r].attributions.reduce(0, +)) < 2e-3 * abs(difference) + 1e-6)
                #expect(abs((row.completenessGap ?? 1) - (total - difference)) < 1e-6)
            }
        }
    }

    @Test("conductance through a layer that F depends on linearly telescopes exactly with any step count")
    func conductanceExactOnLinearTop() throws {
        // No softmax: F is linear in the output of sig2 (through fc3), so the trapezoidal sum is exact.
        var rng = SplitMix64(seed: 46)
        let model = try Model(name: "lin-top", inputShape: [4], featureNames: F.names("x", 4), outputNames: ["y"], layers: [
            F.dense("fc1", 4, 6, rng: &rng, scale: 2), Activation(name: "sig", kind: .sigmoid), F.dense("fc2", 6, 1, rng: &rng),
        ])
        let x = F.rows(2, width: 4, seed: 47, scale: 2)
        let result = try LayerAttributor(layer: "sig", stepCount: 3).attribute(x, model: model)
        for row in result.rows { #expect(abs(row.completenessGap ?? 1) < 1e-5) }
    }

    @Test("the result is Codable with snake_case keys; unknown layers throw and leave no hooks behind")
    func codingAndErrors() throws {
        let model = try F.smoothCNN()
        let x = F.rows(1, width: 72, seed: 48)
        let result = try LayerAttributor(layer: "conv1", stepCount: 4).attribute(x, model: model)
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        for key in ["\"channel_map\"", "\"channel_sums\"", "\"target_name\"", "\"base_value\"", "\"completeness_gap\"", "\"layer\"", "\"shape\""] {
            #expect(json.contains(key))
        }
        #expect(try LayerAttributor(layer: "conv1", method: .activation).attribute(x, model: model, rowIndices: [12]).rows.map(\.row) == [12])
        #expect(try JSONDecoder().decode(LayerAttribution.self, from: JSONEncoder().encode(result)) == result)
        #expect(result.parameters == ["layer": "conv1", "layer-method": "conductance", "steps": "4", "baseline": "zeros"])
        #expect(throws: ExplainError.self) { try LayerAttributor(layer: "nope").attribute(x, model: model) }
        #expect(throws: ExplainError.self) { try LayerAttributor(layer: "conv1", baseline: .mean).attribute(x, model: model) }
        #expect(model.hookCount == 0)
    }

    @Test("the capture hooks live on a private copy: the model's own hooks keep working and never see them")
    func isolation() throws {
        let model = try F.smoothMLP()
        let x = F.rows(3, width: 5, seed: 49)
        let own = try ActivationRecorder(model: model, layers: ["tanh1"])
        defer { own.remove() }
        _ = model.forward(x)
        let before = own.activations["tanh1"]
        let result = try LayerAttributor(layer: "tanh1", stepCount: 5).attribute(x.rows(0..<1), model: model)
        #expect(own.activations["tanh1"] == before && own.gradients["tanh1"] == nil)
        #expect(model.hookCount == 2 && result.rows.count == 1)
    }
}
