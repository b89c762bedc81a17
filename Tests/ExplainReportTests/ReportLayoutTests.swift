import ExplainMethods
import ExplainReport
import Testing

@Suite("Report document layout")
struct ReportLayoutTests {
    let measure = CairoTextMeasurer()

    @Test("every bar in every figure of a report follows the sign colour rule")
    func colourRuleEverywhere() throws {
        let input = ReportFixtures.tabular(methods: ["kernelshap", "lime", "gradient"])
        let pages = try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
        var checked = 0
        for element in pages.flatMap(\.elements) where [.bar, .otherBar, .unitBar].contains(element.role) {
            guard element.fill != Palette.magnitude, let v = element.value, v != 0 else { continue }
            #expect(element.fill == (v < 0 ? Palette.negative : Palette.positive))
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test("many layers continue on further activation pages, each element inside the page")
    func activationPagination() throws {
        var input = ReportFixtures.tabular(explained: [0], withNetwork: false)
        input.activations[0] = (0..<14).map { i in
            .init(name: "layer\(i)", shape: [4, 10, 10], values: (0..<400).map { Float(($0 * (i + 3)) % 17) })
        }
        let pages = try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
        let activationPages = pages.filter { $0.section == "activations row 0" }
        #expect(activationPages.count >= 2)
        #expect(activationPages.flatMap(\.elements).filter { $0.role == .unitCell }.count == 14 * 400)
        for page in activationPages {
            for element in page.elements {
                if case .rect(let r) = element.shape {
                    #expect(r.maxY <= page.size.height - PageTemplate.margin)
                }
            }
        }
    }

    @Test("a run without attributions (predict) still gives a title page")
    func predictOnly() throws {
        var input = ReportFixtures.tabular(withNetwork: false)
        input.results = [AttributionResult(method: "predict", model: "m", features: input.featureNames,
                                           outputs: input.outputNames, seed: 0, parameters: [:], explanations: [
                                               Explanation(row: 0, target: 0, targetName: "benign", prediction: 0.2,
                                                           attributions: [], outputs: [0.2, 0.8])])]
        let pages = try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
        #expect(pages.map(\.section) == ["title"])
    }

    @Test("training pages: curves, then six layers per distribution page")
    func trainingPages() throws {
        var history = ReportFixtures.history(epochs: 5)
        for i in history.epochs.indices {
            let template = history.epochs[i].layers[0]
            history.epochs[i].layers = (0..<7).map { k in
                var layer = template
                layer.layer = "l\(k)"
                return layer
            }
        }
        let pages = TrainingReport(modelName: "m", architecture: [], history: history, date: "today")
            .pages(measure: measure)
        #expect(pages.map(\.section) == ["title", "training", "training layers", "training layers"])
    }
}

extension ReportLayoutTests {
    /// The strings of a page's text elements.
    static func texts(_ page: Page) -> [String] {
        page.elements.compactMap { element in
            if case .text(let item) = element.shape { return item.string }
            return nil
        }
    }

    @Test("a row with several sampling rounds gets a convergence plot with its tolerance; a single round gets none",
          arguments: [false, true])
    func convergencePlot(image: Bool) throws {
        var input = image ? ReportFixtures.digits(methods: ["kernelshap"]) : ReportFixtures.tabular(explained: [0, 3])
        input.results[0].parameters["tolerance"] = "0.02"
        input.results[0].explanations[0].convergence = [
            ConvergencePoint(modelEvaluations: 1_000, coalitions: 100, maxStdError: 0.04, valueRange: 1),
            ConvergencePoint(modelEvaluations: 2_000, coalitions: 200, maxStdError: 0.03, valueRange: 1),
            ConvergencePoint(modelEvaluations: 4_000, coalitions: 400, maxStdError: 0.019, valueRange: 1),
        ]
        input.results[0].explanations[1].convergence = [
            ConvergencePoint(modelEvaluations: 1_000, coalitions: 100, maxStdError: 0.01, valueRange: 1),
        ]
        let pages = try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
        let rows = input.results[0].explanations.map(\.row)
        let traced = try #require(pages.first { $0.section == "row \(rows[0])" })
        let single = try #require(pages.first { $0.section == "row \(rows[1])" })
        #expect(Self.texts(traced).contains(Labels.convergenceTitle))
        #expect(!Self.texts(single).contains(Labels.convergenceTitle))
        let curves = traced.elements.filter { $0.role == .curve }
        #expect(Set(curves.compactMap(\.key)) == [Labels.relativeErrorSeries, Labels.toleranceSeries])
        for element in traced.elements {
            if case .polyline(let points) = element.shape {
                #expect(points.allSatisfy { $0.y <= traced.size.height - PageTemplate.margin && $0.y >= 0 })
            }
        }
    }
}
