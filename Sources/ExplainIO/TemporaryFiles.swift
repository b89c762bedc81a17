import Foundation

/// The temporary files that `AtomicFileWriter`s have open, so an interrupted run can remove them.
///
/// The CLI calls `removeAll()` from its SIGINT/SIGTERM handler; Ctrl-C then leaves no temporary files.
public final class TemporaryFiles: @unchecked Sendable {
    /// The process-wide registry.
    public static let shared = TemporaryFiles()

    private let lock = NSLock()
    private var paths: Set<String> = []

    func insert(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }
    func remove(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }

    /// Unlinks every registered temporary file.
    public func removeAll() {
        lock.lock(); defer { lock.unlock() }
        for p in paths { unlink(p) }
        paths.removeAll()
    }
}
