import ExplainTensor

/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Syntax errors name the file, line and column (1-based; the column counts characters):
/// `m.json:3:17: expected ',' or '}'`. Numbers keep their literal text; strings are unescaped, including `\uXXXX`
/// surrogate pairs, and must be valid UTF-8. Nesting deeper than `maximumDepth` is an error rather than a crash.
///
/// - Complexity: O(n) in the input size, one pass, no per-byte allocation.
public struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 512

    /// Parses a whole document; anything but whitespace after the value is an error.
    /// - Parameters:
    ///   - bytes: UTF-8 text (a leading byte-order mark is skipped).
    ///   - file: the name used in error locations.
    ///   - code: the error code of syntax errors (`.invalidModel` for model files).
    public static func parse(_ bytes: [UInt8], file: String, code: ExplainError.Code = .invalidInput)
        throws(ExplainError) -> JSONValue
    {
        let result: Result<JSONValue, ExplainError> = bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(buffer: buffer)
            do throws(Cursor.Failure) {
                cursor.skipByteOrderMark()
                cursor.skipWhitespace()
                let value = try cursor.value(depth: 0)
                cursor.skipWhitespace()
                if cursor.index < buffer.count { throw cursor.fail("unexpected text after the JSON value") }
                return .success(value)
            } catch {
                let (line, column) = Self.lineAndColumn(of: error.offset, in: buffer)
                return .failure(ExplainError(code, error.message, at: "\(file):\(line):\(column)"))
            }
        }
        return try result.get()
    }

    /// Parses a string holding a JSON document.
    public static func parse(_ text: String, file: String, code: ExplainError.Code = .invalidInput)
        throws(ExplainError) -> JSONValue
    {
        try parse(Array(text.utf8), file: file, code: code)
    }

    /// The 1-based line and character column of a byte offset.
    static func lineAndColumn(of offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 1, column = 1
        for i in 0..<min(offset, buffer.count) {
            let b = buffer[i]
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1  // count characters, not UTF-8 continuation bytes
            }
        }
        return (line, column)
    }
}

extension JSONParser {
    /// The reading position in the buffer; each method consumes one grammar element.
    struct Cursor {
        struct Failure: Error {
            var message: String
            var offset: Int
        }

        let buffer: UnsafeBufferPointer<UInt8>
        var index = 0

        init(buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

        func fail(_ message: String, at offset: Int? = nil) -> Failure {
            Failure(message: message, offset: offset ?? index)
        }

        var current: UInt8? { index < buffer.count ? buffer[index] : nil }

        mutating func skipByteOrderMark() {
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = 3 }
        }

        mutating func skipWhitespace() {
            while index < buffer.count {
                switch buffer[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard let b = current else { throw fail("unexpected end of input, expected a value") }
            switch b {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("expected a value, got \(Self.describe(b))")
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let start = index
            let n = word.utf8CodeUnitCount
            guard index + n <= buffer.count else { throw fail("invalid literal", at: start) }
            for k in 0..<n where buffer[index + k] != word.utf8Start[k] {
                throw fail("invalid literal", at: start)
            }
            index += n
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw fail("nesting deeper than \(JSONParser.maximumDepth)") }
            index += 1
            var pairs: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .object(pairs)
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try string()
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                skipWhitespace()
                pairs.append((key: key, value: try value(depth: depth)))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(pairs)
                default: throw fail("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw fail("nesting deeper than \(JSONParser.maximumDepth)") }
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(elements)
                default: throw fail("expected ',' or ']'")
                }
            }
        }

        /// Reads a number literal per the JSON grammar and returns its text.
        mutating func number() throws(Failure) -> String {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, Self.isDigit(first) else { throw fail("expected a digit") }
            index += 1
            if first == UInt8(ascii: "0"), let c = current, Self.isDigit(c) {
                throw fail("leading zeros are not allowed")
            }
            while let c = current, Self.isDigit(c) { index += 1 }
            if current == UInt8(ascii: ".") {
                index += 1
                guard let c = current, Self.isDigit(c) else { throw fail("expected a digit after '.'") }
                while let c = current, Self.isDigit(c) { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard let c = current, Self.isDigit(c) else { throw fail("expected a digit in the exponent") }
                while let c = current, Self.isDigit(c) { index += 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self)
        }

        /// Reads a string literal (the cursor is on its opening quote) and returns its unescaped value.
        mutating func string() throws(Failure) -> String {
            let open = index
            index += 1
            let start = index
            // Fast path: no escapes.
            while index < buffer.count {
                let b = buffer[index]
                if b == UInt8(ascii: "\"") {
                    let text = try Self.decodeUTF8(UnsafeBufferPointer(rebasing: buffer[start..<index]), at: start)
                    index += 1
                    return text
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw fail("control character in string; escape it") }
                index += 1
            }
            guard index < buffer.count else { throw fail("unterminated string", at: open) }
            var bytes = Array(UnsafeBufferPointer(rebasing: buffer[start..<index]))
            while true {
                guard let b = current else { throw fail("unterminated string", at: open) }
                if b == UInt8(ascii: "\"") {
                    index += 1
                    return try Self.decodeUTF8(bytes, at: start)
                }
                if b < 0x20 { throw fail("control character in string; escape it") }
                if b != UInt8(ascii: "\\") {
                    bytes.append(b)
                    index += 1
                    continue
                }
                index += 1
                guard let e = current else { throw fail("unterminated string", at: open) }
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"): bytes.append(contentsOf: try unicodeEscape())
                default: throw fail("invalid escape \\\(Character(Unicode.Scalar(e)))", at: index - 2)
                }
            }
        }

        /// Reads the hex digits after `\u` (and a low surrogate's `\uXXXX` when needed); returns UTF-8 bytes.
        mutating func unicodeEscape() throws(Failure) -> [UInt8] {
            let escapeStart = index - 2
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < buffer.count, buffer[index] == UInt8(ascii: "\\"), buffer[index + 1] == UInt8(ascii: "u")
                else { throw fail("unpaired surrogate in \\u escape", at: escapeStart) }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail("unpaired surrogate in \\u escape", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw fail("unpaired surrogate in \\u escape", at: escapeStart)
            }
            guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape", at: escapeStart) }
            return Array(String(Character(u)).utf8)
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard index + 4 <= buffer.count else { throw fail("expected 4 hex digits after \\u") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = buffer[index]
                let d: UInt8
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
                default: throw fail("expected 4 hex digits after \\u")
                }
                v = v << 4 | UInt32(d)
                index += 1
            }
            return v
        }

        static func decodeUTF8<C: Collection<UInt8>>(_ bytes: C, at offset: Int) throws(Failure) -> String {
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw Failure(message: "invalid UTF-8 in string", offset: offset)
            }
            return s
        }

        @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

        static func describe(_ b: UInt8) -> String {
            b >= 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
        }
    }
}
