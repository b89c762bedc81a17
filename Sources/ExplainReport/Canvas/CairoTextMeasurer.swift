import CCairo

/// Measures text with Cairo's toy font API in `Fonts.family`, with unhinted metrics.
///
/// Unhinted metrics make widths independent of the output resolution, so a layout computed once fits the PDF and
/// every PNG DPI alike.
public final class CairoTextMeasurer: TextMeasuring {
    private let surface: OpaquePointer
    private let context: OpaquePointer

    public init() {
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)
        context = cairo_create(surface)
        CairoTextMeasurer.configureFonts(context)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    public func measure(_ text: String, font: Font) -> TextMetrics {
        CairoTextMeasurer.measure(text, font: font, in: context)
    }

    /// Turns hinting off so metrics do not depend on the device scale.
    static func configureFonts(_ cr: OpaquePointer) {
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
    }

    /// Selects `font` on `cr`.
    static func select(_ font: Font, in cr: OpaquePointer) {
        cairo_select_font_face(cr, Fonts.family, CAIRO_FONT_SLANT_NORMAL,
                               font.isBold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, font.size)
    }

    /// Measures with the given context (its font is changed).
    static func measure(_ text: String, font: Font, in cr: OpaquePointer) -> TextMetrics {
        select(font, in: cr)
        var fontExtents = cairo_font_extents_t()
        cairo_font_extents(cr, &fontExtents)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        return TextMetrics(width: extents.x_advance, ascent: fontExtents.ascent, descent: fontExtents.descent)
    }
}
