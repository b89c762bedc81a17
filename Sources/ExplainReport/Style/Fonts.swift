/// The report's typography, in one place: one family, a handful of sizes.
public enum Fonts {
    /// The only family installed on the build machines; Cairo embeds its subsets in the PDF.
    public static let family = "DejaVu Sans"
    public static let documentTitle = Font(size: 24, isBold: true)
    public static let pageTitle = Font(size: 15, isBold: true)
    public static let subtitle = Font(size: 10.5)
    public static let heading = Font(size: 10.5, isBold: true)
    public static let body = Font(size: 9)
    public static let bodyBold = Font(size: 9, isBold: true)
    public static let label = Font(size: 8)
    public static let labelBold = Font(size: 8, isBold: true)
    public static let tick = Font(size: 7)
    public static let small = Font(size: 6.5)
    public static let footer = Font(size: 7)
    /// Labels shrink down to this size before they are shortened.
    public static let minimumSize = 5.5
}
