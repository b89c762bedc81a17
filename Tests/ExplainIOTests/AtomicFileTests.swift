@testable import ExplainIO
import Foundation
import ExplainTensor
import Testing

@Suite("Atomic file writes")
struct AtomicFileTests {
    @Test("writes create parent directories, replace the old contents and leave no temporary file")
    func writeAndReplace() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("a/b/c.txt")
        try AtomicFile.write("first", to: path)
        #expect(try AtomicFile.read(path) == Array("first".utf8))
        let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try AtomicFile.write(big, to: path)
        #expect(try AtomicFile.read(path) == big)
        #expect(try dir.contents("a/b") == ["c.txt"])
        try AtomicFile.write([UInt8](), to: path)
        #expect(try AtomicFile.read(path).isEmpty)
    }

    @Test("a failed write throws an I/O error at the path and leaves nothing behind")
    func failure() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try AtomicFile.write("x", to: dir.file("taken"))
        // The destination's parent is a regular file: the directory cannot be created.
        do {
            try AtomicFile.write("y", to: dir.file("taken/inner.txt"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .io)
            #expect(error.location == dir.file("taken/inner.txt"))
        }
        // The destination is a directory: rename fails after the temporary file was written.
        try AtomicFile.write("z", to: dir.file("d/keep"))
        do {
            try AtomicFile.write("y", to: dir.file("d"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .io)
        }
        #expect(try dir.contents() == ["d", "taken"])
        #expect(try AtomicFile.read(dir.file("taken")) == Array("x".utf8))
    }

    @Test("the interrupt cleanup unlinks registered temporary files and refuses any registered after it")
    func interruptCleanup() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = TemporaryFiles()
        let first = dir.file("first.tmp"), late = dir.file("late.tmp")
        #expect(registry.insert(first))
        #expect(FileManager.default.createFile(atPath: first, contents: Data("x".utf8)))
        registry.removeAll()
        #expect(!FileManager.default.fileExists(atPath: first))
        #expect(!registry.insert(late))
    }

    @Test("reading a directory or a missing file is an I/O error")
    func readErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(throws: ExplainError.self) { try AtomicFile.read(dir.path) }
        #expect(throws: ExplainError.self) { try AtomicFile.read(dir.file("missing")) }
    }
}
