import ExplainTensor

/// A light check of an ONNX file's protobuf framing that finds the byte where a malformed or truncated file breaks.
///
/// SwiftProtobuf's decoding errors do not say where they happened, so the reader first walks the wire format: every
/// tag, varint and length, descending into the messages that make up a model (the graph, its nodes, their attributes,
/// tensors and functions). A length that runs past its enclosing message, a varint longer than ten bytes, a group or
/// unknown wire type, or a field number 0 is reported at the byte where it starts. The walk also records where each
/// node and tensor starts, so that a message whose framing is intact but whose contents SwiftProtobuf still refuses
/// (invalid UTF-8 in a name, say) is located at its first byte.
struct ONNXFraming {
    /// The kinds of message the walk descends into.
    enum Kind {
        case model, graph, node, attribute, tensor, function, leaf
    }

    /// A message the walk found, by its first byte and its bytes' range.
    struct Region {
        var kind: Kind
        var range: Range<Int>
    }

    let bytes: [UInt8]
    let file: String
    private(set) var regions: [Region] = []

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// The message kind of field `number` inside a message of `kind`, for the fields the walk descends into.
    static func child(of kind: Kind, field number: Int) -> Kind {
        switch (kind, number) {
        case (.model, 7), (.attribute, 6), (.attribute, 11): .graph
        case (.model, 25): .function
        case (.graph, 1), (.function, 7): .node
        case (.graph, 5), (.attribute, 5), (.attribute, 10): .tensor
        case (.node, 5): .attribute
        default: .leaf
        }
    }

    /// Walks the whole file as a ModelProto.
    /// - Throws: `ExplainError(.invalidModel)` located at `file: byte N` where the framing breaks.
    mutating func check() throws(ExplainError) {
        try walk(0..<bytes.count, kind: .model)
    }

    private mutating func walk(_ range: Range<Int>, kind: Kind) throws(ExplainError) {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let start = offset
            let tag = try varint(&offset, end: range.upperBound, start: start)
            let number = Int(tag >> 3), wireType = Int(tag & 7)
            guard number > 0, number < (1 << 29) else { throw broken(at: start, "field number \(number) is not valid") }
            switch wireType {
            case 0: _ = try varint(&offset, end: range.upperBound, start: start)
            case 1, 5:
                let width = wireType == 1 ? 8 : 4
                guard range.upperBound - offset >= width else {
                    throw broken(at: start, "field \(number) needs \(width) bytes, \(range.upperBound - offset) remain\(endText(range))")
                }
                offset += width
            case 2:
                let length = try varint(&offset, end: range.upperBound, start: start)
                guard length <= UInt64(range.upperBound - offset) else {
                    throw broken(at: start, "field \(number) declares \(length) bytes, \(range.upperBound - offset) remain\(endText(range))")
                }
                let body = offset..<(offset + Int(length))
                let childKind = Self.child(of: kind, field: number)
                if childKind != .leaf {
                    if childKind == .node || childKind == .tensor { regions.append(Region(kind: childKind, range: body)) }
                    try walk(body, kind: childKind)
                }
                offset = body.upperBound
            default:
                throw broken(at: start, "field \(number) has wire type \(wireType), which ONNX files never use")
            }
        }
    }

    private func endText(_ range: Range<Int>) -> String {
        range.upperBound == bytes.count ? " (the file is truncated or not an ONNX model)" : " in its enclosing message"
    }

    private func varint(_ offset: inout Int, end: Int, start: Int) throws(ExplainError) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard offset < end else { throw broken(at: start, "a number is cut off\(endText(0..<end))") }
            let byte = bytes[offset]
            offset += 1
            guard shift < 64 else { break }
            value |= UInt64(byte & 0x7f) << UInt64(shift)
            if byte & 0x80 == 0 { return value }
        }
        throw broken(at: start, "a number is longer than 10 bytes")
    }

    private func broken(at offset: Int, _ message: String) -> ExplainError {
        ExplainError(.invalidModel, "malformed ONNX protobuf: \(message)", at: "\(file): byte \(offset)")
    }
}
