/// A font request: the family is fixed by `Fonts.family`; size in points.
public struct Font: Equatable, Hashable, Sendable {
    public var size: Double
    public var isBold: Bool

    public init(size: Double, isBold: Bool = false) {
        self.size = size
        self.isBold = isBold
    }
}

/// Where a text's anchor point sits horizontally on the text.
public enum TextAnchor: Sendable, Equatable {
    case start, middle, end
}

/// Where a text's anchor point sits vertically on the text's line box.
public enum TextBaseline: Sendable, Equatable {
    /// The anchor is the top of the font's ascent.
    case top
    /// The anchor is the middle between ascent and descent.
    case middle
    /// The anchor is on the alphabetic baseline.
    case alphabetic
    /// The anchor is the bottom of the font's descent.
    case bottom
}

/// A line style.
public struct Stroke: Equatable, Sendable {
    public var color: Color
    public var width: Double
    /// Dash pattern in points; empty for a solid line.
    public var dash: [Double]

    public init(_ color: Color, width: Double = 1, dash: [Double] = []) {
        self.color = color
        self.width = width
        self.dash = dash
    }
}

/// A piece of text, positioned by an anchor point.
public struct TextItem: Equatable, Sendable {
    public var string: String
    public var position: Point
    public var font: Font
    public var anchor: TextAnchor
    public var baseline: TextBaseline
    /// Rotation in degrees, counter-clockwise, around `position` (90 for a y-axis title that reads upwards).
    public var angle: Double

    public init(_ string: String, at position: Point, font: Font, anchor: TextAnchor = .start,
                baseline: TextBaseline = .alphabetic, angle: Double = 0) {
        self.string = string
        self.position = position
        self.font = font
        self.anchor = anchor
        self.baseline = baseline
        self.angle = angle
    }
}

/// A grid of colours drawn as one image with nearest-neighbour sampling (for large heatmaps).
public struct Raster: Equatable, Sendable {
    public var columns: Int
    public var rows: Int
    /// Row-major colours, `columns × rows`.
    public var pixels: [Color]
    public var frame: Rect

    public init(columns: Int, rows: Int, pixels: [Color], frame: Rect) {
        precondition(pixels.count == columns * rows, "raster pixel count must equal columns × rows")
        self.columns = columns
        self.rows = rows
        self.pixels = pixels
        self.frame = frame
    }
}

/// What an element draws.
public enum Shape: Equatable, Sendable {
    case rect(Rect)
    case polyline([Point])
    case polygon([Point])
    case circle(center: Point, radius: Double)
    case text(TextItem)
    case raster(Raster)
}

/// What an element means in its figure; tests find bars, cells and markers by role.
public struct Role: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let bar = Role(rawValue: "bar")
    public static let otherBar = Role(rawValue: "other-bar")
    public static let errorBar = Role(rawValue: "error-bar")
    public static let connector = Role(rawValue: "connector")
    public static let baseMarker = Role(rawValue: "base-marker")
    public static let predictionMarker = Role(rawValue: "prediction-marker")
    public static let zeroLine = Role(rawValue: "zero-line")
    public static let axis = Role(rawValue: "axis")
    public static let gridLine = Role(rawValue: "grid-line")
    public static let tickLabel = Role(rawValue: "tick-label")
    public static let axisTitle = Role(rawValue: "axis-title")
    public static let barLabel = Role(rawValue: "bar-label")
    public static let valueLabel = Role(rawValue: "value-label")
    public static let title = Role(rawValue: "title")
    public static let text = Role(rawValue: "text")
    public static let inputCell = Role(rawValue: "input-cell")
    public static let heatmapCell = Role(rawValue: "heatmap-cell")
    public static let overlayCell = Role(rawValue: "overlay-cell")
    public static let colorBarStop = Role(rawValue: "color-bar-stop")
    public static let dot = Role(rawValue: "dot")
    public static let unitCell = Role(rawValue: "unit-cell")
    public static let unitBar = Role(rawValue: "unit-bar")
    public static let curve = Role(rawValue: "curve")
    public static let band = Role(rawValue: "band")
    public static let legend = Role(rawValue: "legend")
    public static let frame = Role(rawValue: "frame")
    public static let backdrop = Role(rawValue: "backdrop")
    public static let tableText = Role(rawValue: "table-text")
}

/// One drawn primitive with its paint and its meaning.
public struct Element: Equatable, Sendable {
    public var shape: Shape
    /// Fill colour (the text colour for text).
    public var fill: Color?
    public var stroke: Stroke?
    public var role: Role
    /// The data value the element shows (a bar's φ, a cell's attribution), when it shows one.
    public var value: Double?
    /// A data key (feature index, unit index, series name) for tests and tooling.
    public var key: String?
    /// Draw without antialiasing (heatmap cells: crisp edges, no seams).
    public var isCrisp: Bool

    public init(_ shape: Shape, fill: Color? = nil, stroke: Stroke? = nil, role: Role, value: Double? = nil,
                key: String? = nil, isCrisp: Bool = false) {
        self.shape = shape
        self.fill = fill
        self.stroke = stroke
        self.role = role
        self.value = value
        self.key = key
        self.isCrisp = isCrisp
    }
}
