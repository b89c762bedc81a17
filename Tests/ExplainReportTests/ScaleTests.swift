import ExplainReport
import Foundation
import Testing

@Suite("Scales and axes")
struct ScaleTests {
    @Test("nice steps are 1, 2 or 5 times a power of ten, at least the raw step")
    func niceSteps() {
        for raw in [0.013, 0.27, 1, 3.3, 7, 45, 1234.5] {
            let step = Scale.niceStep(raw)
            #expect(step >= raw * (1 - 1e-12))
            let mantissa = step / pow(10, log10(step).rounded(.down))
            #expect([1, 2, 5, 10].contains { abs(mantissa - $0) < 1e-9 })
        }
    }

    @Test("linear ticks lie inside the domain and step evenly; mapping is affine")
    func linear() {
        let s = Scale(lower: -0.37, upper: 1.42, start: 100, end: 500)
        let ticks = s.ticks(count: 5)
        #expect(ticks.count >= 3)
        #expect(ticks.allSatisfy { $0 >= s.lower && $0 <= s.upper })
        let steps = zip(ticks, ticks.dropFirst()).map { $1 - $0 }
        #expect(steps.allSatisfy { abs($0 - steps[0]) < 1e-9 })
        #expect(ticks.contains(0))
        #expect(abs(s.map(s.lower) - 100) < 1e-9 && abs(s.map(s.upper) - 500) < 1e-9)
        #expect(abs(s.map((s.lower + s.upper) / 2) - 300) < 1e-9)
    }

    @Test("log ticks are powers of ten when the range spans several decades")
    func logarithmic() {
        let s = Scale(logLower: 0.003, upper: 40, start: 300, end: 0)
        let ticks = s.ticks()
        #expect(ticks == [0.01, 0.1, 1, 10])
        #expect(abs(s.map(0.01) - s.map(0.1) - (s.map(0.1) - s.map(1))) < 1e-9)
    }

    @Test("a degenerate domain is widened instead of dividing by zero")
    func degenerate() {
        let s = Scale(lower: 2, upper: 2, start: 0, end: 10)
        #expect(s.lower < 2 && s.upper > 2)
        #expect(s.map(2).isFinite)
    }
}

extension ScaleTests {
    @Test("tiny and huge linear scales factor out their power of ten; a ±2e-5 axis keeps its end ticks")
    func exponents() {
        let tiny = Scale(lower: -2e-5, upper: 2e-5, start: 0, end: 100)
        #expect(tiny.ticks(count: 2) == [-2e-5, 0, 2e-5])
        #expect(tiny.exponent == -5)
        #expect(tiny.exponentLabel == "×1e−5")
        #expect(tiny.ticks(count: 2).map(tiny.label) == ["−2", "0", "2"])
        let huge = Scale(lower: 0, upper: 3e6, start: 0, end: 100)
        #expect(huge.exponent == 6)
        #expect(huge.label(2e6) == "2")
        // 10 · 1e-6 rounds to 9.999999999999999e-6, just under its own tick.
        let rounded = Scale(lower: -Scale.niceStep(5.09e-6), upper: Scale.niceStep(5.09e-6), start: 0, end: 100)
        #expect(rounded.ticks(count: 2).count == 3)
        let plain = Scale(lower: -0.2, upper: 0.2, start: 0, end: 100)
        #expect(plain.exponent == nil && plain.exponentLabel == nil)
        #expect(plain.label(0.1) == "0.1")
        #expect(Scale(logLower: 1e-8, upper: 1e-6, start: 0, end: 1).exponent == nil)
    }
}
