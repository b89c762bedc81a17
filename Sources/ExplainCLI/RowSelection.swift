import ExplainKit

/// A `--rows` value such as `0,3,10-19`: 0-based data rows, ranges inclusive.
struct RowSelection: Equatable, Sendable {
    /// The parts in the order given, as inclusive ranges.
    var ranges: [ClosedRange<Int>]

    /// Parses `0,3,10-19`. Throws a message naming the bad part.
    init(parsing text: String) throws(ExplainError) {
        var parts: [ClosedRange<Int>] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = raw.trimmingCharacters(in: .whitespaces)
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard !part.isEmpty, bounds.count <= 2, let low = Int(bounds[0]), low >= 0,
                  let high = bounds.count == 2 ? Int(bounds[1]) : low, high >= low else {
                let item = part.isEmpty ? "an empty item" : "\"\(part)\""
                throw ExplainError(.invalidArgument, "expected row numbers like 0,3,10-19, got \(item) in \"\(text)\"",
                                   at: "--rows")
            }
            parts.append(low...high)
        }
        ranges = parts
    }

    /// The selected rows in order, without repeats.
    /// - Throws: when a row is beyond the file's `rowCount` rows.
    func resolve(rowCount: Int, file: String) throws(ExplainError) -> [Int] {
        var seen = Set<Int>()
        var rows: [Int] = []
        for r in ranges {
            guard r.upperBound < rowCount else {
                throw ExplainError(.invalidArgument, "row \(r.upperBound) is out of range: \(file) has \(rowCount) data rows (0–\(rowCount - 1))", at: "--rows")
            }
            for i in r where seen.insert(i).inserted { rows.append(i) }
        }
        return rows
    }
}
