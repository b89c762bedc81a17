import ExplainKit
import Testing

@Suite("Occlusion")
struct OcclusionTests {
    /// φ_p = mean over the windows covering pixel p of f(x) − f(x with the window ← baseline), with the windows
    /// enumerated directly: starts 0, s, 2s, … until one reaches the border, each cut off there, over all channels.
    static func bruteForce(_ predictor: some BatchPredictor, x: [Float], shape: [Int], window: (Int, Int), stride: Int,
                           baseline: Float) throws -> [[Double]] {
        let (c, h, w) = (shape[0], shape[1], shape[2])
        func starts(_ side: Int, _ size: Int) -> [Int] {
            var out = [0]
            while out[out.count - 1] + size < side { out.append(out[out.count - 1] + stride) }
            return out
        }
        let fx = try predictor.predict(Tensor(rows: [x])).scalars
        var totals = [[Double]](repeating: [Double](repeating: 0, count: x.count), count: predictor.outputCount)
        var covering = [Double](repeating: 0, count: x.count)
        for top in starts(h, window.0) {
            for left in starts(w, window.1) {
                var occluded = x, members = [Int]()
                for channel in 0..<c {
                    for y in top..<min(h, top + window.0) {
                        for q in left..<min(w, left + window.1) { members.append((channel * h + y) * w + q) }
                    }
                }
                for i in members { occluded[i] = baseline }
                let out = try predictor.predict(Tensor(rows: [occluded])).scalars
                for i in members {
                    covering[i] += 1
                    for o in totals.indices { totals[o][i] += Double(fx[o]) - Double(out[o]) }
                }
            }
        }
        return totals.map { zip($0, covering).map { $0 / $1 } }
    }

    @Test("equals a brute-force loop on a 2×5×7 image, with stride below, equal to and spanning the window",
          arguments: [(3, 2, 1), (3, 2, 2), (2, 3, 2), (5, 4, 3), (1, 1, 1)])
    func bruteForceLoop(windowHeight: Int, windowWidth: Int, stride: Int) throws {
        let shape = [2, 5, 7], width = 70
        let closure = KernelSHAPTestModels.mlp(inputs: width, hidden: 6, outputs: 3, softmax: true, seed: 12)
        var (_, x) = KernelSHAPTestModels.data(width: width, rows: 1, seed: 5)
        for i in 0..<10 { x[i] = 0.25 }  // a window equal to the baseline costs nothing and gives 0
        let explainer = try Occlusion(inputShape: shape, windowHeight: windowHeight, windowWidth: windowWidth,
                                      stride: stride, baseline: .rows(Tensor(shape: [1, width], repeating: 0.25)))
        let result = try explainer.explain(x, predictor: closure)
        let expected = try Self.bruteForce(closure, x: x, shape: shape, window: (windowHeight, windowWidth),
                                           stride: stride, baseline: 0.25)
        for o in 0..<3 {
            for i in 0..<width { #expect(abs(result.values[o][i] - expected[o][i]) <= 1e-6, "pixel \(i) output \(o)") }
        }
        #expect(result.diagnostics["windows"] == Double(explainer.windows.count))
        #expect(result.modelEvaluations <= 2 + explainer.windows.count)
    }

    @Test("equals captum's Occlusion on the exported CNN: 3×3 stride 2 (zero baseline) and 2×4 stride 2 (baseline 1)",
          arguments: [0, 1])
    func captumParity(setting: Int) throws {
        let fixtures = try CaptumPerturbationFixtures()
        let model = try fixtures.model("cnn")
        let entry = try #require(fixtures.expected["cnn"]?["occlusion"]?.arrayValue?[setting])
        let window = (entry["window"]?.arrayValue ?? []).compactMap(\.intValue)
        let stride = try #require(entry["stride"]?.intValue)
        let baseline = Float(try #require(entry["baseline"]?.doubleValue))
        let theirs = CaptumPerturbationFixtures.matrix(entry["attributions"])
        let explainer = try Occlusion(inputShape: model.inputShape, windowHeight: window[0], windowWidth: window[1],
                                      stride: stride, baseline: .rows(Tensor(shape: [1, 64], repeating: baseline)))
        let targets = fixtures.targets("cnn")
        for (r, x) in fixtures.inputs("cnn").enumerated() {
            let e = try explainer.explain(x, row: r, predictor: model).explanation()
            #expect(e.target == targets[r])
            let scale = max(theirs[r].map(abs).max() ?? 0, 1e-3)
            for (a, b) in zip(e.attributions, theirs[r]) { #expect(abs(a - b) <= 1e-5 * scale + 1e-7, "row \(r): \(a) vs captum \(b)") }
        }
    }

    @Test("defaults on 8×8 digits are a 2×2 window with stride 1 (49 windows); parameters echo them")
    func defaults() throws {
        let explainer = try Occlusion(inputShape: [1, 8, 8])
        #expect(explainer.windowHeight == 2 && explainer.windowWidth == 2 && explainer.stride == 1)
        #expect(explainer.windows.count == 49)
        #expect(explainer.parameters == ["window": "2x2", "stride": "1", "baseline": "zeros"])
        let large = try Occlusion(inputShape: [3, 28, 28])
        #expect((large.windowHeight, large.windowWidth, large.stride) == (7, 7, 3))
    }

    @Test("tabular models, windows that do not fit and strides past the window are refused")
    func validation() throws {
        #expect(throws: ExplainError.self) { try Occlusion(inputShape: [30]) }
        #expect(throws: ExplainError.self) { try Occlusion(inputShape: [1, 8, 8], windowHeight: 9, windowWidth: 2) }
        #expect(throws: ExplainError.self) { try Occlusion(inputShape: [1, 8, 8], windowHeight: 2, windowWidth: 2, stride: 3) }
        #expect(throws: ExplainError.self) { try Occlusion(inputShape: [1, 8, 8], windowHeight: 2, windowWidth: 2, stride: 0) }
        // A window spanning a side may step by more than its size (there is one position).
        let spanning = try Occlusion(inputShape: [1, 4, 8], windowHeight: 4, windowWidth: 8, stride: 9)
        #expect(spanning.windows.count == 1)
        let closure = KernelSHAPTestModels.mlp(inputs: 10, hidden: 2, outputs: 1, softmax: false, seed: 1)
        #expect(throws: ExplainError.self) { try Occlusion(inputShape: [1, 4, 4]).explain([Float](repeating: 0, count: 16), predictor: closure) }
    }
}
