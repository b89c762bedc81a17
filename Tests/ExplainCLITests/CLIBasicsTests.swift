import ExplainKit
@testable import ExplainCLI
import Foundation
import Testing
import TestSupport

@Suite("explain CLI: predict, inspect, and one-line errors")
struct CLIBasicsTests {
    @Test("predict writes every row's outputs as JSON; exit 0")
    func predict() throws {
        let f = try CLIFixtures.make()
        let out = try CLIRunner.run(["--model", f.modelPath, "--input", f.inputPath, "--method", "predict", "--json", "-", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        let docs = try AttributionJSON.decode(out.stdoutBytes, file: "stdout")
        let doc = try #require(docs.first)
        #expect(doc.method == "predict")
        #expect(doc.explanations.count == 4)
        // Columns were shuffled in the file; the outputs must match a direct forward pass on the model's order.
        let model = try ModelFile.load(path: f.modelPath).model
        let direct = model.forward(Tensor(rows: [[1.2, 2.1, 3.5], [0.3, 2.9, 1.0], [2.2, 1.5, 4.2], [1.0, 2.0, 2.9]]))
        for (i, e) in doc.explanations.enumerated() {
            let outputs = try #require(e.outputs)
            for j in 0..<2 { #expect(abs(outputs[j] - Double(direct.scalars[i * 2 + j])) < 1e-6) }
            #expect(e.target == (direct.scalars[i * 2 + 1] > direct.scalars[i * 2] ? 1 : 0))
        }
    }

    @Test("inspect prints layers, shapes and parameter counts")
    func inspect() throws {
        let f = try CLIFixtures.make()
        let out = try CLIRunner.run(["inspect", "--model", f.modelPath])
        #expect(out.status == 0)
        #expect(out.stdout.contains("fc1"))
        #expect(out.stdout.contains("[6]"))
        let total = 6 * 3 + 6 + 2 * 6 + 2
        #expect(out.stdout.contains("total parameters: \(total)"))
    }

    @Test("explain --help documents every flag of the main command, with defaults")
    func help() throws {
        let out = try CLIRunner.run(["--help"])
        #expect(out.status == 0)
        for flag in ["--model", "--input", "--method", "--target", "--rows", "--background", "--background-size",
                     "--samples", "--steps", "--baseline", "--seed", "--layer", "--out", "--png", "--json", "--threads",
                     "--quiet", "--rule", "--noise", "--variant", "--tolerance", "--sampler", "--link", "--kernel-width",
                     "--discretizer", "--feature-selection", "--num-features", "--background-per-coalition", "--window",
                     "--stride", "inspect", "train"] {
            #expect(out.stdout.contains(flag), "\(flag) missing from explain --help")
        }
        // Help text wraps at the terminal width: compare with its words rejoined.
        let words = out.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(words.contains("default: all)"))
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var override: [String]
        var expected: String
        var status: Int32
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "missing model file", override: ["--model", "@/none.json"], expected: "none.json", status: 1),
        BadCase(name: "bad JSON", override: ["--model", "@/bad.json"], expected: "bad.json:1:", status: 1),
        BadCase(name: "missing column", override: ["--input", "@/missing.csv"], expected: "missing.csv:1", status: 1),
        BadCase(name: "non-numeric cell", override: ["--input", "@/text.csv"], expected: "text.csv:3 (alpha)", status: 1),
        BadCase(name: "empty file", override: ["--input", "@/empty.csv"], expected: "empty.csv", status: 1),
        BadCase(name: "unknown method", override: ["--method", "shapley"], expected: "shapley", status: 64),
        BadCase(name: "unknown target", override: ["--target", "maybe"], expected: "--target", status: 1),
        BadCase(name: "target index out of range", override: ["--target", "7"], expected: "--target", status: 1),
        BadCase(name: "row out of range", override: ["--rows", "0,9"], expected: "--rows", status: 1),
        BadCase(name: "bad row syntax", override: ["--rows", "3-1"], expected: "3-1", status: 64),
        BadCase(name: "bad flag value", override: ["--threads", "0"], expected: "--threads", status: 64),
        BadCase(name: "zero background rows per coalition", override: ["--background-per-coalition", "0"],
                expected: "--background-per-coalition", status: 64),
        BadCase(name: "a negative number is read as the flag's value, not as a flag", override: ["--max-rows", "-3"],
                expected: "--max-rows: expected a positive integer, got -3", status: 64),
        BadCase(name: "a negative seed", override: ["--seed", "-1"], expected: "'-1' is invalid for '--seed <seed>'",
                status: 64),
        BadCase(name: "too many integrated-gradients steps", override: ["--steps", "1000000000"],
                expected: "--steps must be between 1 and 16384", status: 64),
        BadCase(name: "a KernelSHAP budget too large to hold", override: ["--method", "kernelshap", "--samples", "1000000000"],
                expected: "samples must be between 1 and 33554432", status: 1),
        BadCase(name: "more threads than any machine (overflowed the gradient runner's block size)",
                override: ["--method", "gradient", "--threads", "9223372036854775807"],
                expected: "--threads must be from 1 to 1024", status: 64),
        BadCase(name: "a LIME kernel width whose square underflows (every weight was NaN)",
                override: ["--method", "lime", "--kernel-width", "1e-200"],
                expected: "--kernel-width must be in [1e-150, 1e150]", status: 64),
        BadCase(name: "a KernelSHAP tolerance of 1 or more", override: ["--method", "kernelshap", "--tolerance", "1e300"],
                expected: "--tolerance must be in (0, 1)", status: 64),
        BadCase(name: "an empty --png path (wrote the pages into the working directory)", override: ["--png", ""],
                expected: "--png must be a path, got an empty string", status: 64),
        BadCase(name: "an empty --rows item", override: ["--rows", "1,,2"],
                expected: "got an empty item in \"1,,2\"", status: 64),
        BadCase(name: "an occlusion window that is not HxW", override: ["--method", "occlusion", "--window", "2by2"],
                expected: "--window: expected HxW", status: 64),
        BadCase(name: "an occlusion stride of 0", override: ["--method", "occlusion", "--stride", "0"],
                expected: "--stride must be at least 1", status: 64),
        BadCase(name: "occlusion on a tabular model", override: ["--method", "occlusion"],
                expected: "--method: occlusion needs an image model", status: 1),
        BadCase(name: "too many Shapley-sampling permutations", override: ["--method", "shapley-sampling", "--samples", "100000000"],
                expected: "--samples: samples must be between 1 and 16777216", status: 1),
        BadCase(name: "a LIME neighbourhood too large to hold", override: ["--method", "lime", "--samples", "1000000000"],
                expected: "samples must be between 2 and 2097152", status: 1),
    ]

    @Test("bad input gives a non-zero exit, one error line naming the place, and no output files", arguments: badCases)
    func badInput(_ c: BadCase) throws {
        let (name, override, expected, status) = (c.name, c.override, c.expected, c.status)
        let f = try CLIFixtures.make()
        _ = try f.write("bad.json", "{\"format\": \"explainkit.model\",, }")
        _ = try f.write("missing.csv", "alpha,beta\n1,2\n")
        _ = try f.write("text.csv", "alpha,beta,gamma\n1,2,3\nabc,2,3\n")
        _ = try f.write("empty.csv", "")
        var args = ["--model", f.modelPath, "--input", f.inputPath, "--method", "predict",
                    "--json", f.directory.appendingPathComponent("out/result.json").path, "--quiet"]
        for k in stride(from: 0, to: override.count, by: 2) {
            let value = override[k + 1].replacingOccurrences(of: "@", with: f.directory.path)
            if let i = args.firstIndex(of: override[k]) { args[i + 1] = value } else { args += [override[k], value] }
        }
        let before = CLIRunner.files(in: f.directory)
        let out = try CLIRunner.run(args)
        #expect(out.status == status, "\(name): \(out.stderr)")
        let lines = out.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(lines.count == 1, "\(name): \(out.stderr)")
        #expect(out.stderr.contains(expected), "\(name): \(out.stderr)")
        #expect(CLIRunner.files(in: f.directory) == before, "\(name) left files behind")
    }
}

@Suite("Non-finite model outputs")
struct NonFiniteOutputTests {
    @Test("a row that overflows the model is an error naming the file and row, for every method",
          arguments: ["predict", "gradient", "integrated-gradients", "smoothgrad", "gradientshap", "lime", "kernelshap",
                       "feature-ablation", "shapley-sampling"])
    func overflow(method: String) throws {
        let f = try CLIFixtures.make()
        let model = CLIRunner.packageRoot.appendingPathComponent("samples/iris/model.json").path
        let input = try f.write("f38.csv", "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n"
            + "5.1,3.5,1.4,0.2\n3.4e38,3.4e38,1.4,0.2\n")
        let before = CLIRunner.files(in: f.directory)
        let out = try CLIRunner.run(["--model", model, "--input", input, "--method", method, "--quiet",
                                     "--out", f.directory.appendingPathComponent("r.pdf").path])
        #expect(out.status == 1, "\(method): \(out.stderr)")
        #expect(out.stderr.contains("f38.csv: row 1: "), "\(method): \(out.stderr)")
        #expect(out.stderr.contains("not finite") || out.stderr.contains("non-finite"), "\(method): \(out.stderr)")
        #expect(CLIRunner.files(in: f.directory) == before, "\(method) left files behind")
    }
}

@Suite("--rows parsing")
struct RowSelectionTests {
    @Test("0,3,10-19 selects rows in order without repeats")
    func parses() throws {
        let selection = try RowSelection(parsing: "0, 3,10-12,3")
        #expect(try selection.resolve(rowCount: 20, file: "x.csv") == [0, 3, 10, 11, 12])
    }

    @Test("bad parts are named", arguments: ["", "1,,2", "3-1", "a", "-2", "1-2-3", "4-"])
    func rejects(text: String) {
        #expect(throws: ExplainError.self) { try RowSelection(parsing: text) }
    }

    @Test("a row past the end names the file's row count")
    func outOfRange() throws {
        do {
            _ = try RowSelection(parsing: "2-7").resolve(rowCount: 5, file: "x.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.location == "--rows")
            #expect(error.message.contains("x.csv has 5 data rows"))
        }
    }
}

@Suite("Ctrl-C")
struct InterruptTests {
    @Test("SIGINT during a run exits 130 and leaves no output or temporary files (six runs, interrupted at different moments)")
    func interrupt() throws {
        let root = CLIRunner.packageRoot.appendingPathComponent("samples/digits")
        let dirs = try (0..<6).map { _ in try CLIRunner.temporaryDirectory() }
        // A long job in a debug build: KernelSHAP over 64 pixels with the full 100-row background. Each is caught at
        // a different point of its run. Before the handler used _exit, about one interrupt in twenty crashed in
        // library destructors (exit 139).
        let outcomes = try CLIRunner.interrupt(dirs.map { dir in
            ["--model", root.appendingPathComponent("model.json").path,
             "--input", root.appendingPathComponent("digits.csv").path, "--method", "kernelshap",
             "--rows", "0-99", "--threads", "2", "--quiet",
             "--out", dir.appendingPathComponent("r.pdf").path, "--json", dir.appendingPathComponent("r.json").path]
        }, delay: 1_000_000, gap: 150_000)
        for (outcome, dir) in zip(outcomes, dirs) {
            #expect(outcome.wasRunning, "the job finished before it could be interrupted")
            #expect(outcome.exitedNormally && outcome.status == 130, "status \(outcome.status)")
            #expect(CLIRunner.files(in: dir).isEmpty)
        }
    }
}
