import ExplainMethods
import ExplainReport
import ExplainTensor
import Foundation
import Testing

/// Nothing the report is given is left out or blurred: every parameter, every agreement pair, every flag, the
/// features a chart leaves out, each panel's magnitude and unit, and one summary per target.
@Suite("Report completeness")
struct ReportCompletenessTests {
    let measure = CairoTextMeasurer()

    /// Every string drawn on `pages`, in drawing order.
    static func texts(_ pages: [Page]) -> [String] {
        pages.flatMap(\.elements).compactMap { e in
            if case .text(let t) = e.shape { return t.string }
            return nil
        }
    }

    static let allMethods = ["kernelshap", "lime", "integrated-gradients", "smoothgrad", "gradient-x-input",
                             "gradient", "saliency"]

    @Test("a 30-feature row page says how many features are not shown and their Σ|φ|, single and compared")
    func featuresNotShown() throws {
        for methods in [["kernelshap"], ["kernelshap", "lime"]] {
            let input = ReportFixtures.tabular(explained: [0], methods: methods)
            let pages = try ReportDocument.pages(for: input, maxPages: nil, measure: measure).filter { $0.section == "row 0" }
            let texts = Self.texts(pages)
            #expect(texts.contains { $0.hasPrefix("18 more features not shown") }, "\(methods)")
            for result in input.results {
                let phi = result.explanations[0].attributions
                let shown: Set<Int> = methods.count == 1
                    ? Set(phi.indices.sorted { abs(phi[$0]) > abs(phi[$1]) }.prefix(12))
                    : Set(ComparisonChart(columns: input.results.map { .init(method: $0.method, explanation: $0.explanations[0]) },
                                          featureNames: input.featureNames, featureValues: nil).shownFeatures)
                let rest = phi.indices.filter { !shown.contains($0) }.reduce(0.0) { $0 + abs(phi[$1]) }
                let expected = methods.count == 1 ? "18 more features not shown, Σ|φ| \(Labels.number(rest, digits: 3))"
                    : "Σ|φ| \(Labels.number(rest, digits: 3))"
                #expect(texts.contains { $0.hasPrefix(expected) }, "\(methods): \(expected) missing")
            }
        }
    }

    @Test("the agreement table for 7 methods has all 21 pairs across the row's pages, none elided")
    func agreementComplete() throws {
        let input = ReportFixtures.tabular(explained: [0], methods: Self.allMethods, withNetwork: false)
        let pages = try ReportDocument.pages(for: input, maxPages: nil, measure: measure).filter { $0.section == "row 0" }
        #expect(pages.count == 2)
        let texts = Self.texts(pages)
        #expect(texts.contains("Row 0 (continued)"))
        #expect(!texts.contains { $0.hasPrefix("…") && $0.hasSuffix("more") })
        let pairs = texts.filter { $0.hasSuffix(" of 5") }
        #expect(pairs.count == 21)
        // Each pair once: method A's name is followed by method B's.
        var seen: Set<String> = []
        for (i, text) in texts.enumerated() where i + 1 < texts.count {
            let a = Self.allMethods.map(Labels.methodName), b = texts[i + 1]
            if let ia = a.firstIndex(of: text), let ib = a.firstIndex(of: b), ia < ib { seen.insert("\(text)|\(b)") }
        }
        #expect(seen.count == 21)
    }

    @Test("the title page lists all 40 parameters, continuing on a second page, and the skipped methods")
    func titleListsEverything() throws {
        var input = ReportFixtures.tabular(explained: [0], methods: ["kernelshap", "lime"], withNetwork: false)
        input.results[0].parameters = Dictionary(uniqueKeysWithValues: (0..<40).map { ("parameter_\($0)", "value \($0)") })
        input.skipped = [SkippedMethod(method: "smoothgrad", reason: "needs feature_stats or a background: give --background")]
        let pages = try ReportDocument.pages(for: input, maxPages: nil, measure: measure).filter { $0.section == "title" }
        #expect(pages.count == 2)
        let texts = Self.texts(pages)
        for i in 0..<40 {
            #expect(texts.contains("parameter_\(i)") && texts.contains("value \(i)"), "parameter_\(i) missing")
        }
        for key in input.results[1].parameters.keys { #expect(texts.contains(key)) }
        #expect(!texts.contains { $0.hasSuffix(" more") })
        #expect(texts.contains("Skipped methods"))
        #expect(texts.contains("SmoothGrad"))
        #expect(texts.contains("needs feature_stats or a background: give --background"))
        #expect(texts.contains("Method parameters (continued)"))
    }

    @Test("summary pages group rows by target: one block per target, with its own mean |φ| and dots")
    func summaryPerTarget() throws {
        var input = ReportFixtures.tabular(explained: [0, 1, 2, 3, 4], withNetwork: false)
        for k in [1, 3] {
            input.results[0].explanations[k].target = 0
            input.results[0].explanations[k].targetName = "benign"
        }
        let pages = try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
            .filter { $0.section == "summary kernelshap" }
        #expect(pages.count == 1)
        let texts = Self.texts(pages)
        #expect(texts.contains("target ‘benign’ · 2 rows"))
        #expect(texts.contains("target ‘malignant’ · 3 rows"))
        // Two blocks of ten features: 2 × 10 dots for benign, 3 × 10 for malignant.
        #expect(pages[0].elements.filter { $0.role == .dot }.count == 50)
        // Each block's mean |φ| bars are that target's own means.
        let bars = pages[0].elements.filter { $0.role == .bar }
        for (target, rows) in [(0, [1, 3]), (1, [0, 2, 4])] {
            let group = rows.map { input.results[0].explanations[$0].attributions }
            let means = (0..<30).map { f in group.reduce(0.0) { $0 + abs($1[f]) } / Double(group.count) }
            let top = means.max() ?? 0
            let block = bars[(target * 10)..<(target * 10 + 10)]
            #expect(abs((block.first?.value ?? .nan) - top) < 1e-12, "target \(target)")
        }
    }

    @Test("image summaries never average maps of different classes: five targets, four blocks a page")
    func imageSummaryPerTarget() throws {
        var input = ReportFixtures.digits()
        var explanations: [Explanation] = []
        for k in 0..<5 {
            var e = input.results[0].explanations[k % 2]
            e.row = k % 2
            e.target = k
            e.targetName = String(k)
            e.attributions = e.attributions.map { $0 * Double(k + 1) }
            explanations.append(e)
        }
        input.results[0].explanations = explanations
        let pages = try ReportDocument.pages(for: input, maxPages: 0, measure: measure)
            .filter { $0.section == "summary integrated-gradients" }
        #expect(pages.count == 2)
        let cells = pages.flatMap(\.elements).filter { $0.role == .heatmapCell }
        #expect(cells.count == 5 * 2 * 64)
        // The mean φ map of target k is its single row's map, not a blend of the five.
        for k in 0..<5 {
            let signed = cells[(k * 128)..<(k * 128 + 64)].compactMap(\.value)
            #expect(zip(signed, explanations[k].attributions).allSatisfy { abs($0 - $1) < 1e-12 }, "target \(k)")
        }
        #expect(Self.texts(pages).contains("target ‘4’ · 1 row"))
    }

    @Test("every flag is listed on the row page, known ones as sentences and unknown ones readable")
    func flagsListed() throws {
        var input = ReportFixtures.tabular(explained: [0], methods: ["gradient", "kernelshap"], withNetwork: false)
        input.results[0].explanations[0].flags = ["saturated_output", "negligible_attributions", "some_future_flag"]
        for single in [false, true] {
            var run = input
            if single { run.results.removeLast() }
            let texts = Self.texts(try ReportDocument.pages(for: run, maxPages: nil, measure: measure)
                .filter { $0.section == "row 0" })
            #expect(texts.contains("Warnings"))
            #expect(texts.contains("output saturated (p within 1e-4 of 0 or 1): gradients vanish; try --logits"))
            #expect(texts.contains("all |attributions| below 1e-6"))
            #expect(texts.contains("some future flag"))
        }
        input.results[0].explanations[0].flags = []
        input.results.removeLast()
        let texts = Self.texts(try ReportDocument.pages(for: input, maxPages: nil, measure: measure).filter { $0.section == "row 0" })
        #expect(texts.contains("none"))
    }

    @Test("each panel shows its magnitude: a 1e-5 method's ticks carry ×1e−5, tabular and image")
    func panelScales() throws {
        var input = ReportFixtures.tabular(explained: [0], methods: ["kernelshap", "gradient"], withNetwork: false)
        input.results[1].explanations[0].attributions = input.results[1].explanations[0].attributions.map { $0 * 1e-4 }
        let compared = Self.texts(try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
            .filter { $0.section == "row 0" })
        let phi = input.results[1].explanations[0].attributions
        let limit = Scale.niceStep(phi.map(abs).max() ?? 0)
        let exponent = Int(log10(limit).rounded(.down))
        #expect(compared.contains { $0.contains("×1e−\(-exponent)") }, "\(compared)")
        // The single-method chart carries it in its axis title.
        input.results.removeFirst()
        let single = Self.texts(try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
            .filter { $0.section == "row 0" })
        #expect(single.contains { $0.hasPrefix("attribution φ for ‘malignant’") && $0.contains("(×1e−") })
        // Image panels: each map states its colour limit.
        var digits = ReportFixtures.digits(methods: ["integrated-gradients", "gradient"])
        digits.results[1].explanations[0].attributions = digits.results[1].explanations[0].attributions.map { $0 * 1e-5 }
        let image = Self.texts(try ReportDocument.pages(for: digits, maxPages: nil, measure: measure)
            .filter { $0.section == "row 0" })
        let limits = image.filter { $0.hasPrefix("colour limit ±") }
        #expect(limits.count == 2)
        #expect(limits.contains { $0.contains("e−0") })
    }

    @Test("gradient panels say per unit of the feature; the row header names logit or probability units")
    func units() throws {
        var input = ReportFixtures.tabular(explained: [0], methods: ["kernelshap", "gradient", "saliency"],
                                           withNetwork: false)
        var texts = Self.texts(try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
            .filter { $0.section == "row 0" })
        #expect(texts.filter { $0.hasPrefix("per unit of the feature") }.count == 2)
        #expect(texts.contains { $0.hasSuffix("f(x) and φ in probability units") })
        for k in input.results.indices { input.results[k].parameters["logits"] = "true" }
        texts = Self.texts(try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
            .filter { $0.section == "row 0" })
        #expect(texts.contains { $0.hasSuffix("f(x) and φ in logit units") })
        input.results = [input.results[1]]
        texts = Self.texts(try ReportDocument.pages(for: input, maxPages: nil, measure: measure)
            .filter { $0.section == "row 0" })
        #expect(texts.contains { $0.contains("(logit per unit of the feature") })
        #expect(Units.attribution(method: "integrated-gradients", parameters: [:], architecture: input.architecture)
                == "probability")
        #expect(Units.attribution(method: "smoothgrad", parameters: ["variant": "vargrad"], architecture: [])
                == "(model output per unit of the feature)²")
    }
}

