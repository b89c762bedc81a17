/// Every colour the reports use, in one place.
///
/// One rule everywhere: positive attribution is red, negative attribution is blue. Signed attributions use the
/// diverging cool–warm map (Moreland 2009, "Diverging Color Maps for Scientific Visualization"), whose ends are the
/// bar colours. Unsigned magnitudes (activations, feature values) use viridis (van der Walt & Smith 2015), which is
/// perceptually uniform and never confused with the sign rule.
public enum Palette {
    /// Moreland's smooth cool–warm map at t = 0, 1/8, ..., 1 (matplotlib `coolwarm`).
    static let coolWarm: [Color] = [
        Color(59, 76, 192), Color(98, 130, 234), Color(141, 176, 254), Color(184, 208, 249), Color(221, 221, 221),
        Color(245, 196, 173), Color(244, 154, 123), Color(222, 96, 77), Color(180, 4, 38),
    ]
    /// viridis at t = 0, 1/8, ..., 1.
    static let viridis: [Color] = [
        Color(68, 1, 84), Color(71, 44, 122), Color(59, 81, 139), Color(44, 113, 142), Color(33, 144, 141),
        Color(39, 173, 129), Color(92, 200, 99), Color(170, 220, 50), Color(253, 231, 37),
    ]

    /// The colour of a positive attribution (bars, dots, error bars' bars).
    public static let positive = diverging(0.8)
    /// The colour of a negative attribution.
    public static let negative = diverging(-0.8)
    /// Unsigned importance (mean |φ|) bars.
    public static let magnitude = Color(96, 104, 116)

    /// The colour for a signed attribution value.
    public static func attribution(_ value: Double) -> Color { value < 0 ? negative : positive }

    /// The diverging map at `t` in [−1, 1]: −1 blue, 0 light grey, +1 red; values outside are clamped.
    public static func diverging(_ t: Double) -> Color {
        interpolate(coolWarm, (max(-1, min(1, t.isFinite ? t : 0)) + 1) / 2)
    }

    /// The sequential map at `t` in [0, 1] (viridis); values outside are clamped.
    public static func sequential(_ t: Double) -> Color {
        interpolate(viridis, max(0, min(1, t.isFinite ? t : 0)))
    }

    /// Greyscale for image inputs: 0 black, 1 white.
    public static func grey(_ t: Double) -> Color { Color(grey: max(0, min(1, t.isFinite ? t : 0))) }

    public static let text = Color(grey: 0.13)
    public static let mutedText = Color(grey: 0.42)
    public static let axis = Color(grey: 0.30)
    public static let grid = Color(grey: 0.90)
    public static let rule = Color(grey: 0.78)
    public static let panel = Color(grey: 0.965)
    public static let connector = Color(grey: 0.55)
    public static let marker = Color(grey: 0.20)
    public static let warning = Color(176, 96, 0)
    /// Training curves: the training split solid dark, the validation split orange.
    public static let train = Color(grey: 0.22)
    public static let validation = Color(230, 145, 30)
    /// Distinct colours for layers in multi-series plots (Okabe–Ito without its red and blue).
    public static let categorical: [Color] = [
        Color(0, 158, 115), Color(230, 159, 0), Color(204, 121, 167), Color(86, 180, 233),
        Color(120, 94, 40), Color(100, 100, 100), Color(150, 150, 30), Color(110, 60, 160),
    ]

    /// The categorical colour for series `i` (cycles).
    public static func series(_ i: Int) -> Color { categorical[((i % categorical.count) + categorical.count) % categorical.count] }

    private static func interpolate(_ stops: [Color], _ t: Double) -> Color {
        let position = t * Double(stops.count - 1)
        let i = min(stops.count - 2, max(0, Int(position.rounded(.down))))
        return Color.mix(stops[i], stops[i + 1], position - Double(i))
    }
}
