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
/// The temporary file lives in the destination's directory, so the rename is atomic on POSIX file systems. Until
/// `commit()` succeeds the destination is untouched; `abort()` (also run by `deinit`) removes the temporary file, so
/// a failed write leaves no partial file behind.
public final class AtomicFileWriter {
    /// The final path.
    public let path: String
    /// The temporary path being written.
    public let temporaryPath: String
    private var descriptor: Int32
    /// The first write error, as `strerror` text.
    public private(set) var writeError: String?
    private var isCommitted = false

    /// Creates the temporary file next to `path`.
    ///
    /// - Throws: `ExplainError(.io)` when `path` is a directory or its directory cannot be written.
    public init(path: String) throws {
        guard !path.isEmpty else { throw ExplainError(.io, "empty output path") }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw ExplainError(.io, "is a directory, not a file", at: path)
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
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
        self.path = path
        self.temporaryPath = temp
        self.descriptor = fd
    }

    deinit { abort() }

    /// Appends bytes; returns false (and remembers the error) when the write fails.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard writeError == nil, descriptor >= 0 else { return false }
        var offset = 0
        while offset < bytes.count {
            guard let base = bytes.baseAddress else { return true }
            let n = posixWrite(descriptor, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                writeError = AtomicFileWriter.lastError()
                return false
            }
            offset += n
        }
        return true
    }

    /// Flushes, closes and renames the temporary file onto `path`.
    ///
    /// - Throws: `ExplainError(.io)` for an earlier write error or a failed sync, close or rename; the temporary
    ///   file is then removed.
    public func commit() throws {
        guard !isCommitted else { return }
        if let writeError {
            abort()
            throw ExplainError(.io, "write failed: \(writeError)", at: path)
        }
        if fsync(descriptor) != 0 || close(descriptor) != 0 {
            let message = AtomicFileWriter.lastError()
            descriptor = -1
            abort()
            throw ExplainError(.io, "write failed: \(message)", at: path)
        }
        descriptor = -1
        if rename(temporaryPath, path) != 0 {
            let message = AtomicFileWriter.lastError()
            abort()
            throw ExplainError(.io, "cannot replace file: \(message)", at: path)
        }
        isCommitted = true
        TemporaryFiles.shared.remove(temporaryPath)
    }

    /// Closes and removes the temporary file; the destination is left as it was.
    public func abort() {
        guard !isCommitted else { return }
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(temporaryPath)
        isCommitted = true
        TemporaryFiles.shared.remove(temporaryPath)
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
