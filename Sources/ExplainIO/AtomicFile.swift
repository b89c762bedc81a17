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
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ExplainError(.io, "cannot create directory \(directory): \(error.localizedDescription)", at: path)
        }
        var template = Array("\(directory)/.\(url.lastPathComponent).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ExplainError(.io, "cannot create a file: \(errorText())", at: path) }
        let temporary = String(cString: template.map { UInt8(bitPattern: $0) })
        do throws(ExplainError) {
            try writeAll(bytes, to: fd, path: path)
            guard fchmod(fd, 0o644) == 0, fsync(fd) == 0 else {
                throw ExplainError(.io, "cannot write: \(errorText())", at: path)
            }
            let closed = close(fd)
            guard closed == 0 else { throw ExplainError(.io, "cannot write: \(errorText())", at: path) }
            guard rename(temporary, path) == 0 else {
                throw ExplainError(.io, "cannot replace the file: \(errorText())", at: path)
            }
        } catch {
            close(fd)  // harmless EBADF if already closed
            unlink(temporary)
            throw error
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

    static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(ExplainError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ExplainError(.io, "cannot write: \(errorText())", at: path)
            }
            offset += n
        }
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

/// `write(2)`, out of the reach of `AtomicFile.write`'s name.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
