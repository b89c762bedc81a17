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
        var bytes = [UInt8]()
        var capacity = max(Int(info.st_size), 0) + 1
        var count = 0
        while true {
            if count == capacity { capacity *= 2 }
            if bytes.count < capacity { bytes.append(contentsOf: repeatElement(0, count: capacity - bytes.count)) }
            let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + count, capacity - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ExplainError(.io, "cannot read: \(errorText())", at: path)
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeSubrange(count...)
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
