import ExplainTensor

/// Writes `JSONValue` trees as UTF-8 bytes, deterministically.
///
/// The same tree always gives the same bytes: keys in the tree's order, numbers as their literal text, strings
/// escaped minimally (`"`, `\` and control characters; other characters are written as UTF-8). A number whose text is
/// not a JSON number (for example `nan` or `inf` from a non-finite `Double`) is an error located at its JSON path.
public enum JSONWriter {
    /// The layout of the output.
    public enum Style: Sendable {
        /// No whitespace at all.
        case compact
        /// Two-space indentation; objects one key per line; arrays of scalars on one line, other arrays one element
        /// per line; a final newline.
        case pretty
    }

    /// The bytes of `value` in `style`.
    /// - Throws: `ExplainError(.numerical)` at the JSON path (`explanations[0].attributions[2]`) of a number whose
    ///   text is not valid JSON.
    public static func serialize(_ value: JSONValue, style: Style = .pretty) throws(ExplainError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        do throws(PathError) {
            try write(value, style: style, indent: 0, into: &out)
        } catch {
            let path = error.components.reversed().joined()
            throw ExplainError(.numerical, error.message, at: path.hasPrefix(".") ? String(path.dropFirst()) : path)
        }
        if style == .pretty { out.append(0x0A) }
        return out
    }

    /// The text of `value` in `style`.
    public static func string(_ value: JSONValue, style: Style = .pretty) throws(ExplainError) -> String {
        String(decoding: try serialize(value, style: style), as: UTF8.self)
    }

    /// An error with the path components collected while unwinding (innermost first).
    struct PathError: Error {
        var message: String
        var components: [String] = []
    }

    static func write(_ value: JSONValue, style: Style, indent: Int, into out: inout [UInt8]) throws(PathError) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .number(text):
            guard isNumberLiteral(text) else { throw PathError(message: "cannot write non-finite or invalid number \(text)") }
            out.append(contentsOf: text.utf8)
        case let .string(s): writeString(s, into: &out)
        case let .array(elements): try writeArray(elements, style: style, indent: indent, into: &out)
        case let .object(pairs): try writeObject(pairs, style: style, indent: indent, into: &out)
        }
    }

    static func writeArray(_ elements: [JSONValue], style: Style, indent: Int, into out: inout [UInt8])
        throws(PathError)
    {
        out.append(UInt8(ascii: "["))
        let expands = style == .pretty && elements.contains { v in
            switch v {
            case .array, .object: return true
            default: return false
            }
        }
        for (i, element) in elements.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if expands {
                newline(indent + 1, into: &out)
            } else if i > 0 && style == .pretty {
                out.append(0x20)
            }
            do throws(PathError) {
                try write(element, style: style, indent: indent + 1, into: &out)
            } catch {
                var e = error
                e.components.append("[\(i)]")
                throw e
            }
        }
        if expands { newline(indent, into: &out) }
        out.append(UInt8(ascii: "]"))
    }

    static func writeObject(_ pairs: [(key: String, value: JSONValue)], style: Style, indent: Int,
                            into out: inout [UInt8]) throws(PathError)
    {
        out.append(UInt8(ascii: "{"))
        for (i, pair) in pairs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if style == .pretty { newline(indent + 1, into: &out) }
            writeString(pair.key, into: &out)
            out.append(UInt8(ascii: ":"))
            if style == .pretty { out.append(0x20) }
            do throws(PathError) {
                try write(pair.value, style: style, indent: indent + 1, into: &out)
            } catch {
                var e = error
                e.components.append(".\(pair.key)")
                throw e
            }
        }
        if style == .pretty && !pairs.isEmpty { newline(indent, into: &out) }
        out.append(UInt8(ascii: "}"))
    }

    static func newline(_ indent: Int, into out: inout [UInt8]) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: 2 * indent))
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes a quoted string with `"`, `\` and control characters escaped.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// True when `text` matches the JSON number grammar `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`.
    static func isNumberLiteral(_ text: String) -> Bool {
        var it = text.utf8.makeIterator()
        var c = it.next()
        func digit(_ b: UInt8?) -> Bool { b.map { $0 &- UInt8(ascii: "0") < 10 } ?? false }
        if c == UInt8(ascii: "-") { c = it.next() }
        guard digit(c) else { return false }
        if c == UInt8(ascii: "0") {
            c = it.next()
        } else {
            repeat { c = it.next() } while digit(c)
        }
        if c == UInt8(ascii: ".") {
            c = it.next()
            guard digit(c) else { return false }
            repeat { c = it.next() } while digit(c)
        }
        if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            c = it.next()
            if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { c = it.next() }
            guard digit(c) else { return false }
            repeat { c = it.next() } while digit(c)
        }
        return c == nil
    }
}

extension JSONValue {
    /// The bytes of this value; see `JSONWriter`.
    public func serialized(style: JSONWriter.Style = .pretty) throws(ExplainError) -> [UInt8] {
        try JSONWriter.serialize(self, style: style)
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text (numbers that are not valid JSON are shown as they are).
    public var description: String {
        switch self {
        case let .number(text): return text
        default:
            return (try? JSONWriter.string(self, style: .compact))
                ?? "<JSON with an invalid number>"
        }
    }
}
