import ExplainTensor

extension CSVTable {
    /// CSV text for a header and rows of cells, `\n` line ends, fields quoted only when they must be.
    ///
    /// A field is quoted when it holds a comma, a quote, a line break, or surrounding spaces; quotes are doubled.
    public static func serialize(header: [String], rows: [[String]]) -> [UInt8] {
        precondition(rows.allSatisfy { $0.count == header.count }, "CSVTable.serialize: ragged rows")
        var out: [UInt8] = []
        func append(_ fields: [String]) {
            for (j, f) in fields.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                appendField(f, to: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
        append(header)
        for r in rows { append(r) }
        return out
    }

    /// CSV text for numeric columns (`values` is `[rows, columns.count]`), each number in `Float`'s shortest
    /// round-trip form, followed by optional text columns such as a label.
    /// - Throws: `ExplainError(.numerical)` for a non-finite value, which a CSV file cannot hold.
    public static func serialize(columns: [String], values: Tensor, textColumns: [(name: String, values: [String])] = [])
        throws(ExplainError) -> [UInt8]
    {
        precondition(values.shape.count == 2 && values.shape[1] == columns.count, "CSVTable.serialize: shape")
        precondition(textColumns.allSatisfy { $0.values.count == values.shape[0] }, "CSVTable.serialize: text rows")
        let width = columns.count
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 10)
        let header = columns + textColumns.map(\.name)
        for (j, h) in header.enumerated() {
            if j > 0 { out.append(UInt8(ascii: ",")) }
            appendField(h, to: &out)
        }
        out.append(UInt8(ascii: "\n"))
        for r in 0..<values.shape[0] {
            for k in 0..<width {
                let v = values.scalars[r * width + k]
                guard v.isFinite else {
                    throw ExplainError(.numerical, "cannot write non-finite value \(v)", at: "row \(r) (\(columns[k]))")
                }
                if k > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: v.description.utf8)
            }
            for (t, column) in textColumns.enumerated() {
                if width > 0 || t > 0 { out.append(UInt8(ascii: ",")) }
                appendField(column.values[r], to: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Writes numeric (and optional text) columns to `path` atomically; see `serialize(columns:values:textColumns:)`.
    public static func write(columns: [String], values: Tensor, textColumns: [(name: String, values: [String])] = [],
                             to path: String) throws(ExplainError)
    {
        do throws(ExplainError) {
            try AtomicFile.write(try serialize(columns: columns, values: values, textColumns: textColumns), to: path)
        } catch {
            throw error.code == .numerical ? error.located(in: path) : error
        }
    }

    /// Writes a header and rows of cells to `path` atomically.
    public static func write(header: [String], rows: [[String]], to path: String) throws(ExplainError) {
        try AtomicFile.write(serialize(header: header, rows: rows), to: path)
    }

    static func appendField(_ field: String, to out: inout [UInt8]) {
        let needsQuotes = field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            || field.first == " " || field.last == " " || field.first == "\t" || field.last == "\t"
        guard needsQuotes else {
            out.append(contentsOf: field.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for b in field.utf8 {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }
}
