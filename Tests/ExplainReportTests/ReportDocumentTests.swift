import ExplainMethods
import ExplainNN
import ExplainReport
import ExplainTensor
import Testing

@Suite("Report document")
struct ReportDocumentTests {
    let measure = CairoTextMeasurer()

    @Test("sections: title, a summary per method, a page per row, activations per row, two training pages")
    func sections() throws {
        let input = ReportFixtures.tabular(explained: [0, 3, 7], methods: ["kernelshap", "lime"])
        let pages = try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
        #expect(pages.map(\.section) == [
            "title", "summary kernelshap", "summary lime", "row 0", "row 3", "row 7",
            "activations row 0", "activations row 3", "activations row 7", "training", "training layers",
        ])
    }

    @Test("maxPages caps the per-row pages and keeps the summaries first")
    func maxPages() throws {
        let input = ReportFixtures.tabular(rowCount: 200, explained: Array(0..<200), withNetwork: false)
        let pages = try ReportDocument.pages(for: input, maxPages: 4, measure: measure)
        #expect(pages.count == 1 + 1 + 4)
        #expect(pages[1].section == "summary kernelshap")
        #expect(pages.suffix(4).map(\.section) == ["row 0", "row 1", "row 2", "row 3"])
        #expect(try ReportDocument.pages(for: input, maxPages: 0, measure: measure).count == 2)
        #expect(throws: ExplainError.self) { try ReportDocument.pages(for: input, maxPages: -1, measure: measure) }
    }

    @Test("the recording canvas receives every page and element")
    func recording() throws {
        let input = ReportFixtures.digits()
        let pages = try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
        let canvas = RecordingCanvas()
        for page in pages { try canvas.draw(page) }
        #expect(canvas.pages.count == pages.count)
        #expect(canvas.elements.count == pages.reduce(0) { $0 + $1.elements.count })
        let rowPage = try #require(pages.first { $0.section == "row 0" })
        #expect(rowPage.elements.filter { $0.role == .heatmapCell }.count == 64)
    }

    @Test("text on row, summary and title pages stays on the page and never overlaps other text")
    func noTextOverlap() throws {
        for input in [ReportFixtures.tabular(), ReportFixtures.tabular(methods: ["kernelshap", "lime", "integrated-gradients", "gradient"]),
                      ReportFixtures.digits(methods: ["integrated-gradients", "saliency"])] {
            let pages = try ReportDocument.pages(for: input, maxPages: 2, measure: measure)
            for page in pages {
                let boxes = page.elements.compactMap { e -> Rect? in
                    if case .text(let t) = e.shape, t.angle == 0 { return measure.bounds(of: t) }
                    return nil
                }
                let sheet = Rect(x: 0, y: 0, width: page.size.width, height: page.size.height)
                for box in boxes { #expect(sheet.contains(box), "\(page.section): text outside the page") }
                for (i, a) in boxes.enumerated() {
                    for b in boxes[(i + 1)...] {
                        // At least 2 pt between texts side by side; line boxes may touch vertically.
                        let overlap = a.inset(top: 0.5, left: -1, bottom: 0.5, right: -1)
                            .intersects(b.inset(top: 0.5, left: -1, bottom: 0.5, right: -1))
                        #expect(!overlap, "\(page.section): text boxes \(a) and \(b) overlap")
                    }
                }
            }
        }
    }

    @Test("inconsistent input is rejected with the field named")
    func validation() {
        var input = ReportFixtures.tabular()
        input.rows[2].removeLast()
        #expect { try input.validate() } throws: { ($0 as? ExplainError)?.location.contains("rows[2]") == true }
        input = ReportFixtures.tabular()
        input.inputShape = [3, 2, 2]
        #expect { try input.validate() } throws: { ($0 as? ExplainError)?.location.contains("inputShape") == true }
        input = ReportFixtures.tabular()
        input.results[0].explanations[1].attributions.removeLast()
        #expect { try input.validate() } throws: {
            ($0 as? ExplainError)?.location.contains("explanations[1].attributions") == true
        }
        input = ReportFixtures.tabular(rowCount: 5, explained: [0, 9])
        #expect { try input.validate() } throws: { ($0 as? ExplainError)?.code == .invalidArgument }
        input = ReportFixtures.tabular()
        input.activations[0]?[0].shape = [65]
        #expect(throws: ExplainError.self) { try input.validate() }
        #expect(throws: Never.self) { try ReportFixtures.tabular().validate() }
    }
}

@Suite("Report input: display lengths")
struct ReportDisplayLengthTests {
    @Test("names from user files are cut to display length and escaped before layout, however long")
    func cutsNames() throws {
        let long = String(repeating: "n", count: 1_000_000)
        let model = try Model(name: long + "\u{1B}[31m", inputShape: [2], featureNames: [long, "b\u{7}"], outputNames: [long],
                              layers: [Dense(name: "fc", weight: Tensor(shape: [1, 2], scalars: [1, 2]), bias: Tensor(shape: [1], scalars: [0]))])
        let e = Explanation(row: 0, target: 0, targetName: long, prediction: 1, attributions: [0.5, 0.5], featureLabels: [long, "x"])
        let result = AttributionResult(method: "gradient", model: long, features: [long, "b"], outputs: [long], seed: 0,
                                       parameters: ["baseline": long], explanations: [e])
        let input = ReportInput(model: model, inputFile: long, rows: Tensor(shape: [1, 2], scalars: [1, 2]), results: [result])
        let shown = Echo.text(long)
        #expect(shown.count < 100)
        #expect(input.modelName == Echo.text(model.name) && input.inputFile == shown && input.featureNames == [shown, "b\\x07"])
        #expect(input.outputNames == [shown] && input.title.count < 120 && !input.title.unicodeScalars.contains("\u{1B}"))
        let r = try #require(input.results.first)
        #expect(r.model == shown && r.features[0] == shown && r.parameters["baseline"] == shown)
        #expect(r.explanations[0].targetName == shown && r.explanations[0].featureLabels?[0] == shown)
        #expect(input.architecture.allSatisfy { $0.name.count < 100 })
    }
}
