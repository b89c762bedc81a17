import ExplainTensor
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads, and writes that never leave a partial file behind.
///
/// `write` puts the bytes in a temporary file in the destination's directory, flushes it to disk (`fsync`) and
/// renames it over the destination, so readers see either the old file or the complete new one. Every output file of
/// ExplainKit goes through it.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically, creating missing parent directories.
    /// - Throws: `ExplainError(.io)` located at `path`; the temporary file is removed first.
    public static func write(_ bytes: [UInt8], to path: String) throws(ExplainError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ExplainError(.io, "cannot create directory \(directory): \(error.localizedDescription)", at: path)
        }
        do {
            let file = try AtomicFileWriter(path: path)
            bytes.withUnsafeBytes { _ = file.write($0) }
            try file.commit()
        } catch let error as ExplainError {
            throw error
        } catch {
            throw ExplainError(.io, "cannot write: \(error)", at: path)
        }
        syncDirectory(directory)
    }

    /// Writes the UTF-8 bytes of `text` to `path` atomically.
    public static func write(_ text: String, to path: String) throws(ExplainError) {
        try write(Array(text.utf8), to: path)
    }

    /// The whole contents of the file at `path`.
    /// - Throws: `ExplainError(.io)` located at `path` when it cannot be opened or read.
    public static func read(_ path: String) throws(ExplainError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ExplainError(.io, "cannot open: \(errorText())", at: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ExplainError(.io, "cannot read: \(errorText())", at: path) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw ExplainError(.io, "is a directory", at: path) }
        // One spare byte of capacity, so that a reader may append a sentinel without reallocating.
        let size = max(Int(info.st_size), 0)
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, initialized in
            var count = 0
            while count < size, let base = buffer.baseAddress {
                let n = systemRead(fd, base + count, size - count)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                count += n
            }
            initialized = count
        }
        // Files that grew, or report no size (pipes, /proc): read the rest in chunks.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while failure == 0 {
            let n = chunk.withUnsafeMutableBytes { raw in raw.baseAddress.map { systemRead(fd, $0, raw.count) } ?? 0 }
            if n < 0 {
                if errno != EINTR { failure = errno }
                continue
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        guard failure == 0 else {
            throw ExplainError(.io, "cannot read: \(String(cString: strerror(failure)))", at: path)
        }
        return bytes
    }

    /// Flushes the directory entry of a rename, best effort (some file systems refuse it).
    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}

/// `read(2)`, out of the reach of `AtomicFile.read`'s name.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
