import Foundation

/// Progress on stderr: a live bar with rate and ETA on a terminal, one line per 10% otherwise (after the first
/// second, so short jobs stay silent), nothing when quiet.
///
/// Work is counted in items (rows, or blocks of rows) finished, plus the share done of each item still running
/// (`advance(item:fraction:)`), so a long row moves the bar and the ETA while it runs: after each round of
/// KernelSHAP coalitions, each batch of a LIME neighbourhood, each pass of SmoothGrad copies.
/// stdout is never touched, so `--json -` stays clean.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let label: String
    private let isTerminal: Bool
    private let isQuiet: Bool
    private let start = Date()
    private var finished = 0
    /// The share done of each item under way.
    private var running: [Int: Double] = [:]
    private var lastDecile = 0
    private var lastDraw = Date.distantPast

    init(total: Int, label: String, quiet: Bool) {
        self.total = max(total, 1)
        self.label = label
        self.isQuiet = quiet
        self.isTerminal = isatty(STDERR_FILENO) == 1
    }

    /// Records that `done` items are finished.
    func update(_ done: Int) {
        guard !isQuiet else { return }
        lock.lock(); defer { lock.unlock() }
        finished = max(finished, done)
        draw()
    }

    /// Records that item `item` (0-based, still running) is `fraction` done.
    func advance(item: Int, fraction: Double) {
        guard !isQuiet else { return }
        lock.lock(); defer { lock.unlock() }
        running[item] = min(max(fraction, 0), 1)
        draw()
    }

    /// Records that item `item` is finished; `update` counts it.
    func finish(item: Int) {
        guard !isQuiet else { return }
        lock.lock(); defer { lock.unlock() }
        running[item] = nil
    }

    /// Draws the bar or the next 10% line; the caller holds the lock.
    private func draw() {
        let units = min(Double(total), Double(finished) + running.values.reduce(0, +))
        let elapsed = Date().timeIntervalSince(start)
        let rate = units / max(elapsed, 1e-9)
        let eta = rate > 0 ? (Double(total) - units) / rate : 0
        let complete = finished >= total
        if isTerminal {
            guard complete || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = Date()
            let width = 30
            let filled = min(width, Int(Double(width) * units / Double(total)))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = String(format: "\r%@ %@ %@/%d  %.2f rows/s  ETA %.0fs ", label, bar, Self.count(units), total,
                              rate, eta)
            StandardStream.writeError(line)
            if complete { StandardStream.writeError("\n") }
        } else {
            // Short jobs stay silent: a line per 10% only once the work has run for a second.
            let decile = Int(10 * units / Double(total))
            guard decile > lastDecile, elapsed >= 1 else { return }
            lastDecile = decile
            let line = String(format: "%@: %@/%d rows (%d%%), %.2f rows/s, ETA %.0fs\n", label, Self.count(units), total,
                              decile * 10, rate, eta)
            StandardStream.writeError(line)
        }
    }

    /// Whole counts as integers, partial ones with one decimal.
    private static func count(_ units: Double) -> String {
        units == units.rounded() ? String(Int(units)) : String(format: "%.1f", units)
    }
}
