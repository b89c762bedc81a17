import ExplainTensor
import Foundation
import ONNXProto
import SwiftProtobuf

/// Reads an ONNX ModelProto into an `ONNXGraph` (docs/formats.md, "ONNX models").
///
/// Reading validates everything once: the protobuf framing (a malformed or truncated file is one error at its byte
/// offset), the IR version (7 or later) and opsets (default domain 11 to 21, plus `ai.onnx.ml`), the input shapes
/// (only the batch dimension may be dynamic), the graph's acyclicity, and every node the explained output needs
/// against the supported operators and attribute values. Constant subgraphs are folded and static shapes inferred.
public enum ONNXReader {
    /// The largest ONNX file read, 2 GiB (protobuf's own limit).
    public static let maximumFileBytes = 1 << 31
    /// The IR versions and default-domain opsets read.
    public static let minimumIRVersion = 7
    public static let opsetVersions = 11...21

    /// Reads the ONNX file at `path` and explains `outputName`, or the first float output when it is nil.
    /// - Throws: `ExplainError(.io)` when it cannot be read; `.invalidModel` for a malformed file (at `m.onnx: byte N`)
    ///   or graph; `.unsupported` at `m.onnx: node "name" (OpType)` for an operator or attribute outside the
    ///   supported set; `.invalidArgument` for an unknown `outputName`, listing the outputs.
    public static func load(path: String, outputName: String? = nil) throws(ExplainError) -> ONNXGraph {
        let bytes = try AtomicFile.read(path, maximumBytes: maximumFileBytes, kind: "ONNX files")
        return try parse(bytes: bytes, file: path, outputName: outputName)
    }

    /// Reads an ONNX model's bytes; `file` names it in error locations.
    public static func parse(bytes: [UInt8], file: String, outputName: String? = nil) throws(ExplainError) -> ONNXGraph {
        let model = try decode(bytes, file: file)
        guard model.hasGraph, !model.opsetImport.isEmpty else {
            // Fields are written in order and the graph (7) and opset imports (8) come late: a file cut between two
            // fields frames correctly but lacks them.
            throw ExplainError(.invalidModel, "the model has no \(model.hasGraph ? "opset import" : "graph") where the file "
                               + "ends; it is truncated or not an ONNX model", at: "\(file): byte \(bytes.count)")
        }
        guard model.irVersion >= minimumIRVersion else {
            throw ExplainError(.unsupported, "IR version \(model.irVersion) is too old; ExplainKit reads IR version "
                               + "\(minimumIRVersion) (ONNX 1.6) or later; re-export with a newer exporter", at: file)
        }
        let defaultOpset = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }.map { Int($0.version) }
        guard let opset = defaultOpset, opsetVersions.contains(opset) else {
            throw ExplainError(.unsupported, "default-domain opset \(defaultOpset.map(String.init) ?? "missing"); supported: "
                               + "\(opsetVersions.lowerBound) to \(opsetVersions.upperBound)", at: file)
        }
        let graph = model.graph
        var constants: [String: ONNXConstant] = [:]
        for tensor in graph.initializer {
            // String tensors (a classifier's class labels) only feed label outputs, which are never explained.
            if tensor.dataType == Int32(Onnx_TensorProto.DataType.string.rawValue) { continue }
            constants[tensor.name] = try ONNXConstant(tensor, location: "\(file): initializer \"\(tensor.name)\"")
        }
        let inputs = try graph.input.filter { constants[$0.name] == nil }.map { info throws(ExplainError) in
            try input(info, file: file)
        }
        guard !inputs.isEmpty else { throw ExplainError(.invalidModel, "the graph has no data input", at: file) }
        let outputs = graph.output.map(outputInfo)
        var nodes: [ONNXNodeContext] = []
        for (index, node) in graph.node.enumerated() {
            nodes.append(try ONNXNodeContext(node, index: index, opset: opset, file: file))
        }
        let chosen = try chooseOutput(outputs, named: outputName, nodes: nodes, file: file)
        let plan = try ONNXTopology(nodes: nodes, inputs: inputs.map(\.name),
                                    constants: Set(graph.initializer.map(\.name)), file: file)
            .needed(for: chosen)
        var lowering = ONNXLowering(inputs: inputs, constants: constants, file: file)
        for index in plan.order { try lowering.lower(nodes[index], needed: plan.neededTensors) }
        var result = try lowering.graph(output: chosen, outputs: outputs, opset: opset)
        result.classLabels = classLabels(graph, width: result.output.sampleShape.reduce(1, *))
        return result
    }

    /// skl2onnx's class labels: the int64 or string `classes` tensor its label output reads through
    /// `ArrayFeatureExtractor`, when it has one label per explained output; nil otherwise.
    static func classLabels(_ graph: Onnx_GraphProto, width: Int) -> [String]? {
        for node in graph.node where node.opType == "ArrayFeatureExtractor" && node.domain == "ai.onnx.ml" {
            guard let name = node.input.first, let t = graph.initializer.first(where: { $0.name == name }) else { continue }
            var labels: [String] = []
            if t.dataType == Int32(Onnx_TensorProto.DataType.string.rawValue) {
                labels = t.stringData.map { String(decoding: $0, as: UTF8.self) }
            } else if t.dataType == Int32(Onnx_TensorProto.DataType.int64.rawValue) {
                if !t.int64Data.isEmpty {
                    labels = t.int64Data.map(String.init)
                } else if t.rawData.count % 8 == 0 {
                    let raw = [UInt8](t.rawData)
                    labels = stride(from: 0, to: raw.count, by: 8).map { start in
                        var v: UInt64 = 0
                        for k in 0..<8 { v |= UInt64(raw[start + k]) << (8 * UInt64(k)) }
                        return String(Int64(bitPattern: v))
                    }
                }
            }
            if labels.count == width, Set(labels).count == width { return labels }
        }
        return nil
    }

    /// The ModelProto, or the error at the byte where the file breaks.
    static func decode(_ bytes: [UInt8], file: String) throws(ExplainError) -> Onnx_ModelProto {
        var framing = ONNXFraming(bytes: bytes, file: file)
        try framing.check()
        do {
            return try Onnx_ModelProto(serializedBytes: bytes)
        } catch {
            // The framing is intact, so a message's contents are wrong: name the first node or tensor that fails.
            let reason = String(describing: error)
            for region in framing.regions {
                let slice = Array(bytes[region.range])
                let fails: Bool
                switch region.kind {
                case .node: fails = (try? Onnx_NodeProto(serializedBytes: slice)) == nil
                default: fails = (try? Onnx_TensorProto(serializedBytes: slice)) == nil
                }
                if fails {
                    throw ExplainError(.invalidModel, "malformed ONNX protobuf: the message starting here is invalid (\(reason))",
                                       at: "\(file): byte \(region.range.lowerBound)")
                }
            }
            throw ExplainError(.invalidModel, "malformed ONNX protobuf (\(reason))", at: "\(file): byte 0")
        }
    }

    /// A data input: a float tensor whose dimensions after the first (the batch) are static.
    static func input(_ info: Onnx_ValueInfoProto, file: String) throws(ExplainError) -> ONNXValue {
        let location = "\(file): input \"\(info.name)\""
        guard case .tensorType(let type)? = info.type.value else {
            throw ExplainError(.unsupported, "is not a tensor; ExplainKit explains float tensor inputs", at: location)
        }
        guard type.elemType == 1 else {
            throw ExplainError(.unsupported, "has element type \(ONNXConstant.elementTypeName(type.elemType)); "
                               + "ExplainKit explains float inputs", at: location)
        }
        let dims = type.shape.dim
        guard type.hasShape, !dims.isEmpty else {
            throw ExplainError(.unsupported, "has no static shape; ExplainKit needs [batch, ...] with fixed sizes after the batch",
                               at: location)
        }
        var sampleShape: [Int] = []
        for (axis, dim) in dims.enumerated().dropFirst() {
            guard case .dimValue(let size)? = dim.value, size > 0 else {
                let what: String
                if case .dimParam(let p)? = dim.value { what = "is dynamic (\"\(p)\")" } else { what = "has no fixed size" }
                throw ExplainError(.unsupported, "dimension \(axis) \(what); only the batch dimension (0) may be dynamic; "
                                   + "export with a fixed size for it", at: location)
            }
            sampleShape.append(Int(size))
        }
        guard ONNXConstant.count(sampleShape).map({ $0 <= 1 << 24 }) == true else {
            throw ExplainError(.unsupported, "holds more than 2^24 values per sample (shape \(sampleShape))", at: location)
        }
        var declared: Int?
        if case .dimValue(let size)? = dims[0].value, size > 0 { declared = Int(size) }
        return ONNXValue(name: info.name, sampleShape: sampleShape, declaredBatchSize: declared)
    }

    /// An output's name and type as the file declares them.
    static func outputInfo(_ info: Onnx_ValueInfoProto) -> ONNXOutputInfo {
        func typeName(_ type: Onnx_TypeProto) -> String {
            switch type.value {
            case .tensorType(let t)?: ONNXConstant.elementTypeName(t.elemType)
            case .sequenceType(let s)?: "seq(\(typeName(s.elemType)))"
            case .mapType(let m)?: "map(\(ONNXConstant.elementTypeName(m.keyType)),\(typeName(m.valueType)))"
            default: "unknown"
            }
        }
        var isFloat = false
        if case .tensorType(let t)? = info.type.value { isFloat = t.elemType == 1 }
        return ONNXOutputInfo(name: info.name, elementType: typeName(info.type), isFloatTensor: isFloat)
    }
}
