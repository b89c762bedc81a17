import CCairo

/// Paints single elements onto a Cairo context (page coordinates in points).
enum CairoPainter {
    static func paint(_ element: Element, in cr: OpaquePointer) {
        cairo_save(cr)
        defer { cairo_restore(cr) }
        if element.isCrisp { cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE) }
        switch element.shape {
        case .rect(let r):
            cairo_rectangle(cr, r.x, r.y, r.width, r.height)
            fillAndStroke(element, cr)
        case .polyline(let points):
            path(points, closed: false, cr)
            if let stroke = element.stroke { apply(stroke, cr); cairo_stroke(cr) }
        case .polygon(let points):
            path(points, closed: true, cr)
            fillAndStroke(element, cr)
        case .circle(let center, let radius):
            cairo_new_sub_path(cr)
            cairo_arc(cr, center.x, center.y, radius, 0, 2 * Double.pi)
            fillAndStroke(element, cr)
        case .text(let item):
            text(item, color: element.fill ?? Palette.text, cr)
        case .raster(let raster):
            image(raster, cr)
        }
    }

    private static func path(_ points: [Point], closed: Bool, _ cr: OpaquePointer) {
        guard let first = points.first else { return }
        cairo_move_to(cr, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        if closed { cairo_close_path(cr) }
    }

    private static func fillAndStroke(_ element: Element, _ cr: OpaquePointer) {
        if let fill = element.fill {
            source(fill, cr)
            if element.stroke != nil { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
        }
        if let stroke = element.stroke {
            apply(stroke, cr)
            cairo_stroke(cr)
        }
        cairo_new_path(cr)
    }

    private static func source(_ c: Color, _ cr: OpaquePointer) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    private static func apply(_ stroke: Stroke, _ cr: OpaquePointer) {
        source(stroke.color, cr)
        cairo_set_line_width(cr, stroke.width)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        if !stroke.dash.isEmpty { cairo_set_dash(cr, stroke.dash, Int32(stroke.dash.count), 0) }
    }

    private static func text(_ item: TextItem, color: Color, _ cr: OpaquePointer) {
        let m = CairoTextMeasurer.measure(item.string, font: item.font, in: cr)
        let dx: Double
        switch item.anchor {
        case .start: dx = 0
        case .middle: dx = -m.width / 2
        case .end: dx = -m.width
        }
        let dy: Double
        switch item.baseline {
        case .top: dy = m.ascent
        case .middle: dy = (m.ascent - m.descent) / 2
        case .alphabetic: dy = 0
        case .bottom: dy = -m.descent
        }
        source(color, cr)
        cairo_translate(cr, item.position.x, item.position.y)
        if item.angle != 0 { cairo_rotate(cr, -item.angle * Double.pi / 180) }
        cairo_move_to(cr, dx, dy)
        cairo_show_text(cr, item.string)
        cairo_new_path(cr)
    }

    private static func image(_ raster: Raster, _ cr: OpaquePointer) {
        guard raster.columns > 0, raster.rows > 0 else { return }
        let image = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(raster.columns), Int32(raster.rows))
        defer { cairo_surface_destroy(image) }
        guard cairo_surface_status(image) == CAIRO_STATUS_SUCCESS, let data = cairo_image_surface_get_data(image)
        else { return }
        cairo_surface_flush(image)
        let stride = Int(cairo_image_surface_get_stride(image))
        for row in 0..<raster.rows {
            let line = UnsafeMutableRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
            for column in 0..<raster.columns {
                let c = raster.pixels[row * raster.columns + column]
                let a = max(0, min(1, c.alpha))
                func byte(_ v: Double) -> UInt32 { UInt32((max(0, min(1, v)) * a * 255).rounded()) }
                line[column] = (UInt32((a * 255).rounded()) << 24) | (byte(c.red) << 16) | (byte(c.green) << 8)
                    | byte(c.blue)
            }
        }
        cairo_surface_mark_dirty(image)
        let f = raster.frame
        cairo_translate(cr, f.x, f.y)
        cairo_scale(cr, f.width / Double(raster.columns), f.height / Double(raster.rows))
        cairo_set_source_surface(cr, image, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_rectangle(cr, 0, 0, Double(raster.columns), Double(raster.rows))
        cairo_fill(cr)
    }
}
