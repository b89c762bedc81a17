import ExplainKit
import Testing

/// The operator layers' output shapes, and the one-line errors for shapes that do not fit (never a trap).
@Suite("Operator layers: output shapes and shape errors")
struct OperatorShapeTests {
    static let conv = Convolution(name: "c", weight: Tensor(shape: [4, 2, 3, 3], repeating: 0.1), bias: nil, strides: [2, 1],
                                  dilations: [1, 2], padsBegin: [1, 0], padsEnd: [0, 1], group: 2)

    static func pool(_ reduction: Pool2D.Reduction, kernel: [Int] = [2, 2], pads: [Int] = [0, 0]) -> WindowPool {
        WindowPool(name: "p", reduction: reduction, kernel: kernel, strides: [2, 2], dilations: [1, 1],
                   padsBegin: pads, padsEnd: pads, countsPadding: true)
    }

    @Test("shapes of fitting inputs")
    func shapes() throws {
        #expect(try Broadcast(name: "b", operation: .mul).outputShape(forInputs: [[2, 1, 4], [3, 1]]) == [2, 3, 4])
        let constant = ConstantOperand(name: "k", operation: .add, constant: Tensor(shape: [1, 1, 5], repeating: 1))
        #expect(try constant.outputShape(for: [3, 1]) == [3, 5])
        #expect(try constant.outputShape(for: [2, 3, 1]) == [2, 3, 5])
        #expect(try MatMul(name: "m", weight: Tensor(shape: [3, 7], repeating: 0)).outputShape(for: [2, 5, 3]) == [2, 5, 7])
        #expect(try ChannelAffine(name: "a", scale: [1, 2], shift: [0, 0]).outputShape(for: [2, 4, 4]) == [2, 4, 4])
        #expect(try Concat(name: "c", axis: 1).outputShape(forInputs: [[2, 1, 3], [2, 4, 3]]) == [2, 5, 3])
        #expect(try Reshape(name: "r", shape: [6, 2]).outputShape(for: [3, 4]) == [6, 2])
        #expect(try Transpose(name: "t", permutation: [2, 0, 1]).outputShape(for: [2, 3, 4]) == [4, 2, 3])
        #expect(try GlobalAveragePool(name: "g").outputShape(for: [8, 5, 6]) == [8, 1, 1])
        #expect(try GlobalAveragePool(name: "g").outputShape(for: [8, 5]) == [8, 1])
        // H: (7 + 1 − 3) / 2 + 1 = 3; W: (6 + 1 − 5) / 1 + 1 = 3.
        #expect(try Self.conv.outputShape(for: [4, 7, 6]) == [4, 3, 3])
        #expect(try Self.pool(.average, kernel: [3, 3], pads: [1, 1]).outputShape(for: [2, 6, 5]) == [2, 3, 3])
    }

    /// Each case: a shape question that must throw `.invalidModel` with `fragment` in its message.
    static let refusals: [(String, @Sendable () throws -> [Int])] = [
        ("do not broadcast", { try Broadcast(name: "b", operation: .add).outputShape(forInputs: [[3], [4]]) }),
        ("needs two inputs", { try Broadcast(name: "b", operation: .add).outputShape(forInputs: [[3]]) }),
        ("batch axis that is not 1", {
            try ConstantOperand(name: "k", operation: .add, constant: Tensor(shape: [2, 3], repeating: 1)).outputShape(for: [3])
        }),
        ("more axes", {
            try ConstantOperand(name: "k", operation: .add, constant: Tensor(shape: [1, 1, 3], repeating: 1)).outputShape(for: [3])
        }),
        ("does not broadcast", {
            try ConstantOperand(name: "k", operation: .mul, constant: Tensor(shape: [4], repeating: 1)).outputShape(for: [2, 3])
        }),
        ("last input axis of 3", { try MatMul(name: "m", weight: Tensor(shape: [3, 2], repeating: 0)).outputShape(for: [2, 4]) }),
        ("at least one axis", { try MatMul(name: "m", weight: Tensor(shape: [3, 2], repeating: 0)).outputShape(for: []) }),
        ("2 channels", { try ChannelAffine(name: "a", scale: [1, 2], shift: [0, 0]).outputShape(for: [3, 4]) }),
        ("outside axis 1", { try Concat(name: "c", axis: 1).outputShape(forInputs: [[2, 1, 3], [3, 4, 3]]) }),
        ("differ in rank", { try Concat(name: "c", axis: 0).outputShape(forInputs: [[2, 3], [2]]) }),
        ("axis 2 is outside", { try Concat(name: "c", axis: 2).outputShape(forInputs: [[2, 3]]) }),
        ("at least one input", { try Concat(name: "c", axis: 0).outputShape(forInputs: []) }),
        ("does not hold the 12 values", { try Reshape(name: "r", shape: [5, 2]).outputShape(for: [3, 4]) }),
        ("does not permute", { try Transpose(name: "t", permutation: [0, 0, 1]).outputShape(for: [2, 3, 4]) }),
        ("does not permute", { try Transpose(name: "t", permutation: [1, 0]).outputShape(for: [2, 3, 4]) }),
        ("spatial axes", { try GlobalAveragePool(name: "g").outputShape(for: [8]) }),
        ("axis 3 is outside", {
            try AxisSoftmax(name: "s", axis: 3, isLog: false, coercesTrailingAxes: false).outputShape(for: [2, 3, 4])
        }),
        ("expects 4 input channels", { try OperatorShapeTests.conv.outputShape(for: [2, 7, 6]) }),
        ("needs a [C, H, W] input", { try OperatorShapeTests.conv.outputShape(for: [4, 7]) }),
        // (2 + 1 − 3) / 2 + 1 would floor to 1 in integer division; the window still does not fit.
        ("does not fit", { try OperatorShapeTests.conv.outputShape(for: [4, 1, 6]) }),
        ("does not fit", { try OperatorShapeTests.pool(.max, kernel: [5, 5]).outputShape(for: [2, 4, 4]) }),
        ("needs a [C, H, W] input", { try OperatorShapeTests.pool(.average).outputShape(for: [4, 4]) }),
        ("covers only padding", {
            try WindowPool(name: "p", reduction: .max, kernel: [2, 2], strides: [1, 1], dilations: [1, 1], padsBegin: [2, 0],
                           padsEnd: [0, 0], countsPadding: false).outputShape(for: [1, 3, 3])
        }),
    ]

    @Test("shapes that do not fit throw invalidModel, naming what does not fit", arguments: refusals.indices)
    func refusal(index: Int) {
        let (fragment, question) = Self.refusals[index]
        let error = #expect(throws: ExplainError.self) { _ = try question() }
        #expect(error?.code == .invalidModel)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error"), expected \(fragment)")
    }
}
