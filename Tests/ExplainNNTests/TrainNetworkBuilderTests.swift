import ExplainNN
import ExplainTensor
import Testing

@Suite("Network builder and initialisation")
struct TrainNetworkBuilderTests {
    let identity4 = Standardize(name: "standardize0", mean: [0, 0, 0, 0], std: [1, 1, 1, 1])

    @Test("the MLP is standardize, dense/relu blocks, dense, softmax with default layer names")
    func multilayerPerceptron() throws {
        let model = try NetworkBuilder.multilayerPerceptron(
            name: "m", featureNames: ["a", "b", "c", "d"], outputNames: ["x", "y"], standardize: identity4,
            hiddenSizes: [8, 6], seed: 1)
        #expect(model.layers.map(\.type) == ["standardize", "dense", "relu", "dense", "relu", "dense", "softmax"])
        #expect(model.layerNames == ["standardize0", "dense1", "relu2", "dense3", "relu4", "dense5", "softmax6"])
        #expect(model.layerShapes.map { $0 } == [[4], [8], [8], [6], [6], [2], [2]])
        #expect(model.parameters[1][1].scalars.allSatisfy { $0 == 0 })
        let withDropout = try NetworkBuilder.multilayerPerceptron(
            name: "m", featureNames: ["a", "b", "c", "d"], outputNames: ["x", "y"], standardize: identity4,
            hiddenSizes: [8], dropout: 0.2, seed: 1)
        #expect(withDropout.layers.map(\.type) == ["standardize", "dense", "relu", "dropout", "dense", "softmax"])
        #expect(throws: ExplainError.self) {
            try NetworkBuilder.multilayerPerceptron(name: "m", featureNames: ["a", "b", "c", "d"], outputNames: ["x"],
                                                    standardize: identity4, hiddenSizes: [3], seed: 1)
        }
    }

    @Test("a network above the parameter or activation limit is an invalid argument before anything is allocated")
    func sizeLimits() throws {
        func code(_ body: () throws -> Model) -> ExplainError.Code? {
            do { _ = try body(); return nil } catch let e as ExplainError { return e.code } catch { return nil }
        }
        let names = ["a", "b", "c", "d"]
        // 4 → 8192 → 8192 → 2 has 8192² = 2^26 weights in its middle layer alone, so the total is above 2^26.
        #expect(code { try NetworkBuilder.multilayerPerceptron(name: "m", featureNames: names, outputNames: ["x", "y"],
                                                              standardize: identity4, hiddenSizes: [8192, 8192], seed: 1) }
                == .invalidArgument)
        #expect(code { try NetworkBuilder.multilayerPerceptron(name: "m", featureNames: names, outputNames: ["x", "y"],
                                                              standardize: identity4, hiddenSizes: [Int.max / 2, 3], seed: 1) }
                == .invalidArgument)
        // 1×8×8 with 8192 channels: 8192·64 = 524,288 activations per sample, above 2^18.
        let standardize = Standardize(name: "standardize0", mean: [Float](repeating: 0, count: 64),
                                      std: [Float](repeating: 1, count: 64))
        #expect(code { try NetworkBuilder.convolutional(name: "c", inputShape: [1, 8, 8], featureNames: (0..<64).map { "p\($0)" },
                                                       outputNames: ["x", "y"], standardize: standardize, channels: [8192],
                                                       hiddenSizes: [], seed: 1) } == .invalidArgument)
    }

    @Test("the CNN for 1×8×8 digits halves the image per block, then flattens into dense layers")
    func convolutional() throws {
        let standardize = Standardize(name: "standardize0", mean: [Float](repeating: 0, count: 64), std: [Float](repeating: 1, count: 64))
        let model = try NetworkBuilder.convolutional(
            name: "digits", inputShape: [1, 8, 8], featureNames: (0..<64).map { "px\($0)" },
            outputNames: (0..<10).map(String.init), standardize: standardize, channels: [8, 16], hiddenSizes: [32], seed: 1)
        #expect(model.layers.map(\.type) == ["standardize", "conv2d", "relu", "maxpool2d", "conv2d", "relu", "maxpool2d",
                                             "flatten", "dense", "relu", "dense", "softmax"])
        #expect(model.layerShapes[3] == [8, 4, 4] && model.layerShapes[6] == [16, 2, 2] && model.layerShapes[7] == [64])
    }

    @Test("He weights have variance 2/fan_in and Xavier weights stay inside ±√(6/(fan_in+fan_out))")
    func initializers() {
        var rng = SplitMix64(seed: 1)
        let he = Initializer.he.weights(shape: [200, 100], fanIn: 100, fanOut: 200, using: &rng)
        let variance = he.scalars.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(he.count)
        #expect(abs(variance - 0.02) < 0.001)
        let limit = Float((6.0 / 300).squareRoot())
        let xavier = Initializer.xavier.weights(shape: [200, 100], fanIn: 100, fanOut: 200, using: &rng)
        #expect(xavier.scalars.allSatisfy { abs($0) <= limit } && xavier.maxAbs() > 0.95 * limit)
    }

    @Test("initialisation depends only on the seed")
    func seededInitialisation() throws {
        let a = try TrainFixtures.mlp(sizes: [3, 5, 2], hidden: .relu, final: nil, seed: 9)
        let b = try TrainFixtures.mlp(sizes: [3, 5, 2], hidden: .relu, final: nil, seed: 9)
        let c = try TrainFixtures.mlp(sizes: [3, 5, 2], hidden: .relu, final: nil, seed: 10)
        #expect(a.parameters == b.parameters && a.parameters != c.parameters)
    }

    @Test("a fitted standardize layer uses per-feature statistics for rows and per-channel ones for images")
    func fittedStandardize() {
        let rows = Tensor(rows: [[1, 5, 2, 0], [3, 5, 4, 8]])
        let tabular = Standardize.fitted(name: "s", to: rows, inputShape: [4])
        #expect(tabular.mean == [2, 5, 3, 4] && tabular.std == [1, 1, 1, 4])
        let image = Standardize.fitted(name: "s", to: rows, inputShape: [1, 2, 2])
        let mean: Float = 28.0 / 8
        #expect(image.mean == [Float](repeating: mean, count: 4))
        let variance = rows.scalars.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8
        #expect(image.std.allSatisfy { abs($0 - variance.squareRoot()) < 1e-5 })
    }
}
