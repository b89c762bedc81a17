#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte-level CSV grammar shared by indexing and column extraction.
///
/// RFC 4180 with the usual tolerances: a field is quoted only when its first byte is `"`; inside quotes `""` is a
/// quote and commas and newlines are data; bytes after a closing quote are kept (as Python's `csv` does); a `\r`
/// before a line's `\n` is dropped. The buffer must end with a 0 sentinel byte that is not part of the data.
struct CSVScanner {
    /// One field: its raw byte range (quotes included) and what ended it.
    struct Cell {
        var start: Int
        var end: Int
        var isQuoted: Bool
        /// Newlines inside the quoted field.
        var embeddedNewlines: Int
        /// The index just past the terminator.
        var next: Int
        /// True when the row ends after this field (newline or end of data).
        var endsRow: Bool
    }

    static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    let base: UnsafePointer<UInt8>
    /// The number of data bytes (the sentinel sits at `base[count]`).
    let count: Int

    /// Scans the field that starts at `i`, or nil when a quoted field runs to the end of the data.
    @inline(__always)
    func cell(at i: Int) -> Cell? {
        var j = i
        var isQuoted = false
        var newlines = 0
        if j < count && base[j] == Self.quote {
            isQuoted = true
            j += 1
            while true {
                guard j < count else { return nil }
                let b = base[j]
                if b == Self.quote {
                    if j + 1 < count && base[j + 1] == Self.quote { j += 2; continue }
                    j += 1
                    break
                }
                if b == Self.newline { newlines += 1 }
                j += 1
            }
        }
        while j < count {
            let b = base[j]
            if b == Self.comma {
                return Cell(start: i, end: j, isQuoted: isQuoted, embeddedNewlines: newlines, next: j + 1, endsRow: false)
            }
            if b == Self.newline {
                let end = j > i && base[j - 1] == Self.carriageReturn ? j - 1 : j
                return Cell(start: i, end: end, isQuoted: isQuoted, embeddedNewlines: newlines, next: j + 1, endsRow: true)
            }
            j += 1
        }
        let end = j > i && base[j - 1] == Self.carriageReturn ? j - 1 : j
        return Cell(start: i, end: end, isQuoted: isQuoted, embeddedNewlines: newlines, next: j, endsRow: true)
    }

    /// The text of a field, with quotes removed and `""` unescaped.
    func text(of cell: Cell) -> String {
        guard cell.isQuoted else {
            return String(decoding: UnsafeBufferPointer(start: base + cell.start, count: cell.end - cell.start), as: UTF8.self)
        }
        var bytes: [UInt8] = []
        var j = cell.start + 1
        var inQuotes = true
        while j < cell.end {
            let b = base[j]
            if inQuotes && b == Self.quote {
                if j + 1 < cell.end && base[j + 1] == Self.quote {
                    bytes.append(Self.quote)
                    j += 2
                    continue
                }
                inQuotes = false
            } else {
                bytes.append(b)
            }
            j += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The field's value as a finite `Float`, or nil when it is empty, not a decimal number, or not finite.
    ///
    /// Surrounding spaces and tabs are allowed. Only `[0-9+-.eE]` bytes are accepted, so `nan`, `inf` and hexadecimal
    /// forms are rejected; `strtof` then converts with correct rounding and must consume the whole field.
    @inline(__always)
    func number(in cell: Cell) -> Float? {
        if cell.isQuoted {
            let t = text(of: cell)
            return t.withCString { p in
                Self.parseNumber(UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), 0, t.utf8.count)
            }
        }
        return Self.parseNumber(base, cell.start, cell.end)
    }

    /// Parses bytes `start..<end` of a buffer whose byte at `end` does not continue a number.
    @inline(__always)
    static func parseNumber(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        var s = start, e = end
        while s < e && (p[s] == 0x20 || p[s] == 0x09) { s += 1 }
        while e > s && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
        guard s < e else { return nil }
        var sawDigit = false
        for k in s..<e {
            let b = p[k]
            if b &- UInt8(ascii: "0") < 10 {
                sawDigit = true
            } else if !(b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
                || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")) {
                return nil
            }
        }
        guard sawDigit else { return nil }
        return (p + s).withMemoryRebound(to: CChar.self, capacity: e - s + 1) { c -> Float? in
            var stop: UnsafeMutablePointer<CChar>? = nil
            let v = strtof(c, &stop)
            guard let stop, stop == UnsafeMutablePointer(mutating: c) + (e - s), v.isFinite else { return nil }
            return v
        }
    }
}
