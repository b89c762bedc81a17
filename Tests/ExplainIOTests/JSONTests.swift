import ExplainIO
import ExplainTensor
import Testing

@Suite("JSON parser and writer")
struct JSONTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(text, file: "t.json") }

    func parseError(_ text: String) -> ExplainError? {
        do { _ = try JSONParser.parse(text, file: "m.json"); return nil } catch { return error }
    }

    @Test("parses every value kind and keeps object key order")
    func parsesValues() throws {
        let v = try parse(#"{"z": 1, "a": [true, false, null], "m": {"k": "v"}, "n": -0.5e-3}"#)
        let pairs = try #require(v.objectValue)
        #expect(pairs.map(\.key) == ["z", "a", "m", "n"])
        #expect(v["z"]?.intValue == 1)
        #expect(v["a"] == [true, false, nil])
        #expect(v["m"]?["k"]?.stringValue == "v")
        #expect(v["n"] == .number("-0.5e-3"))
        #expect(v["n"]?.doubleValue == -0.0005)
        #expect(v["missing"] == nil)
        #expect(v["a"]?[1]?.boolValue == false)
        #expect(v["a"]?[7] == nil)
    }

    @Test("number text is kept verbatim; integral literals read as integers")
    func numberText() throws {
        let v = try parse("[1.50, 1e2, 3.0, 2.5, 12345678901234567890]")
        #expect(v[0] == .number("1.50"))
        #expect(v[1]?.intValue == 100)
        #expect(v[2]?.intValue == 3)
        #expect(v[3]?.intValue == nil)
        #expect(v[4]?.uint64Value == 12_345_678_901_234_567_890)
        #expect(try parse("1e999").doubleValue == .infinity)
    }

    @Test("Float and Double values round trip bit for bit through write and parse")
    func floatRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        var floats: [Float] = [0.1, -0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .leastNormalMagnitude, 3.4028235e38, 1]
        var doubles: [Double] = [0.1, 1e-300, .greatestFiniteMagnitude, 5e-324, -2.5]
        for _ in 0..<2000 {
            floats.append(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())))
            doubles.append(Double(bitPattern: rng.next()))
        }
        floats = floats.filter(\.isFinite)
        doubles = doubles.filter(\.isFinite)
        let doc: JSONValue = ["f": JSONValue(floats), "d": JSONValue(doubles)]
        for style in [JSONWriter.Style.compact, .pretty] {
            let back = try JSONParser.parse(try doc.serialized(style: style), file: "t.json")
            let f = try #require(back["f"]?.arrayValue).compactMap(\.floatValue)
            let d = try #require(back["d"]?.arrayValue).compactMap(\.doubleValue)
            #expect(f.map(\.bitPattern) == floats.map(\.bitPattern))
            #expect(d.map(\.bitPattern) == doubles.map(\.bitPattern))
            #expect(back == doc)
        }
    }

    @Test("strings: escapes, \\u escapes with surrogate pairs, and raw UTF-8 all round trip")
    func strings() throws {
        let v = try parse(#"["a\"b\\c\/d\n\t\r\b\f", "\u00e9\u4e2d\ud83d\ude00", "é中😀", "\u0001"]"#)
        #expect(v[0]?.stringValue == "a\"b\\c/d\n\t\r\u{8}\u{C}")
        #expect(v[1]?.stringValue == "é中😀")
        #expect(v[2]?.stringValue == "é中😀")
        #expect(v[3]?.stringValue == "\u{1}")
        let written = try JSONWriter.string(v, style: .compact)
        #expect(written == #"["a\"b\\c/d\n\t\r\b\f","é中😀","é中😀","\u0001"]"#)
        #expect(try parse(written) == v)
    }

    @Test("pretty output: 2-space indent, scalar arrays inline, final newline; compact has no spaces")
    func layout() throws {
        let doc: JSONValue = ["a": [1, 2], "b": [[1.5], []], "c": [:], "d": "x"]
        #expect(try JSONWriter.string(doc, style: .pretty) == """
            {
              "a": [1, 2],
              "b": [
                [1.5],
                []
              ],
              "c": {},
              "d": "x"
            }

            """)
        #expect(try JSONWriter.string(doc, style: .compact) == #"{"a":[1,2],"b":[[1.5],[]],"c":{},"d":"x"}"#)
    }

    @Test("writing a non-finite number is an error at its JSON path")
    func nonFinite() {
        let doc: JSONValue = ["rows": [["x": JSONValue(Double.nan)]]]
        #expect(throws: ExplainError.self) { try doc.serialized() }
        do {
            _ = try doc.serialized()
        } catch {
            #expect(error.code == .numerical)
            #expect(error.location == "rows[0].x")
            #expect(error.message.contains("nan"))
        }
        #expect(throws: ExplainError.self) { try JSONValue(Float.infinity).serialized() }
    }

    @Test("syntax errors name file, line and column", arguments: [
        ("{\n  \"a\": 1,\n  \"b\": 2 \"c\"\n}", "m.json:3:10", "expected ',' or '}'"),
        ("[1, 2", "m.json:1:6", "expected ',' or ']'"),
        ("{\"a\" 1}", "m.json:1:6", "expected ':'"),
        ("[01]", "m.json:1:3", "leading zeros are not allowed"),
        ("[1.]", "m.json:1:4", "expected a digit after '.'"),
        ("[nan]", "m.json:1:2", "invalid literal"),
        ("[+1]", "m.json:1:2", "expected a value, got '+'"),
        ("[tru]", "m.json:1:2", "invalid literal"),
        ("\"abc", "m.json:1:1", "unterminated string"),
        ("[\"\\ud800\"]", "m.json:1:3", "unpaired surrogate in \\u escape"),
        ("[\"\\x\"]", "m.json:1:3", "invalid escape \\x"),
        ("{} x", "m.json:1:4", "unexpected text after the JSON value"),
        ("", "m.json:1:1", "unexpected end of input, expected a value"),
        ("[\"é\", ]", "m.json:1:7", "expected a value, got ']'"),
        ("{,}", "m.json:1:2", "expected a string key"),
    ])
    func syntaxErrors(text: String, location: String, message: String) throws {
        let error = try #require(parseError(text))
        #expect(error.location == location)
        #expect(error.message == message)
        #expect(error.code == .invalidInput)
    }

    @Test("deep nesting is an error, not a stack overflow")
    func depth() throws {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = try #require(parseError(text))
        #expect(error.message.contains("nesting deeper than"))
        #expect(try parse(String(repeating: "[", count: 500) + String(repeating: "]", count: 500)).arrayValue != nil)
    }

    @Test("a byte-order mark is skipped and invalid UTF-8 in a string is an error")
    func encoding() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8), file: "t.json") == [1])
        #expect(throws: ExplainError.self) { try JSONParser.parse([0x22, 0xFF, 0x22], file: "t.json") }
    }
}
