import ExplainTensor

/// A CSV file with a header row, indexed once and read column by column (CONTRACT.md §2).
///
/// Columns are found by header name, so their order in the file does not matter. Numeric reads return a
/// `[rows, columns]` `Tensor` in the requested column order; a bad cell is an error naming the line (1-based, the
/// header is line 1; for a row whose quoted cells span lines, the line where the row starts) and the column:
/// `x.csv:14 (petal_width): expected a finite number, got "abc"`. Row indices in outputs are 0-based data rows.
/// Quoting follows RFC 4180 (see `CSVScanner`), CRLF line ends and a UTF-8 byte-order mark are accepted, and blank
/// lines are skipped. Every data row must have as many cells as the header.
///
/// - Complexity: indexing and each column read are one pass over the bytes; no per-cell allocation for numbers.
public struct CSVTable: Sendable {
    /// The name used in error locations (the path as given).
    public let name: String
    /// The column names, in file order, with surrounding spaces removed.
    public let header: [String]
    /// The file's bytes plus a 0 sentinel.
    let bytes: [UInt8]
    /// The byte offset where each data row starts.
    let rowStarts: [Int]
    /// The 1-based line number on which each data row starts.
    let rowLines: [Int]

    /// The largest CSV file read: 4 GiB.
    public static let maximumFileBytes = 1 << 32

    /// The number of data rows.
    public var rowCount: Int { rowStarts.count }

    /// Reads and indexes the CSV file at `path`.
    /// - Throws: `ExplainError(.io)` when the file cannot be read or is larger than `maximumFileBytes`;
    ///   `.invalidInput` as for `init(bytes:name:)`.
    public init(contentsOf path: String) throws(ExplainError) {
        try self.init(bytes: try AtomicFile.read(path, maximumBytes: Self.maximumFileBytes, kind: "CSV files"), name: path)
    }

    /// Indexes CSV text given as UTF-8 bytes, with \n, \r\n or (in a file with no \n at all) \r line endings.
    /// - Throws: `ExplainError(.invalidInput)` for an empty file, a header-only file, an unterminated quote, or a row
    ///   whose cell count differs from the header's (`x.csv:7: expected 5 cells, got 4`).
    public init(bytes input: consuming [UInt8], name: String) throws(ExplainError) {
        var data = input
        let bom = data.count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF ? 3 : 0
        // Classic Mac line endings (a lone \r, no \n anywhere) are read as \n, as Python's csv module does.
        if !data.contains(CSVScanner.newline), data.contains(CSVScanner.carriageReturn) {
            for i in data.indices where data[i] == CSVScanner.carriageReturn { data[i] = CSVScanner.newline }
        }
        data.append(0)
        let indexed: Result<(header: [String], starts: [Int], lines: [Int]), ExplainError> = data.withUnsafeBufferPointer {
            buffer in
            guard let base = buffer.baseAddress else { return .failure(ExplainError(.invalidInput, "empty file", at: name)) }
            return Self.index(CSVScanner(base: base, count: buffer.count - 1), from: bom, name: name)
        }
        let index = try indexed.get()
        self.name = name
        self.header = index.header
        self.bytes = data
        self.rowStarts = index.starts
        self.rowLines = index.lines
    }

    /// Finds the header and the start of every data row, checking cell counts.
    static func index(_ scanner: CSVScanner, from offset: Int, name: String)
        -> Result<(header: [String], starts: [Int], lines: [Int]), ExplainError>
    {
        var i = offset
        var line = 1
        var header: [String] = []
        var starts: [Int] = [], lines: [Int] = []
        while i < scanner.count {
            let rowStart = i, rowLine = line
            if !header.isEmpty, let row = scanner.unquotedRow(at: i) {
                i = row.next
                line += 1
                if row.isBlank { continue }
                guard row.cells == header.count else {
                    return .failure(ExplainError(.invalidInput, "expected \(header.count) cells, got \(row.cells)",
                                                 at: "\(name):\(rowLine)"))
                }
                starts.append(rowStart)
                lines.append(rowLine)
                continue
            }
            var cells = 0
            var texts: [String] = []
            var blank = false
            while true {
                guard let cell = scanner.cell(at: i) else {
                    return .failure(ExplainError(.invalidInput, "unterminated quoted field", at: "\(name):\(rowLine)"))
                }
                cells += 1
                line += cell.embeddedNewlines
                if header.isEmpty { texts.append(scanner.text(of: cell)) }
                i = cell.next
                if cell.endsRow {
                    blank = cells == 1 && cell.end == cell.start
                    break
                }
            }
            line += 1
            if blank { continue }
            if header.isEmpty {
                header = texts.map(Self.trimmed)
            } else if cells != header.count {
                return .failure(ExplainError(.invalidInput, "expected \(header.count) cells, got \(cells)", at: "\(name):\(rowLine)"))
            } else {
                starts.append(rowStart)
                lines.append(rowLine)
            }
        }
        if header.isEmpty { return .failure(ExplainError(.invalidInput, "empty file; expected a header row", at: name)) }
        if starts.isEmpty { return .failure(ExplainError(.invalidInput, "no data rows after the header", at: name)) }
        return .success((header, starts, lines))
    }

    static func trimmed(_ s: String) -> String {
        var t = Substring(s)
        while let c = t.first, c == " " || c == "\t" { t.removeFirst() }
        while let c = t.last, c == " " || c == "\t" { t.removeLast() }
        return String(t)
    }
}
