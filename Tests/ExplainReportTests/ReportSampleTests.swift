import ExplainReport
import Foundation
import Testing

/// Writes sample reports for visual inspection when `EXPLAINKIT_REPORT_SAMPLES` names a directory.
@Suite("Report samples")
struct ReportSampleTests {
    @Test("sample reports render without error")
    func samples() throws {
        guard let directory = ProcessInfo.processInfo.environment["EXPLAINKIT_REPORT_SAMPLES"] else { return }
        try ReportWriter.writePDF(ReportFixtures.tabular(), to: directory + "/report-sample.pdf")
        try ReportWriter.writePDF(ReportFixtures.tabular(methods: ["kernelshap", "lime", "integrated-gradients",
                                                                   "gradient"], withNetwork: false),
                                  to: directory + "/report-compare.pdf")
        try ReportWriter.writePDF(ReportFixtures.digits(), to: directory + "/report-digits.pdf")
        try ReportWriter.writePDF(ReportFixtures.digits(methods: ["integrated-gradients", "smoothgrad", "saliency"]),
                                  to: directory + "/report-digits-compare.pdf")
        try ReportWriter.writePDF(ReportFixtures.digits(height: 28, width: 28), to: directory + "/report-mnist.pdf")
        try ReportWriter.writePDF(ReportFixtures.tabular(rowCount: 1000, explained: Array(0..<1000),
                                                         withNetwork: false),
                                  to: directory + "/report-1000.pdf", maxPages: 5)
        try ReportWriter.writePDF(ReportFixtures.tabular(methods: ["gradient"], withNetwork: false),
                                  to: directory + "/report-gradient.pdf")
        try ReportWriter.writePNGs(ReportFixtures.tabular(), directory: directory + "/png", dpi: 60)
        try TrainingReport(modelName: "bc-mlp", architecture: ReportFixtures.tabular().architecture,
                           history: ReportFixtures.history(), date: "2026-11-29").writePDF(to: directory + "/training.pdf")
    }
}
