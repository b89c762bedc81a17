@testable import ExplainIO
import ExplainTensor
import Foundation
import Testing

@Suite("Capped whole-file reads")
struct AtomicFileReadTests {
    /// A sparse file of `size` bytes: its reported size is large, but it takes no disk space.
    static func sparseFile(_ path: String, size: Int) throws {
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }

    static func expectTooLarge(_ path: String, maximumBytes: Int, kind: String, _ message: String) {
        do {
            _ = try AtomicFile.read(path, maximumBytes: maximumBytes, kind: kind)
            Issue.record("\(path): read without an error")
        } catch {
            #expect(error.code == .io)
            #expect(error.description == "\(path): \(message)")
        }
    }

    @Test("an endless device is one error once the cap is passed, not an endless read or a failed allocation",
          arguments: ["/dev/zero", "/dev/urandom"])
    func endlessDevice(path: String) {
        Self.expectTooLarge(path, maximumBytes: 1 << 20, kind: "CSV files",
                            "larger than 1048576 bytes; CSV files are limited to 1 MiB")
    }

    @Test("a regular file is refused by its reported size, and a file at exactly the cap is read")
    func regularFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try AtomicFile.write([UInt8](repeating: 7, count: 1000), to: dir.file("exact"))
        #expect(try AtomicFile.read(dir.file("exact"), maximumBytes: 1000).count == 1000)
        Self.expectTooLarge(dir.file("exact"), maximumBytes: 999, kind: "files",
                            "larger than 999 bytes; files are limited to 999 bytes")
        // 64 GiB reported: refused before any byte is read or reserved.
        try Self.sparseFile(dir.file("sparse.csv"), size: 1 << 36)
        Self.expectTooLarge(dir.file("sparse.csv"), maximumBytes: CSVTable.maximumFileBytes, kind: "CSV files",
                            "larger than 4294967296 bytes; CSV files are limited to 4 GiB")
    }

    @Test("CSV and model files are read with their own caps")
    func typedCaps() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.sparseFile(dir.file("x.csv"), size: CSVTable.maximumFileBytes + 1)
        try Self.sparseFile(dir.file("m.json"), size: ModelFile.maximumFileBytes + 1)
        #expect(throws: ExplainError.self) { try CSVTable(contentsOf: dir.file("x.csv")) }
        do {
            _ = try ModelFile.load(path: dir.file("m.json"))
            Issue.record("loaded a 2 GiB file of zeros")
        } catch {
            #expect(error.description == "\(dir.file("m.json")): larger than 2147483648 bytes; model files are limited to 2 GiB")
        }
    }

    @Test("a pipe (as from <(cat x.csv)) is read whole in chunks, and capped like a device")
    func pipe() throws {
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        for cap in [AtomicFile.maximumReadBytes, 100_000] {
            let pipe = Pipe()
            let path = "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)"
            let writer = Thread {
                try? pipe.fileHandleForWriting.write(contentsOf: Data(payload))
                try? pipe.fileHandleForWriting.close()
            }
            writer.start()
            if cap > payload.count {
                #expect(try AtomicFile.read(path, maximumBytes: cap) == payload)
            } else {
                Self.expectTooLarge(path, maximumBytes: cap, kind: "files",
                                    "larger than 100000 bytes; files are limited to 100000 bytes")
            }
            // Drain what the capped read left, so the writer finishes instead of getting SIGPIPE.
            _ = pipe.fileHandleForReading.readDataToEndOfFile()
            try? pipe.fileHandleForReading.close()
        }
    }
}
