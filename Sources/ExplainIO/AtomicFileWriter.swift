#if canImport(Glibc)
import Glibc
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let posixWrite = Darwin.write
#endif
import ExplainTensor

/// A file written in pieces through a temporary sibling and renamed into place on `commit()`.
///
/// The temporary file lives in the target's directory, so the rename is atomic on POSIX file systems. Until
/// `commit()` succeeds the destination is untouched; `abort()` (also run by `deinit`) removes the temporary file, so
/// a failed write leaves no partial file behind. Symbolic links are followed (see `OutputTarget`): the link's target
/// is replaced and the link stays. A device, FIFO or socket is never renamed over: its bytes are kept in memory and
/// written to it in place by `commit()`.
public final class AtomicFileWriter {
    /// The final path, as given.
    public let path: String
    /// Where the bytes go: `path` with its symbolic links followed, and how it is written.
    public let target: OutputTarget
    /// The temporary path being written; nil for a device, FIFO or socket, which is written in place.
    public let temporaryPath: String?
    private var descriptor: Int32 = -1
    /// The bytes for a device, FIFO or socket, written by `commit()`.
    private var pending: [UInt8] = []
    /// The first write error, as `strerror` text.
    public private(set) var writeError: String?
    private var isClosed = false
    private var isCommitted = false

    /// Creates the temporary file next to `path`'s target.
    ///
    /// - Throws: `ExplainError(.io)` when `path` is a directory or its directory cannot be written.
    public init(path: String) throws {
        let target = try OutputTarget.resolve(path)
        self.path = path
        self.target = target
        guard target.kind == .regular else {
            temporaryPath = nil
            return
        }
        let resolved = target.resolvedPath
        let directory = OutputTarget.directory(of: resolved)
        let base = String(resolved.dropFirst(directory.count))
        StaleTemporaryFiles.removeOnce(in: directory)
        var generator = SystemRandomNumberGenerator()
        let tag = String(UInt32.random(in: 0...UInt32.max, using: &generator), radix: 16)
        let temp = "\(directory).\(base).\(getpid())-\(tag).tmp"
        // Registered before it exists, so an interrupt between the two still removes it.
        guard TemporaryFiles.shared.insert(temp) else { throw ExplainError(.io, "interrupted", at: path) }
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let message = AtomicFileWriter.lastError()
            TemporaryFiles.shared.remove(temp)
            throw ExplainError(.io, "cannot create file: \(message)", at: path)
        }
        temporaryPath = temp
        descriptor = fd
    }

    deinit { abort() }

    /// Appends bytes; returns false (and remembers the error) when the write fails.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard writeError == nil, !isClosed else { return false }
        guard temporaryPath != nil else {
            pending.append(contentsOf: bytes)
            return true
        }
        if let error = Self.writeAll(descriptor, bytes) {
            writeError = error
            return false
        }
        return true
    }

    /// Flushes and closes the temporary file, leaving the destination untouched; `commit()` then only renames.
    ///
    /// - Throws: `ExplainError(.io)` for an earlier write error or a failed sync or close; the temporary file is
    ///   then removed.
    public func finishWriting() throws(ExplainError) {
        guard !isClosed else { return }
        if let writeError {
            abort()
            throw ExplainError(.io, "write failed: \(writeError)", at: path)
        }
        isClosed = true
        guard temporaryPath != nil else { return }
        if fsync(descriptor) != 0 || close(descriptor) != 0 {
            let message = AtomicFileWriter.lastError()
            descriptor = -1
            abort()
            throw ExplainError(.io, "write failed: \(message)", at: path)
        }
        descriptor = -1
    }

    /// Flushes, closes and renames the temporary file onto the target (or writes a device, FIFO or socket).
    ///
    /// - Throws: `ExplainError(.io)` for an earlier write error or a failed sync, close, rename or write; the
    ///   temporary file is then removed.
    public func commit() throws(ExplainError) {
        guard !isCommitted else { return }
        try finishWriting()
        guard let temporaryPath else {
            isCommitted = true
            try writeInPlace()
            return
        }
        if rename(temporaryPath, target.resolvedPath) != 0 {
            let message = AtomicFileWriter.lastError()
            abort()
            throw ExplainError(.io, "cannot replace file: \(message)", at: path)
        }
        isCommitted = true
        TemporaryFiles.shared.remove(temporaryPath)
        AtomicFile.syncDirectory(OutputTarget.directory(of: target.resolvedPath).isEmpty
                                 ? "." : OutputTarget.directory(of: target.resolvedPath))
    }

    /// Closes and removes the temporary file; the destination is left as it was.
    public func abort() {
        guard !isCommitted else { return }
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        isClosed = true
        isCommitted = true
        pending = []
        if let temporaryPath {
            unlink(temporaryPath)
            TemporaryFiles.shared.remove(temporaryPath)
        }
    }

    /// Opens the device, FIFO or socket and writes the pending bytes to it.
    private func writeInPlace() throws(ExplainError) {
        let fd = open(target.resolvedPath, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw ExplainError(.io, "cannot open: \(AtomicFileWriter.lastError())", at: path) }
        let failure = pending.withUnsafeBytes { Self.writeAll(fd, $0) }
        pending = []
        if close(fd) != 0, failure == nil {
            throw ExplainError(.io, "write failed: \(AtomicFileWriter.lastError())", at: path)
        }
        if let failure { throw ExplainError(.io, "write failed: \(failure)", at: path) }
    }

    /// Writes every byte to `fd`, retrying interrupted and short writes; the `strerror` text of a failure.
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let n = posixWrite(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return lastError()
            }
            offset += n
        }
        return nil
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
