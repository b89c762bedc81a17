import ExplainKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to stdout and stderr that report a failure instead of trapping.
///
/// `FileHandle.write(_:)` traps when the write fails (a full disk, `> /dev/full`), and `print` buffers in stdio so
/// a lost stdout goes unnoticed at exit. The CLI writes both streams with `write(2)`: a failed stdout write is an
/// error of the run; a failed stderr write is ignored, since there is nowhere left to report it.
enum StandardStream {
    /// Writes `bytes` to stdout.
    /// - Throws: `ExplainError(.io)` located at `name` (`-` for `--json -`) when the write fails.
    static func writeOutput(_ bytes: [UInt8], name: String = "stdout") throws(ExplainError) {
        let failure = bytes.withUnsafeBytes { writeAll(STDOUT_FILENO, $0) }
        if failure != 0 {
            throw ExplainError(.io, "write failed: \(String(cString: strerror(failure)))", at: name)
        }
    }

    /// Writes the UTF-8 bytes of `text` to stdout.
    static func writeOutput(_ text: String, name: String = "stdout") throws(ExplainError) {
        try writeOutput(Array(text.utf8), name: name)
    }

    /// Writes `text` to stderr, best effort.
    static func writeError(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { writeAll(STDERR_FILENO, $0) }
    }

    /// Writes every byte to `fd`, retrying short and interrupted writes; returns 0 or the failing `errno`.
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard let base = bytes.baseAddress else { return 0 }
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return 0
    }
}

/// Writes one line to stderr, best effort.
func printError(_ text: String) {
    StandardStream.writeError(Echo.escapingControls(text) + "\n")
}
