import ExplainTensor
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads (`AtomicFile+Read.swift`), and writes that never leave a partial file behind.
///
/// `write` puts the bytes in a temporary file in the destination's directory, flushes it to disk (`fsync`) and
/// renames it over the destination (see `AtomicFileWriter`), so readers see either the old file or the complete new one. Every output file of
/// ExplainKit goes through it.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically, creating missing parent directories.
    ///
    /// A symbolic link is followed and its target replaced; a device, FIFO or socket is written in place (see
    /// `OutputTarget`).
    /// - Throws: `ExplainError(.io)` located at `path`; the temporary file is removed first.
    public static func write(_ bytes: [UInt8], to path: String) throws(ExplainError) {
        let target = try OutputTarget.resolve(path)
        if target.kind == .regular {
            let directory = URL(fileURLWithPath: target.resolvedPath).deletingLastPathComponent().path
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ExplainError(.io, "cannot create directory \(directory): \(error.localizedDescription)", at: path)
            }
        }
        let file: AtomicFileWriter
        do { file = try AtomicFileWriter(path: path) } catch let error as ExplainError { throw error } catch {
            throw ExplainError(.io, "cannot write: \(error)", at: path)
        }
        bytes.withUnsafeBytes { _ = file.write($0) }
        try file.commit()
    }

    /// Writes the UTF-8 bytes of `text` to `path` atomically.
    public static func write(_ text: String, to path: String) throws(ExplainError) {
        try write(Array(text.utf8), to: path)
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
