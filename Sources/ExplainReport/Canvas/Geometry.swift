/// A point in page coordinates: points (1/72 inch), origin at the top left, y growing downwards.
public struct Point: Equatable, Hashable, Sendable {
    public var x: Double
    public var y: Double

    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A width and a height in points.
public struct Size: Equatable, Hashable, Sendable {
    public var width: Double
    public var height: Double

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// ISO A4 in landscape orientation (297 × 210 mm).
    public static let a4Landscape = Size(width: 841.89, height: 595.28)
}

/// An axis-aligned rectangle in page coordinates.
public struct Rect: Equatable, Hashable, Sendable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var minX: Double { x }
    public var minY: Double { y }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }

    /// The rectangle shrunk by the given margins (never to a negative size).
    public func inset(top: Double = 0, left: Double = 0, bottom: Double = 0, right: Double = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: max(0, width - left - right), height: max(0, height - top - bottom))
    }

    /// The rectangle shrunk by `d` on every side.
    public func inset(by d: Double) -> Rect { inset(top: d, left: d, bottom: d, right: d) }

    /// Splits off a band of `distance` points from the top; returns (band, remainder).
    public func sliceTop(_ distance: Double) -> (Rect, Rect) {
        let d = min(max(0, distance), height)
        return (Rect(x: x, y: y, width: width, height: d), Rect(x: x, y: y + d, width: width, height: height - d))
    }

    /// Splits off a band of `distance` points from the left; returns (band, remainder).
    public func sliceLeft(_ distance: Double) -> (Rect, Rect) {
        let d = min(max(0, distance), width)
        return (Rect(x: x, y: y, width: d, height: height), Rect(x: x + d, y: y, width: width - d, height: height))
    }

    /// Divides the rectangle into `count` equal columns separated by `gap`.
    public func columns(_ count: Int, gap: Double) -> [Rect] {
        guard count > 0 else { return [] }
        let w = max(0, (width - gap * Double(count - 1)) / Double(count))
        return (0..<count).map { Rect(x: x + Double($0) * (w + gap), y: y, width: w, height: height) }
    }

    /// Divides the rectangle into `count` equal rows separated by `gap`.
    public func rows(_ count: Int, gap: Double) -> [Rect] {
        guard count > 0 else { return [] }
        let h = max(0, (height - gap * Double(count - 1)) / Double(count))
        return (0..<count).map { Rect(x: x, y: y + Double($0) * (h + gap), width: width, height: h) }
    }

    /// Whether the two rectangles share interior area (touching edges do not count).
    public func intersects(_ other: Rect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    /// Whether `other` lies inside this rectangle, allowing `tolerance` points of slack.
    public func contains(_ other: Rect, tolerance: Double = 0.01) -> Bool {
        other.minX >= minX - tolerance && other.maxX <= maxX + tolerance
            && other.minY >= minY - tolerance && other.maxY <= maxY + tolerance
    }
}

/// An sRGB colour with straight (non-premultiplied) alpha, components in [0, 1].
public struct Color: Equatable, Hashable, Sendable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from 8-bit sRGB components.
    public init(_ r: Int, _ g: Int, _ b: Int) {
        self.init(red: Double(r) / 255, green: Double(g) / 255, blue: Double(b) / 255)
    }

    /// A grey of the given lightness.
    public init(grey: Double) { self.init(red: grey, green: grey, blue: grey) }

    /// The same colour with a different alpha.
    public func withAlpha(_ a: Double) -> Color { Color(red: red, green: green, blue: blue, alpha: a) }

    /// Linear interpolation between two colours in sRGB, `t` in [0, 1].
    public static func mix(_ a: Color, _ b: Color, _ t: Double) -> Color {
        Color(red: a.red + (b.red - a.red) * t, green: a.green + (b.green - a.green) * t,
              blue: a.blue + (b.blue - a.blue) * t, alpha: a.alpha + (b.alpha - a.alpha) * t)
    }
}
