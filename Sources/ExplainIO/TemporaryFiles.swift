import Foundation

/// The temporary files that `AtomicFileWriter`s have open, and the directories an `OutputSet` created for outputs
/// not yet committed, so an interrupted run can remove them.
///
/// The CLI calls `removeAll()` from its SIGINT/SIGTERM handler; Ctrl-C then leaves no temporary files and no new
/// output directories.
public final class TemporaryFiles: @unchecked Sendable {
    /// The process-wide registry.
    public static let shared = TemporaryFiles()

    /// Recursive: a commit holds it while its writers unregister their temporary files.
    private let lock = NSRecursiveLock()
    private var paths: Set<String> = []
    private var directories: Set<String> = []
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

    /// Registers a directory before it is created, to be removed (when empty) by `removeAll()`; false once
    /// `removeAll()` has run.
    func insertDirectory(_ path: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !isClosed else { return false }
        directories.insert(path)
        return true
    }

    func removeDirectory(_ path: String) { lock.lock(); directories.remove(path); lock.unlock() }

    /// Runs `body` (renaming finished outputs into place) so that `removeAll()` waits for it; false, without
    /// running it, once `removeAll()` has run.
    func withoutInterruption(_ body: () -> Void) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !isClosed else { return false }
        body()
        return true
    }

    /// Unlinks every registered temporary file, removes the registered directories (deepest first, when empty) and
    /// refuses new registrations.
    public func removeAll() {
        lock.lock(); defer { lock.unlock() }
        isClosed = true
        for p in paths { unlink(p) }
        paths.removeAll()
        for d in directories.sorted(by: { $0.count > $1.count }) { rmdir(d) }
        directories.removeAll()
    }
}
