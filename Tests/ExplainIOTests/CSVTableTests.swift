import ExplainIO
import Foundation
import ExplainTensor
import Testing

@Suite("CSV tables")
struct CSVTableTests {
    func table(_ text: String) throws(ExplainError) -> CSVTable { try CSVTable(bytes: Array(text.utf8), name: "x.csv") }

    func failure(_ text: String, features: [String] = ["a", "b"]) -> ExplainError? {
        do { _ = try table(text).numericColumns(features); return nil } catch { return error }
    }

    @Test("columns are matched by name, in the requested order; extra columns are reported")
    func reordered() throws {
        let t = try table("b,label,a\n2,setosa,1\n4.5,virginica,-3e2\n")
        #expect(t.header == ["b", "label", "a"])
        #expect(t.rowCount == 2)
        let x = try t.numericColumns(["a", "b"])
        #expect(x.shape == [2, 2])
        #expect(x.scalars == [1, 2, -300, 4.5])
        #expect(t.ignoredColumns(using: ["a", "b"]) == ["label"])
        #expect(try t.stringColumn("label") == ["setosa", "virginica"])
        #expect(t.ignoredColumns(using: ["a", "b", "label"]).isEmpty)
    }

    @Test("quoted fields (commas, doubled quotes, newlines) and CRLF line ends are read")
    func quotingAndCRLF() throws {
        let t = try table("\"a\",\"b, name\",c\r\n\"1.5\",2,\"say \"\"hi\"\"\"\r\n3,\" 4 \",\"two\r\nlines\"\r\n5,6,x\r\n")
        #expect(t.header == ["a", "b, name", "c"])
        #expect(try t.numericColumns(["b, name", "a"]).scalars == [2, 1.5, 4, 3, 6, 5])
        #expect(try t.stringColumn("c") == ["say \"hi\"", "two\r\nlines", "x"])
    }

    @Test("values parse exactly as Float (correct rounding)")
    func exactValues() throws {
        var rng = SplitMix64(seed: 3)
        let values = (0..<500).map { _ in Float(rng.nextUniform() * 2000 - 1000) }
        let text = "v\n" + values.map(\.description).joined(separator: "\n")
        #expect(try table(text).numericColumns(["v"]).scalars.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test("a missing column is an error naming it")
    func missingColumn() throws {
        let error = try #require(failure("a,c\n1,2\n"))
        #expect(error.location == "x.csv:1")
        #expect(error.message.hasPrefix("missing column \"b\""))
        let two = try #require(failure("c\n1\n"))
        #expect(two.message.hasPrefix("missing columns \"a\", \"b\""))
    }

    @Test("a long cell, a long column name and a long list of missing columns are cut in the message")
    func longEchoes() throws {
        let cell = String(repeating: "x", count: 10_000)
        let bad = try #require(failure("a,b\n1,\(cell)\n"))
        #expect(bad.message == "expected a finite number, got \"\(cell.prefix(60))…\" (10000 characters)")
        let name = String(repeating: "n", count: 5_000)
        let badNamed = try #require(failure("a,\(name)\n1,?\n", features: ["a", name]))
        #expect(badNamed.location == "x.csv:2 (\(name.prefix(60))… (5000 characters))")
        let missing = try #require(failure("z\n1\n", features: (0..<1000).map { "f\($0)" }))
        #expect(missing.message == #"missing columns "f0", "f1", "f2", "f3", "f4" and 995 more (the header has 1 columns)"#)
    }

    @Test("bad cells are errors naming line and column", arguments: [
        ("a,b\n1,2\n3,abc\n", "x.csv:3 (b)", "\"abc\""),
        ("a,b\n1,2\n3,NaN\n", "x.csv:3 (b)", "\"NaN\""),
        ("a,b\n1,inf\n", "x.csv:2 (b)", "\"inf\""),
        ("a,b\n,2\n", "x.csv:2 (a)", "\"\""),
        ("a,b\n0x10,2\n", "x.csv:2 (a)", "\"0x10\""),
        ("a,b\n1.2.3,2\n", "x.csv:2 (a)", "\"1.2.3\""),
        ("a,b\n1,2\n\n\"x\ny\",2\n", "x.csv:4 (a)", #""x\ny""#),
        ("a,b\n\"q\"\"\",2\n", "x.csv:2 (a)", #""q\"""#),
    ])
    func badCells(text: String, location: String, got: String) throws {
        let error = try #require(failure(text))
        #expect(error.code == .invalidInput)
        #expect(error.location == location)
        #expect(error.message == "expected a finite number, got \(got)")
    }

    @Test("a finite number beyond Float's range is an error that says why", arguments: [
        ("a,b\n1,1e39\n", "x.csv:2 (b)", "\"1e39\""),
        ("a,b\n1, -3.5e38 \n", "x.csv:2 (b)", "\" -3.5e38 \""),
        ("a,b\n\"1e40\",2\n", "x.csv:2 (a)", "\"1e40\""),
    ])
    func beyondFloatRange(text: String, location: String, got: String) throws {
        let error = try #require(failure(text))
        #expect(error.location == location)
        #expect(error.message == "expected a finite number within ±3.4e38 (a 32-bit float), got \(got)")
    }

    @Test("empty, header-only, ragged and unterminated files are errors", arguments: [
        ("", "x.csv", "empty file; expected a header row"),
        ("\n\n", "x.csv", "empty file; expected a header row"),
        ("a,b\n", "x.csv", "no data rows after the header"),
        ("a,b", "x.csv", "no data rows after the header"),
        ("a,b\n1,2\n3\n", "x.csv:3", "expected 2 cells, got 1"),
        ("a,b\n1,2,3\n", "x.csv:2", "expected 2 cells, got 3"),
        ("a,b\n1,\"2\n", "x.csv:2", "unterminated quoted field"),
    ])
    func structuralErrors(text: String, location: String, message: String) throws {
        do {
            _ = try table(text)
            Issue.record("expected an error")
        } catch {
            #expect(error.location == location)
            #expect(error.message == message)
        }
    }

    @Test("blank lines, spaces around numbers, a BOM and no final newline are tolerated")
    func tolerances() throws {
        let t = try CSVTable(bytes: [0xEF, 0xBB, 0xBF] + Array("a , b\n\n 1 ,\t2\n\n3,4".utf8), name: "x.csv")
        #expect(t.header == ["a", "b"])
        #expect(try t.allNumericColumns().scalars == [1, 2, 3, 4])
    }

    @Test("classic Mac files (\\r line endings, no \\n) read like \\n files; CRLF files are unchanged")
    func carriageReturns() throws {
        let mac = try CSVTable(bytes: Array("a,b\r1,2\r3,4\r".utf8), name: "mac.csv")
        #expect(mac.header == ["a", "b"] && mac.rowCount == 2)
        #expect(try mac.allNumericColumns().scalars == [1, 2, 3, 4])
        let windows = try CSVTable(bytes: Array("a,b\r\n1,2\r\n3,4\r\n".utf8), name: "win.csv")
        #expect(try windows.allNumericColumns().scalars == [1, 2, 3, 4])
    }

    @Test("large tables (converted in parallel chunks) read exactly, and report the first bad cell in file order")
    func largeTable() throws {
        var rng = SplitMix64(seed: 8)
        let rows = 2500, columns = 100
        let values = Tensor(shape: [rows, columns], scalars: (0..<(rows * columns)).map { _ in Float(rng.nextNormal()) })
        let names = (0..<columns).map { "c\($0)" }
        var bytes = try CSVTable.serialize(columns: names, values: values)
        let t = try CSVTable(bytes: bytes, name: "big.csv")
        let picked = [names[99], names[0], names[50]]
        let x = try t.numericColumns(picked)
        #expect(x.shape == [rows, 3])
        for r in [0, 1249, 1250, 2499] {
            #expect(x.row(r) == [values.scalars[r * columns + 99], values.scalars[r * columns], values.scalars[r * columns + 50]])
        }
        // Corrupt a cell late in the file and one early: the early one is reported.
        var text = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        text[2201] = "x" + text[2201].dropFirst(1)
        text[301] = text[301].replacingOccurrences(of: ",", with: ",?", options: [], range: nil)
        bytes = Array(text.joined(separator: "\n").utf8)
        do {
            _ = try CSVTable(bytes: bytes, name: "big.csv").numericColumns(names)
            Issue.record("expected an error")
        } catch {
            #expect(error.location == "big.csv:302 (c1)")
        }
    }

    @Test("a column named twice is an error when requested")
    func duplicateColumn() throws {
        let t = try table("a,a,b\n1,2,3\n")
        #expect(try t.numericColumns(["b"]).scalars == [3])
        #expect(throws: ExplainError.self) { try t.numericColumns(["a"]) }
    }

    @Test("the writer round trips numbers exactly, quotes text, and writes atomically")
    func writer() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let values = Tensor(shape: [3, 2], scalars: [0.1, -2.5e-8, 3, 1e30, 7, 0])
        let path = dir.file("out/held.csv")
        try CSVTable.write(columns: ["x", "y z"], values: values,
                           textColumns: [(name: "label", values: ["a,b", "say \"q\"", "plain"])], to: path)
        let t = try CSVTable(contentsOf: path)
        #expect(t.header == ["x", "y z", "label"])
        #expect(try t.numericColumns(["x", "y z"]).scalars.map(\.bitPattern) == values.scalars.map(\.bitPattern))
        #expect(try t.stringColumn("label") == ["a,b", "say \"q\"", "plain"])
        #expect(try dir.contents("out") == ["held.csv"])
        let bad = Tensor(shape: [1, 1], scalars: [.nan])
        #expect(throws: ExplainError.self) { try CSVTable.write(columns: ["x"], values: bad, to: dir.file("bad.csv")) }
        #expect(!(try dir.contents()).contains("bad.csv"))
        #expect(String(decoding: CSVTable.serialize(header: ["a", "b"], rows: [["1", " x"]]), as: UTF8.self)
            == "a,b\n1,\" x\"\n")
    }

    @Test("a file that cannot be read is an I/O error at its path")
    func unreadable() {
        do {
            _ = try CSVTable(contentsOf: "/nonexistent/x.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .io)
            #expect(error.location == "/nonexistent/x.csv")
        }
    }
}
