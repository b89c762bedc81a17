import Foundation

/// Progress on stderr: a live bar with rate and ETA on a terminal, one line per 10% otherwise (after the first
/// second, so short jobs stay silent), nothing when quiet.
/// stdout is never touched, so `--json -` stays clean.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let label: String
    private let isTerminal: Bool
    private let isQuiet: Bool
    private let start = Date()
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
        let elapsed = Date().timeIntervalSince(start)
        let rate = Double(done) / max(elapsed, 1e-9)
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if isTerminal {
            guard done == total || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = Date()
            let width = 30
            let filled = width * done / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = String(format: "\r%@ %@ %d/%d  %.1f rows/s  ETA %.0fs ", label, bar, done, total, rate, eta)
            StandardStream.writeError(line)
            if done == total { StandardStream.writeError("\n") }
        } else {
            // Short jobs stay silent: a line per 10% only once the work has run for a second.
            let decile = 10 * done / total
            guard decile > lastDecile, elapsed >= 1 else { return }
            lastDecile = decile
            let line = String(format: "%@: %d/%d rows (%d%%), %.1f rows/s, ETA %.0fs\n", label, done, total, decile * 10, rate, eta)
            StandardStream.writeError(line)
        }
    }
}
