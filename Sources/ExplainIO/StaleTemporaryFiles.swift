import Foundation

/// Finds and removes the temporary files that an earlier run killed outright (SIGKILL, a power cut) left in a
/// directory: those named by `AtomicFileWriter`'s scheme, `.<name>.<pid>-<hex tag>.tmp`, whose process no longer
/// exists.
///
/// A file whose process is alive (another run writing into the same folder) is never touched, and neither is any
/// file that does not match the scheme exactly.
public enum StaleTemporaryFiles {
    /// The process id in a temporary file name of our scheme, or nil when `name` does not follow it.
    public static func processID(inName name: String) -> Int32? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let stem = name.dropLast(4)
        guard let dot = stem.lastIndex(of: "."), dot > stem.startIndex else { return nil }
        let suffix = stem[stem.index(after: dot)...]
        let parts = suffix.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber),
              !parts[1].isEmpty, parts[1].count <= 8, parts[1].allSatisfy({ $0.isHexDigit && $0.isASCII }),
              let pid = Int32(parts[0]), pid > 0 else { return nil }
        return pid
    }

    /// The directories this process has swept.
    private nonisolated(unsafe) static var swept: Set<String> = []
    private static let sweepLock = NSLock()

    /// `remove(in:)`, once per directory and process (`AtomicFileWriter` calls it before its first file there).
    static func removeOnce(in directory: String) {
        sweepLock.lock(); defer { sweepLock.unlock() }
        guard swept.insert(directory).inserted else { return }
        remove(in: directory)
    }

    /// Whether process `pid` exists (it may belong to another user: `EPERM` counts as alive).
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    /// Removes the stale temporary files of our scheme in `directory` (`""` or ending in `/`, as
    /// `OutputTarget.directory(of:)` gives it); returns the names removed. Errors are ignored: cleaning up is a
    /// courtesy, never a reason to fail a run.
    @discardableResult
    public static func remove(in directory: String) -> [String] {
        let path = directory.isEmpty ? "." : directory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        var removed: [String] = []
        for name in names {
            guard let pid = processID(inName: name), pid != getpid(), !isAlive(pid) else { continue }
            var info = stat()
            let full = directory + name
            // Only regular files: never follow a link or remove a directory that happens to match.
            guard lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if unlink(full) == 0 { removed.append(name) }
        }
        return removed
    }
}
