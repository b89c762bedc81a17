@testable import ExplainIO
import ExplainTensor
import Testing

@Suite("Decimal parsing")
struct DecimalParserTests {
    /// Literals that stress rounding: short and long mantissas, halfway points, subnormals, overflow.
    static func literals() -> [String] {
        var rng = SplitMix64(seed: 5)
        var out = [
            "0", "-0", "1", "0.1", "1e-45", "1.4e-45", "7e-46", "3.4028235e38", "3.4028236e38", "1e39", "1e-50",
            "1.0000000596046448", "1.00000005960464477539062500001", "1.000000059604644775390625",
            "16777217", "16777217.000000001", "9007199254740993", "123456789012345678901234567890", ".5", "5.",
            "+2.5", "1e22", "1e23", "4.9406564584124654e-324", "2.2250738585072014e-308", "1.7976931348623157e308",
        ]
        for _ in 0..<3000 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if f.isFinite { out.append(f.description) }
            let d = Double(bitPattern: rng.next())
            if d.isFinite { out.append(d.description) }
            // A float's halfway point to its neighbour, written with 17 digits, and nudged either way.
            let g = Float(rng.nextUniform() * 1000)
            let mid = (Double(g) + Double(g.nextUp)) / 2
            out.append(String(mid))
            out.append(String(mid.nextUp))
            out.append(String(mid.nextDown))
            let digits = Int(rng.nextInt(below: 19)) + 1
            let mantissa = String((0..<digits).map { _ in Character(String(rng.nextInt(below: 10))) })
            out.append("\(mantissa)e\(Int(rng.nextInt(below: 90)) - 45)")
        }
        return out
    }

    @Test("Float and Double results equal the C library's correctly rounded conversions")
    func agreesWithStrtod() {
        for text in Self.literals() {
            let f = DecimalParser.float(text)
            let d = DecimalParser.double(text)
            #expect(f?.bitPattern == Float(text)?.bitPattern, "\(text)")
            #expect(d?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test("non-decimal text is rejected", arguments: [
        "", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "nan", "inf", "0x10", "1,5", " 1", "1 ", "--1", "1e5.0",
    ])
    func rejects(text: String) {
        #expect(DecimalParser.float(text) == nil)
        #expect(DecimalParser.double(text) == nil)
    }
}
