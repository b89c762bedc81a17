import ExplainKit
import Foundation
import Testing
import TestSupport

/// The same seed gives the same JSON bytes at every `--threads`, for every method, on a tabular and an image sample
/// and on the residual ONNX graph model.
///
/// Five rows split into blocks of 2, 2, 1 at one thread and of 1 at two or three, so rows that shared a batch at one
/// thread count are alone at another; and `--rows 3` alone must give row 3's explanation of the full run.
@Suite("explain gives the same bytes at --threads 1, 2 and 3")
struct ThreadDeterminismTests {
    static let methods = ["gradient", "saliency", "gradient-x-input", "integrated-gradients", "smoothgrad", "lime", "kernelshap",
                          "deeplift", "deepshap", "gradientshap", "guided-backprop", "deconvolution", "lrp",
                          "feature-ablation", "shapley-sampling"]
    /// The methods for image models only.
    static let imageMethods: [String] = ["grad-cam", "guided-grad-cam", "occlusion"]
    /// Every (sample, method) pair where the method applies.
    static let cases: [String] = ["breast_cancer", "digits", "digits_resnet"].flatMap { sample in
        (methods + (sample.hasPrefix("digits") ? imageMethods : [])).map { "\(sample) \($0)" }
    }

    /// Options that keep each debug run short.
    static func options(_ method: String) -> [String] {
        switch method {
        case "integrated-gradients": ["--steps", "16"]
        case "smoothgrad", "gradientshap": ["--samples", "8"]
        case "lime": ["--samples", "200"]
        case "kernelshap": ["--samples", "300", "--background-size", "8"]
        case "shapley-sampling": ["--samples", "8", "--background-size", "8"]
        default: []
        }
    }

    /// The JSON of one run on `sample`'s `explain.csv` (`digits_resnet`: the ONNX graph model on the digits rows).
    static func json(_ sample: String, _ method: String, _ extra: [String]) throws -> [UInt8] {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.json").path
        let model = sample == "digits_resnet" ? EndToEndTests.samplePath("onnx", "digits_resnet.json")
            : EndToEndTests.samplePath(sample, "model.json")
        let rows = EndToEndTests.samplePath(sample == "digits_resnet" ? "digits" : sample, "explain.csv")
        let out = try CLIRunner.run([
            "--model", model, "--input", rows,
            "--method", method, "--seed", "3", "--json", path, "--out", dir.appendingPathComponent("r.pdf").path, "--quiet",
        ] + options(method) + extra)
        #expect(out.status == 0, "\(sample) \(method): \(out.stderr)")
        return try AtomicFile.read(path)
    }

    @Test("identical JSON at 1, 2 and 3 threads", arguments: cases)
    func threads(pair: String) throws {
        let parts = pair.split(separator: " ").map(String.init)
        let (sample, method) = (parts[0], parts[1])
        let one = try Self.json(sample, method, ["--threads", "1"])
        #expect(!one.isEmpty)
        for threads in ["2", "3"] {
            let other = try Self.json(sample, method, ["--threads", threads])
            #expect(one == other, "\(sample) \(method): --threads \(threads) differs from --threads 1")
        }
    }

    @Test("a row explained alone (--rows 3) equals the same row in the full run", arguments: ["breast_cancer", "digits"])
    func rowAlone(sample: String) throws {
        for method in ["gradient", "integrated-gradients", "smoothgrad", "deeplift", "deepshap", "lrp", "gradientshap"]
            + (sample == "digits" ? ["grad-cam"] : []) {
            let all = try AttributionJSON.decode(try Self.json(sample, method, ["--threads", "1"]), file: "all.json")
            let alone = try AttributionJSON.decode(try Self.json(sample, method, ["--threads", "1", "--rows", "3"]), file: "alone.json")
            let full = try #require(all.first?.explanations.first { $0.row == 3 })
            let single = try #require(alone.first?.explanations.first)
            #expect(single == full, "\(sample) \(method): row 3 alone differs from row 3 among all rows")
        }
    }
}
