import ExplainNN
import ExplainTensor

/// A labelled table for training a classifier: numeric feature columns and one class-label column.
///
/// Loading checks everything `explain train` needs, each problem one `ExplainError(.invalidInput)` naming the file
/// and, where there is one, the line and column: a missing label column, an empty label, a non-numeric cell, a
/// single class, a class with fewer than two rows (one to train on, one to test on), or feature columns that are all
/// constant.
public struct TrainingData: Sendable {
    /// The feature columns, in file order.
    public var featureNames: [String]
    /// `[N, featureNames.count]`, raw units.
    public var features: Tensor
    /// The name of the label column.
    public var labelColumn: String
    /// The classes: sorted numerically when every label is a number, otherwise in order of first appearance.
    public var classNames: [String]
    /// For each row, its index in `classNames`.
    public var classes: [Int]
    /// The feature columns that hold one value in every row: they carry no information (`explain train` warns).
    public var constantColumns: [String]

    /// Reads `path` and splits it into features and labels.
    /// - Throws: `ExplainError(.io)` when it cannot be read, `.invalidInput` as described on the type.
    public init(path: String, labelColumn: String) throws(ExplainError) {
        try self.init(table: try CSVTable(contentsOf: path), labelColumn: labelColumn)
    }

    /// Splits a table into features (every other column) and labels.
    /// - Throws: `ExplainError(.invalidInput)` as described on the type.
    public init(table: CSVTable, labelColumn: String) throws(ExplainError) {
        guard table.header.contains(labelColumn) else {
            throw ExplainError(.invalidInput, "no label column \(Echo.quoted(labelColumn)) (the header has \(Echo.list(table.header))); choose one with --label", at: "\(table.name):1")
        }
        let featureNames = table.header.filter { $0 != labelColumn }
        guard !featureNames.isEmpty else {
            throw ExplainError(.invalidInput, "no feature columns besides the label \(Echo.quoted(labelColumn))", at: "\(table.name):1")
        }
        let labels = try table.stringColumn(labelColumn)
        if let empty = labels.firstIndex(where: { $0.allSatisfy { $0 == " " || $0 == "\t" } }) {
            throw ExplainError(.invalidInput, "empty label", at: "\(table.name):\(table.lineNumber(ofRow: empty)) (\(Echo.text(labelColumn)))")
        }
        let features = try table.numericColumns(featureNames)
        let classNames = TrainingData.classOrder(labels)
        let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        let classes = labels.map { index[$0] ?? 0 }
        guard classNames.count >= 2 else {
            throw ExplainError(.invalidInput, "the label column \(Echo.quoted(labelColumn)) has a single class (\(Echo.quoted(classNames.first ?? ""))); a classifier needs at least 2", at: table.name)
        }
        guard labels.count >= 2 * classNames.count else {
            throw ExplainError(.invalidInput, "\(labels.count) rows for \(classNames.count) classes; every class needs at least 2 rows (one to train on, one to test on)", at: table.name)
        }
        var counts = [Int](repeating: 0, count: classNames.count)
        for c in classes { counts[c] += 1 }
        if let rare = counts.firstIndex(where: { $0 < 2 }) {
            throw ExplainError(.invalidInput, "class \(Echo.quoted(classNames[rare])) has \(counts[rare]) row; every class needs at least 2 (one to train on, one to test on)", at: table.name)
        }
        let width = featureNames.count
        let constant = (0..<width).filter { j in
            let first = features.scalars[j]
            return stride(from: j, to: features.scalars.count, by: width).allSatisfy { features.scalars[$0] == first }
        }
        guard constant.count < width else {
            throw ExplainError(.invalidInput, "every feature column is constant (each holds one value in every row), "
                + "so nothing can be learned from them", at: table.name)
        }
        self.constantColumns = constant.map { featureNames[$0] }
        self.featureNames = featureNames
        self.features = features
        self.labelColumn = labelColumn
        self.classNames = classNames
        self.classes = classes
    }

    /// The number of rows.
    public var rowCount: Int { classes.count }

    /// The label text of each row.
    public var labels: [String] { classes.map { classNames[$0] } }

    /// Numeric labels in numeric order, anything else in order of first appearance.
    static func classOrder(_ labels: [String]) -> [String] {
        var seen = Set<String>(), order: [String] = []
        for label in labels where seen.insert(label).inserted { order.append(label) }
        let numbers = order.compactMap { Double($0) }
        guard numbers.count == order.count else { return order }
        return zip(order, numbers).sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.map(\.0)
    }
}

extension CSVTable {
    /// The 1-based file line on which data row `row` starts.
    func lineNumber(ofRow row: Int) -> Int { rowLines.indices.contains(row) ? rowLines[row] : row + 2 }
}
