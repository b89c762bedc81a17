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
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var isOpen = true
        do throws(ExplainError) {
            try writeAll(bytes, to: fd, path: path)
            guard fchmod(fd, 0o644) == 0, fsync(fd) == 0 else {
                throw ExplainError(.io, "cannot write: \(errorText())", at: path)
            }
            isOpen = false  // close releases the descriptor even when it reports an error
            guard close(fd) == 0 else { throw ExplainError(.io, "cannot write: \(errorText())", at: path) }
            guard rename(temporary, path) == 0 else {
                throw ExplainError(.io, "cannot replace the file: \(errorText())", at: path)
            }
        } catch {
            if isOpen { close(fd) }
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
