import ExplainTensor
import Testing

@Suite("Echoed user text")
struct EchoTests {
    @Test("short text is shown whole; long text is cut at 60 characters with its length")
    func text() {
        #expect(Echo.text("1e999") == "1e999")
        let exact = String(repeating: "a", count: 60)
        #expect(Echo.text(exact) == exact)
        let long = "1" + String(repeating: "0", count: 1_000_000)
        #expect(Echo.text(long) == "1" + String(repeating: "0", count: 59) + "… (1000001 characters)")
        #expect(Echo.quoted("relu6") == "\"relu6\"")
        #expect(Echo.quoted(String(repeating: "é", count: 61)) == "\"\(String(repeating: "é", count: 60))…\" (61 characters)")
        #expect(Echo.quoted("a\nb") { $0.replacing("\n", with: "\\n") } == "\"a\\nb\"")
    }

    @Test("lists show five names, then how many more")
    func list() {
        #expect(Echo.list(["a"]) == "a")
        #expect(Echo.list(["a", "b", "c", "d", "e"]) == "a, b, c, d, e")
        let many = (0..<1_000_000).map { "c\($0)" }
        #expect(Echo.list(many) == "c0, c1, c2, c3, c4 and 999995 more")
        #expect(Echo.list(["x", "y"], quoted: true) == "\"x\", \"y\"")
        #expect(Echo.list([String(repeating: "z", count: 100)]).count < 90)
    }
}

@Suite("Control characters in echoed text")
struct EchoControlTests {
    @Test("C0, DEL and C1 characters are written as \\xNN; other text, accents and emoji included, is kept")
    func escapes() {
        #expect(Echo.escapingControls("a\u{1B}[31mred\u{1B}[0m") == "a\\x1b[31mred\\x1b[0m")
        #expect(Echo.escapingControls("nul\u{0}tab\tnl\ndel\u{7F}c1\u{85}\u{9F}") == "nul\\x00tab\\x09nl\\x0adel\\x7fc1\\x85\\x9f")
        #expect(Echo.escapingControls("\u{1B}]0;title\u{7}") == "\\x1b]0;title\\x07")
        #expect(Echo.escapingControls("naïve café 🙂 \u{A0}") == "naïve café 🙂 \u{A0}")
        #expect(Echo.quoted("x\u{1B}y") == "\"x\\x1by\"")
        #expect(Echo.text(String(repeating: "\u{1B}", count: 100)).hasPrefix("\\x1b\\x1b"))
        #expect(Echo.list(["ok", "b\u{7}ell"]) == "ok, b\\x07ell")
    }
}
