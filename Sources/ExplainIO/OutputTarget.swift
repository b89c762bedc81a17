import ExplainTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the bytes written to an output path end up: the file a symbolic link points to, and whether it can be
/// replaced by a rename.
///
/// A regular file (or a path that does not exist yet) is written atomically: a temporary sibling renamed over it.
/// A symbolic link is followed, so the link stays a link and its target is the file replaced, even when the target
/// does not exist yet. A character or block device, FIFO or socket is opened and written in place: renaming over it
/// would destroy it (`--json /dev/null` as root), and its directory is often not writable (`/dev`).
public struct OutputTarget: Equatable, Sendable {
    /// How a target is written.
    public enum Kind: Equatable, Sendable {
        /// A regular file or a missing path: replaced by a rename.
        case regular
        /// A device, FIFO or socket: opened and written in place.
        case special
    }

    /// The path as given, for messages.
    public let path: String
    /// The path after following symbolic links.
    public let resolvedPath: String
    /// How the target is written.
    public let kind: Kind

    /// The most symbolic links followed before giving up, as Linux's `MAXSYMLINKS`.
    static let maxLinkHops = 40

    /// Follows `path`'s symbolic links to the file written in its place.
    /// - Throws: `ExplainError(.io)` at `path` when the target is a directory or the links loop.
    public static func resolve(_ path: String) throws(ExplainError) -> OutputTarget {
        guard !path.isEmpty else { throw ExplainError(.io, "empty output path") }
        let followed: (path: String, mode: mode_t?)
        switch followLinks(path) {
        case .success(let end): followed = end
        case .failure(let error): throw error.located(in: path)
        }
        switch followed.mode {
        case S_IFDIR?:
            throw ExplainError(.io, "is a directory, not a file", at: path)
        case nil, S_IFREG?:
            // A missing path (or one lstat cannot see) is created by the write, which reports any error itself.
            return OutputTarget(path: path, resolvedPath: followed.path, kind: .regular)
        default:
            return OutputTarget(path: path, resolvedPath: followed.path, kind: .special)
        }
    }

    /// Follows the symbolic links at the end of `path`: the first path that is not a link, with its file type
    /// (nil when it does not exist).
    static func followLinks(_ path: String) -> Result<(path: String, mode: mode_t?), ExplainError> {
        var current = path
        for _ in 0...maxLinkHops {
            var info = stat()
            guard lstat(current, &info) == 0 else { return .success((current, nil)) }
            guard info.st_mode & S_IFMT == S_IFLNK else { return .success((current, info.st_mode & S_IFMT)) }
            guard let link = readLink(current) else {
                return .failure(ExplainError(.io, "cannot read symbolic link \(current): \(String(cString: strerror(errno)))"))
            }
            current = link.hasPrefix("/") ? link : directory(of: current) + link
        }
        return .failure(ExplainError(.io, "too many levels of symbolic links"))
    }

    /// The directory part of `path` with its final slash (`a/b/` for `a/b/c`), or "" for a bare name.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    /// The contents of the symbolic link at `path`.
    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
