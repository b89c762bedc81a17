import ExplainReport
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
