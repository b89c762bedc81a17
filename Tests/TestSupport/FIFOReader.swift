import Foundation

/// Reads everything written to a FIFO on a background thread, without ever blocking the test.
///
/// The read end is opened non-blocking before the writer runs, so the writer's open succeeds at once. The reader
/// stops at end of file after some bytes arrived, or after `timeout` seconds without a writer (a FIFO that was
/// renamed over never gets one), so a broken writer fails the test instead of hanging it.
public final class FIFOReader: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var isDone = false

    /// Creates a FIFO at `path` and starts reading it.
    public init(creatingAt path: String, timeout: Double = 20) throws {
        guard mkfifo(path, 0o600) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let deadline = Date().addingTimeInterval(timeout)
        Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            var received: [UInt8] = []
            while Date() < deadline {
                let n = read(fd, &chunk, chunk.count)
                if n > 0 {
                    received += chunk[0..<n]
                } else if n == 0 && !received.isEmpty {
                    break
                } else {
                    usleep(2_000)
                }
            }
            close(fd)
            lock.lock(); bytes = received; isDone = true; lock.unlock()
        }.start()
    }

    /// Waits for the reader to finish and returns what it read.
    public func wait() -> [UInt8] {
        while true {
            lock.lock()
            if isDone { defer { lock.unlock() }; return bytes }
            lock.unlock()
            usleep(2_000)
        }
    }

    /// The file type bits of `path` itself (not following a link): `S_IFIFO`, `S_IFLNK`, `S_IFREG`, ...
    public static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }
}
