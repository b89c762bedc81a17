import ExplainMethods
@testable import ExplainReport
import Testing

@Suite("Labels")
struct LabelsTests {
    @Test("numbers are compact, integers are whole, minus signs are typographic")
    func numbers() {
        #expect(Labels.number(1.8) == "1.8")
        #expect(Labels.number(0.14712) == "0.1471")
        #expect(Labels.number(-0.5) == "−0.5")
        #expect(Labels.number(2108) == "2108")
        #expect(Labels.number(123_456) == "123456")
        #expect(Labels.number(1.5e-5) == "1.5e−05")
        #expect(Labels.number(.nan) == "n/a")
        #expect(Labels.signed(0.42) == "+0.42")
        #expect(Labels.signed(-0.13) == "−0.13")
    }

    @Test("method names, shapes, counts and durations read naturally")
    func text() {
        #expect(Labels.methodName("kernelshap") == "KernelSHAP")
        #expect(Labels.methodName("gradient-x-input") == "Gradient × Input")
        #expect(Labels.shape([1, 8, 8]) == "1×8×8")
        #expect(Labels.count(6324) == "6\u{2009}324")
        #expect(Labels.duration(3.214) == "3.21 s")
        #expect(Labels.duration(125) == "2 min 05 s")
        #expect(Labels.otherFeatures(18) == "18 other features")
    }
}

@Suite("Row diagnostics")
struct RowDiagnosticsTests {
    @Test("KernelSHAP's 0/1 diagnostics read yes or no; counts stay numbers")
    func yesNo() {
        let e = Explanation(row: 0, target: 0, targetName: "a", prediction: 1, baseValue: 0.5, attributions: [0.2, 0.3],
                            diagnostics: ["exact": 1, "converged": 0, "solver_fallback": 0, "coalitions": 1])
        let rows = Dictionary(RowDiagnostics.keyValueRows(method: "kernelshap", e).map { ($0[0], $0[1]) },
                              uniquingKeysWith: { a, _ in a })
        #expect(rows["exact"] == "yes" && rows["converged"] == "no" && rows["solver fallback"] == "no")
        #expect(rows["coalitions"] == "1")
    }
}

extension LabelsTests {
    @Test("flags read as sentences; every flag the methods raise has its own, and an unknown one stays readable")
    func flags() {
        #expect(Labels.flag("saturated_output")
                == "output saturated (p within 1e-4 of 0 or 1): gradients vanish; try --logits")
        #expect(Labels.flag("negligible_attributions") == "all |attributions| below 1e-6")
        #expect(Labels.flag("a_flag_from_the_future") == "a flag from the future")
        for raised in ["completeness_gap_above_1_percent", "low_fidelity", "surrogate_least_squares_fallback",
                       "kernelshap_not_converged", "kernelshap_singular_regression",
                       "kernelshap_too_few_samples_for_std_errors", "lime_too_few_samples_for_std_errors",
                       "noise_from_background_range", "noise_from_input_range"] {
            #expect(Labels.flag(raised) != raised.replacingOccurrences(of: "_", with: " "), "\(raised) has no sentence")
        }
    }
}
