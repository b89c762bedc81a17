import ExplainTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension OutputSet {
    /// Checks, before the work that produces it, that `path` can be written: it is not a directory, and the
    /// deepest existing directory above it is a directory that can be written (a device or FIFO: that it can be
    /// written itself). Nothing is created.
    /// - Throws: `ExplainError(.io)` at `path` naming the problem.
    public static func checkFile(_ path: String) throws(ExplainError) {
        let target = try OutputTarget.resolve(path)
        guard target.kind == .regular else {
            guard access(target.resolvedPath, W_OK) == 0 else {
                throw ExplainError(.io, "cannot write: \(String(cString: strerror(errno)))", at: path)
            }
            return
        }
        try checkWritableDirectory(OutputTarget.directory(of: target.resolvedPath), for: path)
    }

    /// Checks that `path` is, or can be created as, a directory that outputs can be written into.
    /// - Throws: `ExplainError(.io)` at `path` naming the problem.
    public static func checkDirectory(_ path: String) throws(ExplainError) {
        try checkWritableDirectory(path.hasSuffix("/") ? path : path + "/", for: path)
    }

    /// The deepest existing prefix of `directory` (a path ending in `/`, or "") must be a writable directory.
    private static func checkWritableDirectory(_ directory: String, for path: String) throws(ExplainError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        var deepest = prefix.isEmpty ? "." : "/"
        for component in directory.split(separator: "/") {
            prefix += component + "/"
            let current = String(prefix.dropLast())
            var info = stat()
            // Without the final slash: stat("file/") fails with ENOTDIR instead of describing the file.
            guard stat(current, &info) == 0 else { break }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw ExplainError(.io, "\(current) exists and is not a directory", at: path)
            }
            deepest = current
        }
        guard access(deepest, W_OK | X_OK) == 0 else {
            throw ExplainError(.io, "cannot write in \(deepest): \(String(cString: strerror(errno)))", at: path)
        }
    }
}
