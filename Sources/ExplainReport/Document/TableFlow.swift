/// Headed tables laid out one after another down a sequence of columns, continued on new pages.
///
/// A table that does not fit the rest of a column is split between rows: the rest goes to the next column (or the
/// first column of a new page, made by `newPage`), under its heading marked "(continued)" and its header repeated,
/// so no row is ever left out; a continued group of rows (a blank first cell under a named one) repeats its name.
struct TableFlow {
    /// One table under a bold heading.
    struct Block {
        var heading: String
        var table: Table
    }

    /// The pages finished so far, then the current one.
    private(set) var drawings: [Drawing]
    private var columns: [Rect]
    private var column = 0
    private var y: Double
    private let newPage: (inout Drawing) -> [Rect]
    private let measure: any TextMeasuring
    /// The gap below each block.
    static let gap = 14.0

    /// Starts on the current page `first`, in `columns` (top to bottom, left to right); `newPage` draws a fresh
    /// page's frame into the drawing it is given and returns that page's columns.
    init(first: Drawing, columns: [Rect], measure: any TextMeasuring,
         newPage: @escaping (inout Drawing) -> [Rect]) {
        precondition(!columns.isEmpty, "TableFlow needs a column")
        drawings = [first]
        self.columns = columns
        y = columns[0].minY
        self.newPage = newPage
        self.measure = measure
    }

    /// Continues in the next column (or page).
    mutating func breakColumn() {
        column += 1
        if column == columns.count {
            var d = Drawing()
            columns = newPage(&d)
            drawings.append(d)
            column = 0
        }
        y = columns[column].minY
    }

    /// Continues in column `index` of the current page unless the flow is already there or past it.
    mutating func advance(toColumn index: Int) {
        while column < index && column + 1 < columns.count { breakColumn() }
    }

    /// Adds `block`, split over as many columns and pages as it needs.
    mutating func add(_ block: Block) {
        let headingHeight = measure.measure("0", font: Fonts.heading).height + 4
        let rowHeight = block.table.rowHeight(measure: measure)
        let headerRows = block.table.header.isEmpty ? 0 : 1
        var rest = block.table.rows[...]
        var isContinued = false
        while true {
            let frame = columns[column]
            let capacity = Int((frame.maxY - y - headingHeight - 2) / rowHeight) - headerRows
            // A fresh column always takes at least one row, so a tiny frame cannot stall the flow.
            if capacity < 1, y > frame.minY {
                breakColumn()
                continue
            }
            let count = max(capacity, 1)
            let heading = isContinued ? "\(block.heading) (continued)" : block.heading
            let top = PageTemplate.heading(heading, at: Point(frame.minX, y), measure: measure,
                                           into: &drawings[drawings.count - 1])
            var chunk = block.table
            chunk.rows = Array(rest.prefix(count))
            // Rows grouped under a first cell left blank (a method's parameters) keep their group's name.
            if isContinued, chunk.rows[0].first == "",
               let group = block.table.rows[..<rest.startIndex].last(where: { $0.first?.isEmpty == false })?.first {
                chunk.rows[0][0] = group
            }
            let height = chunk.draw(in: Rect(x: frame.minX, y: top, width: frame.width, height: frame.maxY - top),
                                    measure: measure, into: &drawings[drawings.count - 1])
            y = top + height + Self.gap
            rest = rest.dropFirst(count)
            if rest.isEmpty { return }
            isContinued = true
            breakColumn()
        }
    }
}
