import ExplainMethods
import ExplainReport
import ExplainTensor
import Testing

@Suite("Attribution chart")
struct AttributionChartTests {
    let measure = CairoTextMeasurer()
    let frame = Rect(x: 36, y: 80, width: 500, height: 440)

    func chart(width: Int = 30, base: Double? = 0.25, stdErrors: Bool = true, topK: Int = 12,
               seed: UInt64 = 9) -> AttributionChart {
        var rng = SplitMix64(seed: seed)
        let e = ReportFixtures.explanation(row: 0, width: width, base: base, stdErrors: stdErrors, rng: &rng)
        let names = Array(ReportFixtures.breastCancerFeatures.prefix(width))
        let values = (0..<width).map { Double($0) + 0.5 }
        return AttributionChart(explanation: e, featureNames: names, featureValues: values, method: "kernelshap",
                                topK: topK)
    }

    func rects(_ d: Drawing, _ role: Role) -> [(Rect, Element)] {
        d.elements.compactMap { e in
            if case .rect(let r) = e.shape, e.role == role { return (r, e) }
            return nil
        }
    }

    @Test("top k bars by decreasing |φ| plus one bar summing the other features, drawn top to bottom")
    func barCountAndOrder() {
        let c = chart()
        let d = c.draw(in: frame, measure: measure)
        let bars = rects(d, .bar).sorted { $0.0.minY < $1.0.minY }
        let other = rects(d, .otherBar)
        #expect(bars.count == 12)
        #expect(other.count == 1)
        let phi = c.explanation.attributions
        let expected = phi.indices.sorted { abs(phi[$0]) > abs(phi[$1]) }
        #expect(bars.compactMap { $0.1.key.flatMap { Int($0) } } == Array(expected.prefix(12)))
        let rest = expected.dropFirst(12).reduce(0.0) { $0 + phi[$1] }
        #expect(abs((other[0].1.value ?? .nan) - rest) < 1e-12)
        #expect(other[0].0.minY > (bars.last?.0.maxY ?? .infinity))
        let magnitudes = bars.compactMap { $0.1.value.map(abs) }
        #expect(zip(magnitudes, magnitudes.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test("no 'other' bar when at most one feature is left over")
    func noOtherBar() {
        let d = chart(width: 13).draw(in: frame, measure: measure)
        #expect(rects(d, .bar).count == 13)
        #expect(rects(d, .otherBar).isEmpty)
        #expect(chart(width: 4, topK: 2).bars().map(\.feature).last == .some(nil))
    }

    @Test("waterfall: bars stack from the base value to base + Σφ, with both ends marked")
    func waterfall() {
        let c = chart()
        let bars = c.bars()
        let base = c.explanation.baseValue ?? .nan
        #expect(abs(bars[bars.count - 1].start - base) < 1e-12)
        #expect(abs(bars[0].end - (base + c.explanation.attributions.reduce(0, +))) < 1e-9)
        for (upper, lower) in zip(bars, bars.dropFirst()) { #expect(abs(upper.start - lower.end) < 1e-12) }
        let d = c.draw(in: frame, measure: measure)
        #expect(d.elements.contains { $0.role == .baseMarker && $0.value == base })
        #expect(d.elements.contains { $0.role == .predictionMarker && $0.value == c.explanation.prediction })
        #expect(!d.elements.contains { $0.role == .zeroLine })
    }

    @Test("without a base value bars start at zero and a zero line is drawn")
    func plainBars() {
        let c = chart(base: nil)
        #expect(c.bars().allSatisfy { $0.start == 0 && $0.end == $0.value })
        let d = c.draw(in: frame, measure: measure)
        #expect(d.elements.contains { $0.role == .zeroLine })
        #expect(!d.elements.contains { $0.role == .baseMarker })
    }

    @Test("error bars for every feature bar when standard errors exist, none otherwise")
    func errorBars() {
        let c = chart()
        let d = c.draw(in: frame, measure: measure)
        let spans = d.elements.filter { $0.role == .errorBar && $0.key != nil }
        #expect(spans.count == 12)
        for span in spans {
            let feature = Int(span.key ?? "") ?? -1
            #expect(span.value == c.explanation.stdErrors?[feature])
            if case .polyline(let p) = span.shape {
                // The span is ±1.96 SE wide in data units, centred on the bar's tip.
                let bar = rects(d, .bar).first { $0.1.key == span.key }
                let tip = (c.explanation.attributions[feature] < 0 ? bar?.0.minX : bar?.0.maxX) ?? .nan
                #expect(abs((p[0].x + p[1].x) / 2 - tip) < 1e-6)
            }
        }
        #expect(!chart(stdErrors: false).draw(in: frame, measure: measure).elements.contains { $0.role == .errorBar })
    }

    @Test("positive bars are red and negative bars are blue")
    func colourRule() {
        for seed in [1, 2, 3] as [UInt64] {
            let d = chart(seed: seed).draw(in: frame, measure: measure)
            let bars = rects(d, .bar) + rects(d, .otherBar)
            #expect(bars.contains { ($0.1.value ?? 0) > 0 } && bars.contains { ($0.1.value ?? 0) < 0 })
            for (_, e) in bars {
                #expect(e.fill == ((e.value ?? 0) < 0 ? Palette.negative : Palette.positive))
            }
        }
        #expect(Palette.positive.red > Palette.positive.blue && Palette.negative.blue > Palette.negative.red)
    }

    @Test("long feature names are shown whole, left of every bar, inside the frame and without overlapping")
    func longLabels() {
        let c = chart()
        let d = c.draw(in: frame, measure: measure)
        let labels = d.elements.compactMap { e -> TextItem? in
            if case .text(let t) = e.shape, e.role == .barLabel { return t }
            return nil
        }
        let expected = c.bars().map(\.label)
        #expect(labels.map(\.string) == expected)
        #expect(expected.contains("worst concave points = 27.5") || expected.contains { $0.hasPrefix("worst") })
        let boxes = labels.map { measure.bounds(of: $0) }
        let leftmostBar = (rects(d, .bar) + rects(d, .otherBar)).map(\.0.minX).min() ?? 0
        for box in boxes {
            #expect(frame.contains(box))
            #expect(box.maxX <= leftmostBar)
        }
        for (i, a) in boxes.enumerated() { for b in boxes[(i + 1)...] { #expect(!a.intersects(b)) } }
    }

    @Test("labels read 'name = value' with the row's value")
    func labelText() {
        let c = chart(width: 3)
        let bars = c.bars()
        for bar in bars {
            guard let f = bar.feature else { continue }
            #expect(bar.label == "\(ReportFixtures.breastCancerFeatures[f]) = \(Labels.number(Double(f) + 0.5))")
        }
        #expect(Labels.featureValue("petal width", 1.8) == "petal width = 1.8")
    }
}
