import Dispatch
import ExplainTensor
import Foundation

extension CSVTable {
    /// The index of each named column in the file.
    /// - Throws: `ExplainError(.invalidInput)` naming every missing column, or a column that appears twice.
    public func columnIndices(_ names: [String]) throws(ExplainError) -> [Int] {
        var positions: [String: Int] = [:]
        var duplicated: Set<String> = []
        for (j, h) in header.enumerated() where positions.updateValue(j, forKey: h) != nil { duplicated.insert(h) }
        let missing = names.filter { positions[$0] == nil }
        if !missing.isEmpty {
            let list = Echo.list(missing, quoted: true)
            let noun = missing.count == 1 ? "column" : "columns"
            throw ExplainError(.invalidInput, "missing \(noun) \(list) (the header has \(header.count) columns)", at: "\(name):1")
        }
        if let twice = names.first(where: duplicated.contains) {
            throw ExplainError(.invalidInput, "column appears more than once", at: "\(name):1 (\(Echo.text(twice)))")
        }
        return names.compactMap { positions[$0] }
    }

    /// The header's columns that are not in `used`, in file order (reported once as ignored).
    public func ignoredColumns(using used: [String]) -> [String] {
        let set = Set(used)
        return header.filter { !set.contains($0) }
    }

    /// The named columns as a `[rowCount, names.count]` tensor, in the order of `names`.
    ///
    /// Rows are converted in parallel chunks; the error reported is always the first bad cell in file order.
    /// - Throws: `ExplainError(.invalidInput)` for a missing column, or for an empty, non-numeric or non-finite cell,
    ///   at `x.csv:14 (petal_width)`.
    public func numericColumns(_ names: [String]) throws(ExplainError) -> Tensor {
        let indices = try columnIndices(names)
        let width = names.count
        var destination = [Int](repeating: -1, count: header.count)
        for (k, j) in indices.enumerated() { destination[j] = k }
        let rows = rowCount
        let chunkCount = rows * header.count >= 200_000 ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1
        let chunkSize = (rows + chunkCount - 1) / chunkCount
        var failures = [ExplainError?](repeating: nil, count: chunkCount)
        let values = [Float](unsafeUninitializedCapacity: rows * width) { out, initialized in
            bytes.withUnsafeBufferPointer { buffer in
                destination.withUnsafeBufferPointer { target in
                    failures.withUnsafeMutableBufferPointer { failed in
                        guard let base = buffer.baseAddress, let outBase = out.baseAddress else { return }
                        let shared = SharedPointers(bytes: base, count: buffer.count - 1, target: target, out: outBase,
                                                    failures: failed)
                        DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
                            let range = (c * chunkSize)..<min(rows, (c + 1) * chunkSize)
                            shared.failures[c] = convert(rows: range, width: width, shared: shared)
                        }
                    }
                }
            }
            initialized = rows * width
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        return Tensor(shape: [rows, width], scalars: values)
    }

    /// The buffers that parallel chunks share; each chunk writes only its own rows and its own failure slot.
    private struct SharedPointers: @unchecked Sendable {
        let bytes: UnsafePointer<UInt8>
        let count: Int
        let target: UnsafeBufferPointer<Int>
        let out: UnsafeMutablePointer<Float>
        let failures: UnsafeMutableBufferPointer<ExplainError?>
    }

    /// Converts `rows` into `shared.out`, returning the first bad cell's error.
    private func convert(rows: Range<Int>, width: Int, shared: SharedPointers) -> ExplainError? {
        let scanner = CSVScanner(base: shared.bytes, count: shared.count)
        let target = shared.target, out = shared.out
        let columnCount = header.count
        for r in rows {
            var i = rowStarts[r]
            let row = r * width
            for j in 0..<columnCount {
                let k = target[j]
                if k >= 0, let (v, next) = scanner.plainNumber(at: i) {
                    out[row + k] = v
                    i = next
                    continue
                }
                guard let cell = scanner.cell(at: i) else { break }
                if k >= 0 {
                    guard let v = scanner.number(in: cell) else { return cellError(scanner, cell, row: r, column: j) }
                    out[row + k] = v
                }
                i = cell.next
            }
        }
        return nil
    }

    /// Every column as a number (`[rowCount, header.count]`).
    public func allNumericColumns() throws(ExplainError) -> Tensor {
        try numericColumns(header)
    }

    /// The text of one column for every row, with quotes removed (for example a `--label` column).
    public func stringColumn(_ column: String) throws(ExplainError) -> [String] {
        let j = try columnIndices([column])[0]
        return bytes.withUnsafeBufferPointer { buffer -> [String] in
            guard let base = buffer.baseAddress else { return [] }
            let scanner = CSVScanner(base: base, count: buffer.count - 1)
            return rowStarts.map { start in
                var i = start
                for _ in 0..<j { i = scanner.cell(at: i)?.next ?? i }
                return scanner.cell(at: i).map(scanner.text(of:)) ?? ""
            }
        }
    }

    func cellError(_ scanner: CSVScanner, _ cell: CSVScanner.Cell, row: Int, column: Int) -> ExplainError {
        let text = scanner.text(of: cell)
        let shown = Echo.quoted(text) {
            $0.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
                .replacingAll("\n", with: "\\n").replacingAll("\r", with: "\\r")
        }
        return ExplainError(.invalidInput, "expected \(DecimalParser.float32Expectation(text)), got \(shown)",
                            at: "\(name):\(rowLines[row]) (\(Echo.text(header[column])))")
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (without Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
