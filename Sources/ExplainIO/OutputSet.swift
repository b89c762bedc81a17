import ExplainTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The output files of one run, written to temporary files and renamed into place together by `commit()`.
///
/// Until `commit()` no destination changes; `abort()` (also run by `deinit`, and by `TemporaryFiles.removeAll()` on
/// an interrupt) removes the temporary files and the directories the set created, so a failed or interrupted run
/// leaves no new files, not even some of them. Devices and FIFOs are written in place at commit (see
/// `OutputTarget`), first, so a failure there leaves the regular files untouched. Files given to `remove(_:)` (stale
/// outputs of an earlier run) disappear at the same commit, and only if it succeeds.
public final class OutputSet {
    private var files: [AtomicFileWriter] = []
    /// Existing files to delete at commit.
    private var removals: [String] = []
    /// Directories created for the outputs, in creation order.
    private var createdDirectories: [String] = []
    private var isFinished = false

    public init() {}

    deinit { abort() }

    /// A writer for `path`, whose missing parent directories are created now and removed again by `abort()`.
    /// - Throws: `ExplainError(.io)` at `path` when the path is a directory or its directory cannot be made.
    public func file(_ path: String) throws(ExplainError) -> AtomicFileWriter {
        let target = try OutputTarget.resolve(path)
        if target.kind == .regular {
            try makeDirectories(OutputTarget.directory(of: target.resolvedPath), for: path)
        }
        let file: AtomicFileWriter
        do { file = try AtomicFileWriter(path: path) } catch let error as ExplainError { throw error } catch {
            throw ExplainError(.io, "cannot write: \(error)", at: path)
        }
        files.append(file)
        return file
    }

    /// Adds `bytes` as the contents of `path`; its temporary file is complete and closed when this returns.
    public func write(_ bytes: [UInt8], to path: String) throws(ExplainError) {
        let file = try file(path)
        bytes.withUnsafeBytes { _ = file.write($0) }
        try file.finishWriting()
    }

    /// Makes `path` a directory for outputs: created (with missing parents) when missing, removed by `abort()`.
    /// - Throws: `ExplainError(.io)` at `path` when it exists and is not a directory, or cannot be made.
    public func directory(_ path: String) throws(ExplainError) {
        try makeDirectories(path.hasSuffix("/") ? path : path + "/", for: path)
    }

    /// Deletes the existing file `path` when the set is committed: it is renamed aside before the new files are
    /// renamed into place, deleted once they all are, and renamed back when the commit fails; never touched before.
    public func remove(_ path: String) {
        if !removals.contains(path) { removals.append(path) }
    }

    /// Finishes every file, writes the devices and FIFOs, renames the rest into place and deletes the files given to
    /// `remove(_:)`. An interrupt during the renames waits for them; a failure removes the files already renamed and
    /// restores the ones set aside for deletion.
    /// - Throws: `ExplainError(.io)` for the first failure; nothing new is left behind.
    public func commit() throws(ExplainError) {
        guard !isFinished else { return }
        do {
            for file in files { try file.finishWriting() }
        } catch {
            abort()
            throw error
        }
        var failure: ExplainError?
        let ordered = files.filter { $0.target.kind == .special } + files.filter { $0.target.kind == .regular }
        let ran = TemporaryFiles.shared.withoutInterruption {
            var asides: [(path: String, aside: String)] = []
            func restore() { for (path, aside) in asides.reversed() { rename(aside, path) } }
            for path in removals {
                let aside = Self.asidePath(for: path)
                guard rename(path, aside) == 0 else {
                    failure = ExplainError(.io, "cannot remove the stale file: \(AtomicFileWriter.lastError())", at: path)
                    restore()
                    return
                }
                asides.append((path, aside))
            }
            var renamed: [String] = []
            for file in ordered {
                do throws(ExplainError) { try file.commit() } catch {
                    failure = error
                    for path in renamed { unlink(path) }
                    restore()
                    return
                }
                if file.target.kind == .regular { renamed.append(file.target.resolvedPath) }
            }
            for (_, aside) in asides { unlink(aside) }
        }
        if !ran { failure = ExplainError(.io, "interrupted") }
        if let failure {
            abort()
            throw failure
        }
        isFinished = true
        files = []
        removals = []
        for directory in createdDirectories { TemporaryFiles.shared.removeDirectory(directory) }
        createdDirectories = []
    }

    /// A hidden sibling of `path` that no other run uses, to hold it until the commit is certain.
    private static func asidePath(for path: String) -> String {
        let directory = OutputTarget.directory(of: path)
        var generator = SystemRandomNumberGenerator()
        let tag = String(UInt32.random(in: 0...UInt32.max, using: &generator), radix: 16)
        return "\(directory).\(path.dropFirst(directory.count)).\(getpid())-\(tag).removed"
    }

    /// Removes every temporary file and the directories this set created; no destination changes.
    public func abort() {
        guard !isFinished else { return }
        isFinished = true
        for file in files { file.abort() }
        files = []
        removals = []
        for directory in createdDirectories.reversed() {
            rmdir(directory)
            TemporaryFiles.shared.removeDirectory(directory)
        }
        createdDirectories = []
    }

    /// Creates each missing directory of `directory` (a path ending in `/`, or "" for the current one).
    private func makeDirectories(_ directory: String, for path: String) throws(ExplainError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component + "/"
            let created = String(prefix.dropLast())
            var info = stat()
            // Without the final slash: stat("file/") fails with ENOTDIR instead of describing the file.
            if stat(created, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw ExplainError(.io, "\(created) exists and is not a directory", at: path)
                }
                continue
            }
            guard TemporaryFiles.shared.insertDirectory(created) else { throw ExplainError(.io, "interrupted", at: path) }
            if mkdir(created, 0o777) == 0 {
                createdDirectories.append(created)
                continue
            }
            let failure = errno
            TemporaryFiles.shared.removeDirectory(created)
            // Made meanwhile by someone else: not ours to remove.
            guard failure == EEXIST else {
                throw ExplainError(.io, "cannot create directory \(created): \(String(cString: strerror(failure)))", at: path)
            }
        }
    }
}
