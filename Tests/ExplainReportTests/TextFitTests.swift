import ExplainReport
import Testing

@Suite("Fitting text into a width")
struct TextFitTests {
    /// Counts the characters it measures, and gives each glyph the width of its Unicode scalar's last digit + 1.
    final class CountingMeasurer: TextMeasuring {
        var measured = 0
        func measure(_ text: String, font: Font) -> TextMetrics {
            measured += text.count
            let width = text.unicodeScalars.reduce(0.0) { $0 + Double($1.value % 10 + 1) } * font.size / 10
            return TextMetrics(width: width, ascent: font.size * 0.8, descent: font.size * 0.2)
        }
    }

    @Test("a label too wide even at the minimum size keeps its longest prefix that fits with the ellipsis")
    func longestPrefix() {
        let measure = CountingMeasurer()
        let font = Font(size: 10)
        for label in ["short", "a somewhat longer feature name", "worst concave points (mm)", "x"] {
            for width in stride(from: 2.0, through: 120, by: 7) {
                let (fitted, used) = Drawing.fit(label, width: width, font: font, minimumSize: 8, measure: measure)
                if measure.measure(label, font: used).width <= width {
                    #expect(fitted == label)
                    continue
                }
                // Oracle: the longest prefix whose ellipsised form fits, found by trying every length.
                let chars = Array(label)
                let best = (1..<chars.count).reversed().first {
                    measure.measure(String(chars[..<$0]) + "…", font: used).width <= width
                }
                #expect(fitted == (best.map { String(chars[..<$0]) + "…" } ?? "…"), "\(label) in \(width)")
            }
        }
    }

    @Test("a 5000-character label is cut with O(n log n) measuring, not O(n²)")
    func longLabelIsCheap() {
        let measure = CountingMeasurer()
        let label = String(repeating: "x", count: 5000)
        let (fitted, _) = Drawing.fit(label, width: 100, font: Font(size: 10), minimumSize: 8, measure: measure)
        #expect(fitted.hasSuffix("…") && fitted.count < 200)
        // Cutting one character at a time measured about 12.5 million characters here.
        #expect(measure.measured < 200_000, "\(measure.measured) characters measured")
    }
}
