import ExplainTensor
import Foundation
import ONNXProto

extension ONNXConstant {
    /// The ONNX element type names, by `TensorProto.DataType` number.
    static let elementTypeNames: [Int32: String] = [
        1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool",
        10: "float16", 11: "double", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16",
    ]

    /// The name of ONNX element type `type`.
    static func elementTypeName(_ type: Int32) -> String { elementTypeNames[type] ?? "type \(type)" }

    /// Reads a float32, int64 or int32 tensor from `raw_data` (little-endian) or the typed data field.
    /// - Throws: `ExplainError(.unsupported)` at `location` for another element type or external data, and
    ///   `.invalidModel` when the data's length disagrees with the dimensions.
    init(_ proto: Onnx_TensorProto, location: String) throws(ExplainError) {
        let what = proto.name.isEmpty ? "tensor" : "tensor \"\(proto.name)\""
        guard proto.dataLocation != .external else {
            throw ExplainError(.unsupported, "\(what) keeps its data in an external file; save the model with its data inside "
                               + "(onnx.save_model(..., save_as_external_data=False))", at: location)
        }
        let shape = proto.dims.map(Int.init)
        guard shape.allSatisfy({ $0 >= 0 }), let count = Self.count(shape) else {
            throw ExplainError(.invalidModel, "\(what) has invalid dimensions \(shape)", at: location)
        }
        let raw = proto.rawData
        func checked<T>(_ values: [T], _ name: String) throws(ExplainError) -> [T] {
            guard values.count == count else {
                throw ExplainError(.invalidModel, "\(what) holds \(values.count) \(name) values for dimensions \(shape) (\(count))",
                                   at: location)
            }
            return values
        }
        switch proto.dataType {
        case 1:
            let values = proto.hasRawData ? Self.littleEndian(raw, width: 4).map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
                                          : proto.floatData
            self = .float(Tensor(shape: shape, scalars: try checked(values, "float")))
        case 7:
            let values = proto.hasRawData ? Self.littleEndian(raw, width: 8).map { Int(Int64(bitPattern: $0)) }
                                          : proto.int64Data.map(Int.init)
            self = .integer(shape: shape, values: try checked(values, "int64"))
        case 6:
            let values = proto.hasRawData ? Self.littleEndian(raw, width: 4).map { Int(Int32(bitPattern: UInt32(truncatingIfNeeded: $0))) }
                                          : proto.int32Data.map(Int.init)
            self = .integer(shape: shape, values: try checked(values, "int32"))
        default:
            throw ExplainError(.unsupported, "\(what) has element type \(Self.elementTypeName(proto.dataType)); "
                               + "supported: float, int64, int32", at: location)
        }
    }

    /// The product of `shape`, or nil when it overflows or exceeds 2^31 values.
    static func count(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            let (next, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow, next <= 1 << 31 else { return nil }
            n = next
        }
        return n
    }

    /// `data` read as little-endian words of `width` bytes (a trailing partial word is dropped, and then the count
    /// check fails).
    static func littleEndian(_ data: Data, width: Int) -> [UInt64] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - width + 1, by: width).map { start in
            var word: UInt64 = 0
            for k in 0..<width { word |= UInt64(bytes[start + k]) << UInt64(8 * k) }
            return word
        }
    }
}
