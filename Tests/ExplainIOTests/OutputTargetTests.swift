@testable import ExplainIO
import ExplainTensor
import Foundation
import Testing
import TestSupport

@Suite("Output targets: symbolic links, devices and FIFOs")
struct OutputTargetTests {
    @Test("a symbolic link to a file: the file is replaced and the link stays a link")
    func linkToFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try AtomicFile.write("old", to: dir.file("real.json"))
        #expect(symlink("real.json", dir.file("link.json")) == 0)
        try AtomicFile.write("new", to: dir.file("link.json"))
        #expect(FIFOReader.fileType(dir.file("link.json")) == S_IFLNK)
        #expect(try AtomicFile.read(dir.file("real.json")) == Array("new".utf8))
        #expect(try dir.contents() == ["link.json", "real.json"])
    }

    @Test("a dangling symbolic link: its target is created, with missing directories, and the link stays")
    func danglingLink() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(symlink("deep/real.json", dir.file("link.json")) == 0)
        try AtomicFile.write("new", to: dir.file("link.json"))
        #expect(FIFOReader.fileType(dir.file("link.json")) == S_IFLNK)
        #expect(try AtomicFile.read(dir.file("deep/real.json")) == Array("new".utf8))
        #expect(try dir.contents("deep") == ["real.json"])
    }

    @Test("a FIFO, directly or through a link, is written in place and stays a FIFO", arguments: [false, true])
    func fifo(throughLink: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let reader = try FIFOReader(creatingAt: dir.file("fifo"))
        if throughLink { #expect(symlink(dir.file("fifo"), dir.file("link")) == 0) }
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try AtomicFile.write(bytes, to: dir.file(throughLink ? "link" : "fifo"))
        #expect(reader.wait() == bytes)
        #expect(FIFOReader.fileType(dir.file("fifo")) == S_IFIFO)
        #expect(try dir.contents() == (throughLink ? ["fifo", "link"] : ["fifo"]))
        let target = try OutputTarget.resolve(dir.file(throughLink ? "link" : "fifo"))
        #expect(target.kind == .special && target.resolvedPath == dir.file("fifo"))
    }

    @Test("a directory, or a loop of links, is an I/O error at the path given")
    func errors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(symlink("b", dir.file("a")) == 0 && symlink("a", dir.file("b")) == 0)
        #expect(symlink(dir.path, dir.file("to-dir")) == 0)
        for name in ["a", "to-dir"] {
            do {
                try AtomicFile.write("x", to: dir.file(name))
                Issue.record("expected an error for \(name)")
            } catch {
                #expect(error.code == .io && error.location == dir.file(name))
            }
        }
        #expect(try dir.contents() == ["a", "b", "to-dir"])
    }
}
