#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Correctly rounded decimal-to-binary conversion of number text, fast for the usual short literals.
///
/// Accepts `[+-]digits[.digits][(e|E)[+-]digits]` (a leading or trailing `.` is allowed: `.5`, `5.`), nothing else:
/// no `nan`, `inf`, hexadecimal or surrounding text. Literals of up to 19 significant digits with a decimal exponent
/// in ±22 take Clinger's exact fast path, one IEEE multiplication or division of two exactly representable doubles,
/// which is correctly rounded. For `Float` the double result is rounded again, which is exact unless the double lands
/// exactly on a halfway point between two floats (or outside the normal float range); those cases, and all longer
/// literals, go to the C library's `strtof`/`strtod`, which rounds correctly.
///
/// W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990.
enum DecimalParser {
    /// 10^k for k in 0...22, all exact in `Double` (a switch, so that no lazily initialised table is touched per call).
    @inline(__always)
    static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// The decomposition of a literal: value = ±mantissa · 10^exponent, unless `isTruncated`.
    struct Literal {
        var isNegative = false
        var mantissa: UInt64 = 0
        var exponent = 0
        /// True when non-zero digits beyond the 19th were dropped.
        var isTruncated = false
    }

    /// Splits bytes `start..<end` into a literal, or nil when they are not a decimal number.
    @inline(__always)
    static func scan(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Literal? {
        guard let (lit, stop) = scanPrefix(p, start, end), stop == end else { return nil }
        return lit
    }

    /// Reads the longest number at `start` (not past `end`): the literal and the index where it stops, or nil when
    /// no number starts there or its exponent has no digits.
    @inline(__always)
    static func scanPrefix(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Literal, Int)? {
        var lit = Literal()
        var i = start
        guard i < end else { return nil }
        if p[i] == UInt8(ascii: "-") { lit.isNegative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }
        var digits = 0
        var sawDigit = false
        while i < end {
            let d = p[i] &- UInt8(ascii: "0")
            guard d < 10 else { break }
            sawDigit = true
            if digits < 19 {
                lit.mantissa = lit.mantissa &* 10 &+ UInt64(d)
                if lit.mantissa != 0 { digits += 1 }
            } else {
                lit.exponent += 1
                if d != 0 { lit.isTruncated = true }
            }
            i += 1
        }
        if i < end && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < end {
                let d = p[i] &- UInt8(ascii: "0")
                guard d < 10 else { break }
                sawDigit = true
                if digits < 19 {
                    lit.mantissa = lit.mantissa &* 10 &+ UInt64(d)
                    if lit.mantissa != 0 { digits += 1 }
                    lit.exponent -= 1
                } else if d != 0 {
                    lit.isTruncated = true
                }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < end && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            var negative = false
            if i < end && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                negative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var value = 0
            var sawExponentDigit = false
            while i < end {
                let d = p[i] &- UInt8(ascii: "0")
                guard d < 10 else { break }
                sawExponentDigit = true
                if value < 100_000 { value = value * 10 + Int(d) }
                i += 1
            }
            guard sawExponentDigit else { return nil }
            lit.exponent += negative ? -value : value
        }
        return (lit, i)
    }

    /// The exactly rounded double of a literal on the fast path, or nil.
    @inline(__always)
    static func fastDouble(_ lit: Literal) -> Double? {
        guard !lit.isTruncated, lit.mantissa <= 1 << 53, lit.exponent >= -22, lit.exponent <= 22 else { return nil }
        let m = Double(lit.mantissa)
        let r = lit.exponent >= 0 ? m * powerOfTen(lit.exponent) : m / powerOfTen(-lit.exponent)
        return lit.isNegative ? -r : r
    }

    /// The correctly rounded `Float` of bytes `start..<end` (±infinity on overflow), or nil when not a number.
    ///
    /// The byte at `end` must exist and must not continue a number (a delimiter or a 0 terminator).
    @inline(__always)
    static func float(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        guard let lit = scan(p, start, end) else { return nil }
        return float(lit, p, start, end)
    }

    /// The correctly rounded `Float` of a scanned literal whose text is bytes `start..<end`.
    @inline(__always)
    static func float(_ lit: Literal, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float {
        if lit.mantissa == 0 && !lit.isTruncated { return lit.isNegative ? -0.0 : 0 }
        if let r = fastDouble(lit) {
            let magnitude = abs(r)
            let lowBits = r.bitPattern & ((1 << 29) - 1)
            if magnitude >= Double(Float.leastNormalMagnitude), magnitude <= Double(Float.greatestFiniteMagnitude),
               lowBits != 1 << 28 {
                return Float(r)
            }
        }
        return (p + start).withMemoryRebound(to: CChar.self, capacity: end - start + 1) { strtof($0, nil) }
    }

    /// The correctly rounded `Double` of bytes `start..<end` (±infinity on overflow), or nil when not a number.
    ///
    /// The byte at `end` must exist and must not continue a number (a delimiter or a 0 terminator).
    @inline(__always)
    static func double(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        guard let lit = scan(p, start, end) else { return nil }
        if lit.mantissa == 0 && !lit.isTruncated { return lit.isNegative ? -0.0 : 0 }
        if let r = fastDouble(lit) { return r }
        return (p + start).withMemoryRebound(to: CChar.self, capacity: end - start + 1) { strtod($0, nil) }
    }

    /// The `Float` of a whole string (nil when it is not a decimal number).
    static func float(_ text: String) -> Float? {
        var text = text
        return text.withUTF8 { b in b.baseAddress.flatMap { base in terminated(base, b.count) { float($0, 0, b.count) } } }
    }

    /// The `Double` of a whole string (nil when it is not a decimal number).
    static func double(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { b in b.baseAddress.flatMap { base in terminated(base, b.count) { double($0, 0, b.count) } } }
    }

    /// What a 32-bit value needed, for an error about `text` (a literal that did not give a finite `Float`): "a finite
    /// number", or, for a finite decimal beyond ±3.4e38 such as `1e39`, that the number must fit a 32-bit float.
    static func float32Expectation(_ text: String) -> String {
        let trimmed = String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        guard let d = double(trimmed), d.isFinite else { return "a finite number" }
        return "a finite number within ±3.4e38 (a 32-bit float)"
    }

    /// Runs `body` on the bytes with a guaranteed non-numeric byte after them (the C functions read up to it).
    @inline(__always)
    static func terminated<R>(_ base: UnsafePointer<UInt8>, _ count: Int, _ body: (UnsafePointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + 1) { buffer in
            _ = buffer.initialize(from: UnsafeBufferPointer(start: base, count: count))
            buffer[count] = 0
            return body(UnsafePointer(buffer.baseAddress!))
        }
    }
}
