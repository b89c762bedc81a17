@testable import ExplainIO
import ExplainTensor
import Foundation
import Testing

@Suite("Output sets: all files or none")
struct OutputSetTests {
    @Test("nothing appears before commit; commit renames every file into place, in new directories")
    func commit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let outputs = OutputSet()
        try outputs.write(Array("a".utf8), to: dir.file("a.json"))
        try outputs.directory(dir.file("pages"))
        try outputs.write(Array("p".utf8), to: dir.file("pages/page-001.png"))
        try outputs.write(Array("b".utf8), to: dir.file("x/y/b.csv"))
        #expect(try dir.contents().allSatisfy { $0.hasPrefix(".") || ["pages", "x"].contains($0) })
        #expect(try dir.contents("pages").allSatisfy { $0.hasSuffix(".tmp") })
        try outputs.commit()
        #expect(try dir.contents() == ["a.json", "pages", "x"])
        #expect(try AtomicFile.read(dir.file("pages/page-001.png")) == Array("p".utf8))
        #expect(try AtomicFile.read(dir.file("x/y/b.csv")) == Array("b".utf8))
    }

    @Test("abort, or dropping the set, removes the temporary files and the directories it created")
    func abort() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try AtomicFile.write("old", to: dir.file("a.json"))
        do {
            let outputs = OutputSet()
            try outputs.write(Array("new".utf8), to: dir.file("a.json"))
            try outputs.directory(dir.file("pages/deep"))
            try outputs.write(Array("p".utf8), to: dir.file("pages/deep/page-001.png"))
        }
        #expect(try dir.contents() == ["a.json"])
        #expect(try AtomicFile.read(dir.file("a.json")) == Array("old".utf8))
    }

    @Test("files given to remove go only with a successful commit: abort keeps them, a failed rename restores them")
    func removals() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try AtomicFile.write("stale", to: dir.file("page-009.png"))
        do {
            let outputs = OutputSet()
            try outputs.write(Array("new".utf8), to: dir.file("page-001.png"))
            outputs.remove(dir.file("page-009.png"))
            outputs.abort()
        }
        #expect(try dir.contents() == ["page-009.png"])
        // A destination that turned into a non-empty directory after the work: its rename fails at commit.
        let outputs = OutputSet()
        try outputs.write(Array("new".utf8), to: dir.file("page-001.png"))
        outputs.remove(dir.file("page-009.png"))
        try FileManager.default.createDirectory(atPath: dir.file("page-001.png/inside"), withIntermediateDirectories: true)
        #expect(throws: ExplainError.self) { try outputs.commit() }
        #expect(try dir.contents() == ["page-001.png", "page-009.png"])
        #expect(try AtomicFile.read(dir.file("page-009.png")) == Array("stale".utf8))
        let committed = OutputSet()
        try committed.write(Array("new".utf8), to: dir.file("page-002.png"))
        committed.remove(dir.file("page-009.png"))
        try committed.commit()
        #expect(try dir.contents() == ["page-001.png", "page-002.png"])
    }

    @Test("a file where a directory goes is an I/O error naming it; the check before the work finds it too")
    func fileInTheWay() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try AtomicFile.write("keep", to: dir.file("regfile"))
        for check in [{ try OutputSet.checkFile(dir.file("regfile/sub/x.json")) },
                      { try OutputSet.checkDirectory(dir.file("regfile")) },
                      { try OutputSet().write([1], to: dir.file("regfile/sub/x.json")) }] {
            do {
                try check()
                Issue.record("expected an error")
            } catch let error as ExplainError {
                #expect(error.code == .io && error.message == "\(dir.file("regfile")) exists and is not a directory")
            }
        }
        #expect(try dir.contents() == ["regfile"])
    }

    @Test("the interrupt cleanup removes the directories created for outputs, deepest first")
    func interruptCleanup() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = TemporaryFiles()
        #expect(registry.insertDirectory(dir.file("a")) && registry.insertDirectory(dir.file("a/b")))
        try FileManager.default.createDirectory(atPath: dir.file("a/b"), withIntermediateDirectories: true)
        #expect(registry.insert(dir.file("a/b/t.tmp")))
        #expect(FileManager.default.createFile(atPath: dir.file("a/b/t.tmp"), contents: Data()))
        registry.removeAll()
        #expect(try dir.contents().isEmpty)
        #expect(!registry.insertDirectory(dir.file("c")))
    }
}
