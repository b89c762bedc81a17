import ExplainTensor
import Foundation
import ONNXProto

/// The nodes, initializers and value infos of an ONNX graph being written, with unique tensor and node names.
///
/// Tensor names and node names are two namespaces. Names reserved up front (`reserveTensorNames`,
/// `reserveNodeNames`) belong to whoever reserved them; any other name asked for (`tensorName`, `nodeName`) is used
/// as is when free, and otherwise gets the first free `_1`, `_2`, ... suffix, so that any layer names give a valid
/// graph. The same requests in the same order give the same names and the same messages, byte for byte.
struct ONNXGraphBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    /// Shapes of the intermediate tensors, for tools that show them (onnxruntime infers them anyway).
    private(set) var valueInfos: [Onnx_ValueInfoProto] = []
    private var tensorNames: Set<String> = []
    private var nodeNames: Set<String> = []

    /// Marks tensor names as taken by their reserver.
    mutating func reserveTensorNames(_ names: some Sequence<String>) { tensorNames.formUnion(names) }

    /// Marks node names as taken by their reserver.
    mutating func reserveNodeNames(_ names: some Sequence<String>) { nodeNames.formUnion(names) }

    /// `base`, or `base_1`, `base_2`, ... : the first free tensor name, now taken.
    mutating func tensorName(_ base: String) -> String { Self.claim(base, in: &tensorNames) }

    /// `base`, or `base_1`, `base_2`, ... : the first free node name, now taken.
    mutating func nodeName(_ base: String) -> String { Self.claim(base, in: &nodeNames) }

    private static func claim(_ base: String, in used: inout Set<String>) -> String {
        var name = base, suffix = 0
        while used.contains(name) {
            suffix += 1
            name = "\(base)_\(suffix)"
        }
        used.insert(name)
        return name
    }

    /// Adds a float32 initializer of `shape`, its values as little-endian `raw_data`.
    /// - Returns: its name (`base`, made unique).
    mutating func floatInitializer(_ base: String, shape: [Int], values: [Float]) -> String {
        precondition(shape.reduce(1, *) == values.count, "ONNXGraphBuilder: \(values.count) values for shape \(shape)")
        var tensor = Onnx_TensorProto()
        tensor.name = tensorName(base)
        tensor.dims = shape.map(Int64.init)
        tensor.dataType = 1
        tensor.rawData = Self.littleEndian(values.map(\.bitPattern))
        initializers.append(tensor)
        return tensor.name
    }

    /// Adds a 1-D int64 initializer (a Reshape target), its values as little-endian `raw_data`.
    /// - Returns: its name (`base`, made unique).
    mutating func integerInitializer(_ base: String, values: [Int]) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = tensorName(base)
        tensor.dims = [Int64(values.count)]
        tensor.dataType = 7
        tensor.rawData = Self.littleEndian(values.map { UInt64(bitPattern: Int64($0)) })
        initializers.append(tensor)
        return tensor.name
    }

    /// Adds a default-domain node with one output.
    mutating func node(_ opType: String, name: String, inputs: [String], output: String,
                       attributes: [Onnx_AttributeProto] = []) {
        var node = Onnx_NodeProto()
        node.name = name
        node.opType = opType
        node.input = inputs
        node.output = [output]
        node.attribute = attributes
        nodes.append(node)
    }

    /// Records the shape of intermediate tensor `name`: the batch, then `sampleShape`.
    mutating func declare(_ name: String, sampleShape: [Int]) {
        valueInfos.append(Self.valueInfo(name, sampleShape: sampleShape))
    }

    /// A float tensor `[N, sampleShape...]` whose batch dimension is the symbol `ONNXWriter.batchDimension`.
    static func valueInfo(_ name: String, sampleShape: [Int]) -> Onnx_ValueInfoProto {
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = ONNXWriter.batchDimension
        var shape = Onnx_TensorShapeProto()
        shape.dim = [batch] + sampleShape.map { size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            dimension.dimValue = Int64(size)
            return dimension
        }
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = 1
        tensorType.shape = shape
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensorType
        return info
    }

    /// An `INT` attribute.
    static func attribute(_ name: String, int value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    /// An `INTS` attribute.
    static func attribute(_ name: String, ints values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }

    /// A `FLOAT` attribute.
    static func attribute(_ name: String, float value: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = value
        return a
    }

    /// Fixed-width words as little-endian bytes, whatever the host's byte order.
    static func littleEndian<Word: FixedWidthInteger>(_ words: [Word]) -> Data {
        let width = Word.bitWidth / 8
        let bytes = [UInt8](unsafeUninitializedCapacity: words.count * width) { buffer, initialized in
            for (i, word) in words.enumerated() {
                let value = word.littleEndian
                withUnsafeBytes(of: value) { raw in
                    for k in 0..<width { buffer[i * width + k] = raw[k] }
                }
            }
            initialized = words.count * width
        }
        return Data(bytes)
    }
}
