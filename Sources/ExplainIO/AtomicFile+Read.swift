import ExplainTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AtomicFile {
    /// The default cap of `read`: 4 GiB.
    public static let maximumReadBytes = 1 << 32
    /// The bytes asked of `read(2)` at a time for streams, and for files that grew after they were sized.
    static let readChunkBytes = 1 << 16

    /// The whole contents of the file at `path`, which must hold at most `maximumBytes` bytes.
    ///
    /// A regular file is sized first and read into one allocation; a file reported larger than the cap is refused
    /// before anything is read. Pipes (`<(cat x.csv)`), character devices and files that grow are read in chunks, and
    /// reading stops with an error as soon as more than `maximumBytes` arrived, so `/dev/zero` or `/dev/urandom` is
    /// one error line rather than a failed allocation or an endless read. The array has one spare byte of capacity,
    /// so that a reader may append a sentinel without reallocating.
    /// - Parameters:
    ///   - maximumBytes: the cap (documented per file kind in docs/formats.md, "Size limits").
    ///   - kind: what the file is, plural, for the error message (`CSV files`).
    /// - Throws: `ExplainError(.io)` located at `path` when it cannot be opened or read, is a directory, or is larger
    ///   than the cap: `x.csv: larger than 4294967296 bytes; CSV files are limited to 4 GiB`.
    public static func read(_ path: String, maximumBytes: Int = maximumReadBytes, kind: String = "files")
        throws(ExplainError) -> [UInt8]
    {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ExplainError(.io, "cannot open: \(errorText())", at: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ExplainError(.io, "cannot read: \(errorText())", at: path) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw ExplainError(.io, "is a directory", at: path) }
        let tooLarge = ExplainError(.io, "larger than \(maximumBytes) bytes; \(kind) are limited to \(byteText(maximumBytes))",
                                    at: path)
        let size = max(Int(info.st_size), 0)
        guard size <= maximumBytes else { throw tooLarge }
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
        // Files that grew, or report no size (pipes, devices, /proc): read the rest in chunks, up to the cap.
        var chunk = [UInt8](repeating: 0, count: readChunkBytes)
        while failure == 0 {
            let n = chunk.withUnsafeMutableBytes { raw in raw.baseAddress.map { systemRead(fd, $0, raw.count) } ?? 0 }
            if n < 0 {
                if errno != EINTR { failure = errno }
                continue
            }
            if n == 0 { break }
            guard n <= maximumBytes - bytes.count else { throw tooLarge }
            if bytes.capacity <= bytes.count + n {
                // Doubling, but never past the cap and its sentinel byte.
                bytes.reserveCapacity(min(max(2 * bytes.capacity, bytes.count + n + 1), maximumBytes + 1))
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        guard failure == 0 else {
            throw ExplainError(.io, "cannot read: \(String(cString: strerror(failure)))", at: path)
        }
        return bytes
    }

    /// A byte count the way limits are quoted: `4 GiB`, `64 MiB`, `1000 bytes`.
    static func byteText(_ count: Int) -> String {
        for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] where count >= 1 << shift && count % (1 << shift) == 0 {
            return "\(count >> shift) \(unit)"
        }
        return "\(count) bytes"
    }
}

/// `read(2)`, out of the reach of `AtomicFile.read`'s name.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
