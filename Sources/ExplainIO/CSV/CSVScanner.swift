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
    /// Surrounding spaces and tabs are allowed; `nan`, `inf` and hexadecimal forms are rejected (`DecimalParser`).
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
        guard let v = DecimalParser.float(p, s, e), v.isFinite else { return nil }
        return v
    }

    /// Reads an unquoted numeric field at `i` in one pass when it is a plain finite number directly followed by a
    /// comma, a line end or the end of the data: the value and the index after the terminator. Anything else (quotes,
    /// spaces, bad text) returns nil, and the caller takes the general path.
    @inline(__always)
    func plainNumber(at i: Int) -> (value: Float, next: Int)? {
        guard let (lit, stop) = DecimalParser.scanPrefix(base, i, count) else { return nil }
        let next: Int
        if stop == count {
            next = stop
        } else {
            let b = base[stop]
            if b == Self.comma || b == Self.newline {
                next = stop + 1
            } else if b == Self.carriageReturn && (stop + 1 == count || base[stop + 1] == Self.newline) {
                next = min(stop + 2, count)
            } else {
                return nil
            }
        }
        let v = DecimalParser.float(lit, base, i, stop)
        return v.isFinite ? (v, next) : nil
    }

    /// Counts the cells of the row at `i` in one tight loop when the row has no quote: the cell count, the index
    /// after the row's newline, and whether the row is blank. Nil when a quote appears (the caller then scans cell
    /// by cell), which gives the same result.
    @inline(__always)
    func unquotedRow(at i: Int) -> (cells: Int, next: Int, isBlank: Bool)? {
        let j: Int
        if let hit = memchr(base + i, Int32(Self.newline), count - i) {
            j = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
        } else {
            j = count
        }
        // Count commas and quotes 16 bytes at a time (SSE2 byte compares), then the tail byte by byte.
        var commas = 0
        var quotes = 0
        var k = i
        let commaLanes = SIMD16<UInt8>(repeating: Self.comma), quoteLanes = SIMD16<UInt8>(repeating: Self.quote)
        let zero = SIMD16<UInt8>(repeating: 0), one = SIMD16<UInt8>(repeating: 1)
        while k + 16 <= j {
            var commaCount = zero, quoteCount = zero
            // At most 15 blocks per inner round, so that per-lane byte counts cannot overflow.
            let stop = min(j, k + 16 * 15)
            while k + 16 <= stop {
                let v = UnsafeRawPointer(base + k).loadUnaligned(as: SIMD16<UInt8>.self)
                commaCount &+= zero.replacing(with: one, where: v .== commaLanes)
                quoteCount &+= zero.replacing(with: one, where: v .== quoteLanes)
                k += 16
            }
            commas += Int(commaCount.wrappedSum())
            quotes += Int(quoteCount.wrappedSum())
        }
        while k < j {
            let b = base[k]
            if b == Self.comma { commas += 1 } else if b == Self.quote { quotes += 1 }
            k += 1
        }
        guard quotes == 0 else { return nil }
        let contentEnd = j > i && base[j - 1] == Self.carriageReturn ? j - 1 : j
        return (commas + 1, min(j + 1, count), commas == 0 && contentEnd == i)
    }
}
