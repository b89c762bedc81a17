import ExplainTensor
import ONNXProto

/// One node of the file as read, before lowering: what `ONNXLowering` sees, with typed attribute access whose
/// errors name the node (`m.onnx: node "fc1" (Gemm)`).
struct ONNXNodeContext {
    /// The node's 0-based index in the file.
    var index: Int
    var name: String
    var opType: String
    var domain: String
    /// The input names as written; "" is an omitted optional input.
    var inputs: [String]
    var outputs: [String]
    var attributes: [String: ONNXAttribute]
    /// The model's default-domain opset.
    var opset: Int
    /// `m.onnx: node "fc1" (Gemm)`.
    var location: String

    init(_ proto: Onnx_NodeProto, index: Int, opset: Int, file: String) throws(ExplainError) {
        self.index = index
        name = proto.name.isEmpty ? "node\(index)" : proto.name
        opType = proto.opType
        domain = proto.domain == "ai.onnx" ? "" : proto.domain
        inputs = proto.input
        outputs = proto.output
        self.opset = opset
        location = "\(file): node \"\(name)\" (\(domain.isEmpty || domain == "ai.onnx.ml" ? opType : "\(domain).\(opType)"))"
        var attributes: [String: ONNXAttribute] = [:]
        for attribute in proto.attribute {
            attributes[attribute.name] = try Self.attribute(attribute, location: location)
        }
        self.attributes = attributes
    }

    /// The typed value of one attribute.
    static func attribute(_ a: Onnx_AttributeProto, location: String) throws(ExplainError) -> ONNXAttribute {
        switch a.type {
        case .int: return .int(Int(a.i))
        case .float: return .float(a.f)
        case .string: return .string(String(decoding: a.s, as: UTF8.self))
        case .ints: return .ints(a.ints.map(Int.init))
        case .floats: return .floats(a.floats)
        case .strings: return .strings(a.strings.map { String(decoding: $0, as: UTF8.self) })
        case .tensor: return .tensor(try ONNXConstant(a.t, location: "\(location): attribute \(a.name)"))
        default: return .other(String(describing: a.type))
        }
    }

    /// An error located at this node.
    func error(_ message: String, code: ExplainError.Code = .unsupported) -> ExplainError {
        ExplainError(code, message, at: location)
    }

    /// The non-empty input name at `position`, or nil when it is omitted.
    func input(_ position: Int) -> String? {
        position < inputs.count && !inputs[position].isEmpty ? inputs[position] : nil
    }

    /// Integer attribute `key`, or `fallback` when absent.
    func int(_ key: String, _ fallback: Int) throws(ExplainError) -> Int {
        switch attributes[key] {
        case nil: return fallback
        case .int(let v)?: return v
        default: throw error("attribute \(key) must be an int", code: .invalidModel)
        }
    }

    /// Float attribute `key`, or `fallback` when absent.
    func float(_ key: String, _ fallback: Float) throws(ExplainError) -> Float {
        switch attributes[key] {
        case nil: return fallback
        case .float(let v)?: return v
        default: throw error("attribute \(key) must be a float", code: .invalidModel)
        }
    }

    /// Integer-list attribute `key`, or nil when absent.
    func ints(_ key: String) throws(ExplainError) -> [Int]? {
        switch attributes[key] {
        case nil: return nil
        case .ints(let v)?: return v
        default: throw error("attribute \(key) must be a list of ints", code: .invalidModel)
        }
    }

    /// Float-list attribute `key`, or nil when absent.
    func floats(_ key: String) throws(ExplainError) -> [Float]? {
        switch attributes[key] {
        case nil: return nil
        case .floats(let v)?: return v
        case .float(let v)?: return [v]
        default: throw error("attribute \(key) must be a list of floats", code: .invalidModel)
        }
    }

    /// String attribute `key`, or `fallback` when absent.
    func string(_ key: String, _ fallback: String) throws(ExplainError) -> String {
        switch attributes[key] {
        case nil: return fallback
        case .string(let v)?: return v
        default: throw error("attribute \(key) must be a string", code: .invalidModel)
        }
    }

    /// `axis` made non-negative for a tensor of `rank` (ONNX allows −rank..<rank).
    func axis(_ axis: Int, rank: Int, key: String = "axis") throws(ExplainError) -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw error("\(key) \(axis) is outside a tensor of rank \(rank)", code: .invalidModel) }
        return a
    }
}
