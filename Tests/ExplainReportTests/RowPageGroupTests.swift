@testable import ExplainReport
import Testing

@Suite("Row pages with many methods")
struct ManyMethodsRowPageTests {
    @Test("methods are cut into even groups of at most the figure's capacity")
    func groups() {
        #expect(RowPage.groups(0..<15, size: 8) == [0..<8, 8..<15])
        #expect(RowPage.groups(0..<18, size: 9) == [0..<9, 9..<18])
        #expect(RowPage.groups(0..<13, size: 8) == [0..<7, 7..<13])
        #expect(RowPage.groups(0..<7, size: 8) == [0..<7])
        #expect(RowPage.groups(0..<1, size: 8) == [0..<1])
    }
}
