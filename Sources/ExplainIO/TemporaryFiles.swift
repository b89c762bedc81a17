import Foundation

/// The temporary files that `AtomicFileWriter`s have open, so an interrupted run can remove them.
///
/// The CLI calls `removeAll()` from its SIGINT/SIGTERM handler; Ctrl-C then leaves no temporary files.
public final class TemporaryFiles: @unchecked Sendable {
    /// The process-wide registry.
    public static let shared = TemporaryFiles()

    private let lock = NSLock()
    private var paths: Set<String> = []
    private var isClosed = false

    /// Registers a temporary file before it is created; false once `removeAll()` has run (the process is exiting),
    /// so no file is created after the cleanup.
    func insert(_ path: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !isClosed else { return false }
        paths.insert(path)
        return true
    }

    func remove(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }

    /// Unlinks every registered temporary file and refuses new ones.
    public func removeAll() {
        lock.lock(); defer { lock.unlock() }
        isClosed = true
        for p in paths { unlink(p) }
        paths.removeAll()
    }
}
