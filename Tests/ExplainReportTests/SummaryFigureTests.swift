import ExplainMethods
import ExplainReport
import Testing

@Suite("Summary figures")
struct SummaryFigureTests {
    let measure = CairoTextMeasurer()
    let frame = Rect(x: 36, y: 80, width: 770, height: 440)

    func input() -> ReportInput { ReportFixtures.tabular(rowCount: 40, explained: Array(0..<25), withNetwork: false) }

    @Test("mean |φ| bars are the per-feature means of |φ|, sorted, top 20")
    func meanBars() {
        let input = input()
        let explanations = input.results[0].explanations
        let figure = SummaryFigure(explanations: explanations, featureNames: input.featureNames, rows: input.rows)
        let d = figure.draw(in: frame, measure: measure)
        let bars = d.elements.filter { $0.role == .bar }.sorted { a, b in
            if case .rect(let x) = a.shape, case .rect(let y) = b.shape { return x.minY < y.minY }
            return false
        }
        #expect(bars.count == 20)
        for bar in bars {
            let f = Int(bar.key ?? "") ?? -1
            let mean = explanations.reduce(0.0) { $0 + abs($1.attributions[f]) } / Double(explanations.count)
            #expect(abs((bar.value ?? .nan) - mean) < 1e-12)
            #expect(bar.fill == Palette.magnitude)
        }
        let values = bars.compactMap(\.value)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test("the beeswarm has one dot per row and shown feature, at φ, coloured low→high by the feature's value")
    func beeswarm() {
        let input = input()
        let explanations = input.results[0].explanations
        let figure = SummaryFigure(explanations: explanations, featureNames: input.featureNames, rows: input.rows)
        let d = figure.draw(in: frame, measure: measure)
        let dots = d.elements.filter { $0.role == .dot }
        #expect(dots.count == 25 * 20)
        let feature = figure.shownFeatures[0]
        let featureDots = dots.filter { $0.key == String(feature) }
        #expect(featureDots.compactMap(\.value) == explanations.map { $0.attributions[feature] })
        // The row with the smallest value of the feature gets the low end of the map, the largest the high end.
        let raw = explanations.map { Double(input.rows[$0.row][feature]) }
        let lowest = raw.indices.min { raw[$0] < raw[$1] } ?? 0
        let highest = raw.indices.max { raw[$0] < raw[$1] } ?? 0
        #expect(featureDots[lowest].fill == Palette.sequential(0).withAlpha(0.9))
        #expect(featureDots[highest].fill == Palette.sequential(1).withAlpha(0.9))
    }

    @Test("swarm offsets stay inside the band and separate dots that share an x bin")
    func swarmOffsets() {
        let input = input()
        let figure = SummaryFigure(explanations: input.results[0].explanations, featureNames: input.featureNames,
                                   rows: input.rows)
        let d = figure.draw(in: frame, measure: measure)
        let centres = d.elements.compactMap { e -> Point? in
            if case .circle(let c, _) = e.shape, e.role == .dot { return c }
            return nil
        }
        #expect(Set(centres.map { "\($0.x),\($0.y)" }).count == centres.count)
    }

    @Test("the comparison chart shares one feature column and reports pairwise agreement")
    func comparison() {
        let input = ReportFixtures.tabular(methods: ["kernelshap", "lime", "gradient"], withNetwork: false)
        let columns = input.results.map { ComparisonChart.Column(method: $0.method, explanation: $0.explanations[0]) }
        let chart = ComparisonChart(columns: columns, featureNames: input.featureNames, featureValues: nil)
        let d = chart.draw(in: frame, measure: measure)
        #expect(d.elements.filter { $0.role == .barLabel }.count == 12)
        #expect(d.elements.filter { $0.role == .bar }.count == 36)
        for bar in d.elements where bar.role == .bar {
            #expect(bar.fill == ((bar.value ?? 0) < 0 ? Palette.negative : Palette.positive))
        }
        let rows = chart.agreementRows
        #expect(rows.count == 3)
        let a = columns[0].explanation.attributions, b = columns[1].explanation.attributions
        #expect(rows[0][2] == Labels.number(Agreement.spearman(a, b) ?? .nan, digits: 3))
    }
}
