import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which file a path names, so that two spellings of one file (`a.json`, `./a.json`, a symbolic link to it) compare
/// equal.
///
/// An existing file is identified by its device and inode; a path that does not exist yet by its absolute path with
/// symbolic links, `.` and `..` resolved as far as the path exists (a dangling link counts as its target).
public struct FileIdentity: Sendable {
    /// The absolute path, with links resolved as far as the path exists.
    public let absolutePath: String
    /// Whether the path names an existing device, FIFO or socket: written in place, never replaced.
    public let isSpecial: Bool
    private let device: UInt64?
    private let inode: UInt64?

    /// The identity of the file `path` names now.
    public init(path: String) {
        var info = stat()
        if stat(path, &info) == 0 {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            isSpecial = ![S_IFREG, S_IFDIR].contains(info.st_mode & S_IFMT)
        } else {
            device = nil
            inode = nil
            isSpecial = false
        }
        absolutePath = Self.canonical(path, depth: 0)
    }

    /// Whether both name the same file: the same device and inode when both exist, else the same absolute path.
    public func isSameFile(as other: FileIdentity) -> Bool {
        if let device, let inode, let otherDevice = other.device, let otherInode = other.inode {
            return device == otherDevice && inode == otherInode
        }
        return absolutePath == other.absolutePath
    }

    /// The absolute path of `path`: `realpath` where it exists, else the canonical parent plus the last name.
    private static func canonical(_ path: String, depth: Int) -> String {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.isEmpty { trimmed = "." }
        if let real = realpath(trimmed, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        // Missing: follow a dangling link at the end, then resolve the directory above it. The directories above a
        // missing name hold no links of their own, so the recursion shortens the path; the depth cap is a backstop.
        let followed = (try? OutputTarget.followLinks(trimmed).get())?.path ?? trimmed
        let directory = OutputTarget.directory(of: followed)
        let name = String(followed.dropFirst(directory.count))
        let parent: String
        if directory == "/" {
            parent = "/"
        } else if depth > 64 {
            parent = URL(fileURLWithPath: directory.isEmpty ? "." : directory).standardized.path
        } else {
            parent = canonical(directory.isEmpty ? "." : directory, depth: depth + 1)
        }
        return URL(fileURLWithPath: parent).appendingPathComponent(name).standardized.path
    }
}
