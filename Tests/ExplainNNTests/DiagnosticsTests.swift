import ExplainNN
import ExplainTensor
import Foundation
import Testing

@Suite("Training diagnostics")
struct DiagnosticsTests {
    @Test("a ReLU layer whose inputs are all negative has dead fraction 1; a healthy one less")
    func deadUnits() throws {
        let layers: [any Layer] = [
            Dense(name: "dense0", weight: Tensor(shape: [6, 3], repeating: 0), bias: Tensor(shape: [6], repeating: -1)),
            Activation(name: "relu1", kind: .relu),
            Dense(name: "dense2", weight: Tensor(shape: [5, 6]), bias: Tensor(shape: [5])),
            Activation(name: "relu3", kind: .relu),
            Dense(name: "dense4", weight: Tensor(shape: [1, 5]), bias: Tensor(shape: [1])),
        ]
        let model = try Model(name: "dead", inputShape: [3], featureNames: ["a", "b", "c"], outputNames: ["y"], layers: layers)
        var parameters = model.parameters
        var rng = SplitMix64(seed: 1)
        parameters[2][0] = Initializer.he.weights(shape: [5, 6], fanIn: 6, fanOut: 5, using: &rng)
        parameters[2][1] = Tensor(shape: [5], repeating: 1)
        model.setParameters(parameters)
        let x = TrainFixtures.randomRows(20, width: 3, seed: 2)
        let data = LabeledData(inputs: x, targets: TrainFixtures.randomRows(20, width: 1, seed: 3))
        let history = try Trainer(configuration: TrainingConfiguration(loss: .meanSquaredError, epochCount: 3, batchSize: 5))
            .fit(model, training: data)
        for epoch in history.epochs {
            #expect(epoch.layers[1].deadFraction == 1)
            #expect((epoch.layers[3].deadFraction ?? 1) < 1)
            #expect(epoch.layers[0].deadFraction == nil)
        }
    }

    @Test("every layer's histogram counts sum to the number of activations it produced in the epoch")
    func histogramTotals() throws {
        let model = try NetworkBuilder.convolutional(
            name: "cnn", inputShape: [1, 4, 4], featureNames: (0..<16).map { "px\($0)" }, outputNames: ["a", "b"],
            standardize: Standardize(name: "standardize0", mean: [Float](repeating: 0, count: 16), std: [Float](repeating: 1, count: 16)),
            channels: [3], hiddenSizes: [4], dropout: 0.25, seed: 1)
        let x = TrainFixtures.randomRows(10, width: 16, seed: 1)
        let data = LabeledData(inputs: x, classes: (0..<10).map { $0 % 2 }, classCount: 2)
        let history = try Trainer(configuration: TrainingConfiguration(epochCount: 2, batchSize: 4)).fit(model, training: data)
        for epoch in history.epochs {
            #expect(epoch.layers.map(\.layer) == model.layerNames)
            for (layer, shape) in zip(epoch.layers, model.layerShapes) {
                #expect(layer.histogramCounts.reduce(0, +) == 10 * shape.reduce(1, *), "\(layer.layer)")
                #expect(layer.histogramEdges.count == layer.histogramCounts.count + 1)
            }
        }
    }

    @Test("with one batch, the statistics equal the directly computed activations, gradient norm and update ratio")
    func singleBatchStatistics() throws {
        let model = try TrainFixtures.mlp(sizes: [3, 4, 2], hidden: .tanh, final: nil, seed: 5)
        let x = TrainFixtures.randomRows(8, width: 3, seed: 1)
        let data = LabeledData(inputs: x, targets: TrainFixtures.randomRows(8, width: 2, seed: 2))
        let before = model.parameters
        let hidden = model.activations(x)[1].scalars.map(Double.init)
        let gradients = model.lossAndGradients(x, targets: data.targets, loss: .meanSquaredError).gradients.parameters
        let config = TrainingConfiguration(loss: .meanSquaredError, optimizer: .sgd(momentum: 0), learningRate: 0.1,
                                           epochCount: 1, batchSize: 8)
        let history = try Trainer(configuration: config).fit(model, training: data)
        let tanhLayer = try #require(history.epochs.first?.layers[1])
        let mean = hidden.reduce(0, +) / Double(hidden.count)
        let std = (hidden.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(hidden.count)).squareRoot()
        #expect(abs(tanhLayer.activationMean - mean) < 1e-6 && abs(tanhLayer.activationStd - std) < 1e-6)
        #expect(tanhLayer.gradientNorm == nil && tanhLayer.updateRatio == nil)
        let first = try #require(history.epochs.first?.layers[0])
        let gradientNorm = gradients[0].reduce(0.0) { $0 + $1.norm() * $1.norm() }.squareRoot()
        let weightNorm = before[0].reduce(0.0) { $0 + $1.norm() * $1.norm() }.squareRoot()
        #expect(abs((first.gradientNorm ?? 0) - gradientNorm) < 1e-6 * max(gradientNorm, 1))
        // Plain SGD moves the weights by η·g, so the ratio is η‖g‖/‖w‖.
        #expect(abs((first.updateRatio ?? 0) - 0.1 * gradientNorm / weightNorm) < 1e-5)
        let sorted = hidden.sorted()
        let width = (tanhLayer.histogramEdges.last ?? 0) - (tanhLayer.histogramEdges.first ?? 0)
        let binWidth = width / Double(tanhLayer.histogramCounts.count)
        // The histogram median lies between the two middle values, give or take one bin.
        let median = tanhLayer.activationPercentiles[2]
        #expect(median >= sorted[sorted.count / 2 - 1] - binWidth && median <= sorted[sorted.count / 2] + binWidth)
    }

    @Test("the streaming histogram keeps exact counts while its range grows in both directions")
    func streamingHistogram() {
        var histogram = StreamingHistogram(binCount: 8)
        var rng = SplitMix64(seed: 3)
        var all: [Float] = []
        for scale in [0.1, 1, 10, 0.5] as [Double] {
            let batch = (0..<50).map { _ in Float(rng.nextNormal() * scale + (scale > 5 ? -20 : 0)) }
            all += batch
            batch.withUnsafeBufferPointer { histogram.add($0) }
        }
        let edges = histogram.edges
        #expect(histogram.counts.reduce(0, +) == all.count && histogram.total == all.count)
        #expect((edges.first ?? 0) <= Double(all.min() ?? 0) && (edges.last ?? 0) >= Double(all.max() ?? 0))
        // The bin width is a power of two.
        let width = edges[1] - edges[0]
        #expect(width == StreamingHistogramWidth.powerOfTwo(width))
        for (i, count) in histogram.counts.enumerated() {
            let isLast = i == histogram.counts.count - 1
            let inBin = all.filter { Double($0) >= edges[i] && (Double($0) < edges[i + 1] || isLast && Double($0) == edges[i + 1]) }.count
            #expect(inBin == count, "bin \(i)")
        }
    }

    @Test("non-finite activations are skipped and a range seeded from the last epoch is kept when values fit")
    func histogramEdgeCases() {
        var histogram = StreamingHistogram(binCount: 4, expectedRange: 0...1)
        let values: [Float] = [0, 0.3, .nan, 1, .infinity, 0.99]
        values.withUnsafeBufferPointer { histogram.add($0) }
        #expect(histogram.edges == [0, 0.25, 0.5, 0.75, 1])
        #expect(histogram.counts == [1, 1, 0, 2] && histogram.total == 4)
    }

    @Test("the history encodes with snake_case keys and decodes to an equal value")
    func historyRoundTrip() throws {
        let model = try TrainFixtures.mlp(sizes: [4, 5, 3], hidden: .relu, final: Softmax(name: "softmax"), seed: 1)
        let history = try Trainer(configuration: TrainingConfiguration(epochCount: 2, batchSize: 10))
            .fit(model, training: TrainFixtures.blobs(count: 20, seed: 1), validation: TrainFixtures.blobs(count: 9, seed: 2))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(history)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"dead_fraction\"") && text.contains("\"validation_loss\"") && text.contains("\"histogram_counts\""))
        #expect(try JSONDecoder().decode(TrainingHistory.self, from: data) == history)
    }
}

/// Checks that a width is a power of two.
enum StreamingHistogramWidth {
    static func powerOfTwo(_ x: Double) -> Double {
        var p = 1.0
        while p < x { p *= 2 }
        while p > x { p /= 2 }
        return p
    }
}
