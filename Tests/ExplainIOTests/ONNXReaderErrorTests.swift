import ExplainIO
import ExplainTensor
import ONNXProto
import SwiftProtobuf
import Testing

/// Every refusal of the ONNX reader is one line located at the file, the byte, the input or the node.
@Suite("ONNX reader: refusals are one located line")
struct ONNXReaderErrorTests {
    /// The error that reading `bytes` (named `file`) throws, checked to be one line.
    func failure(_ bytes: [UInt8], file: String = "m.onnx", output: String? = nil) -> ExplainError? {
        do {
            _ = try ONNXReader.parse(bytes: bytes, file: file, outputName: output)
            return nil
        } catch {
            #expect(!error.description.contains("\n"), "\(error.description)")
            return error
        }
    }

    func fixtureFailure(_ name: String, output: String? = nil) throws -> ExplainError? {
        failure(try ONNXFixtures.bytes(name), file: "\(name).onnx", output: output)
    }

    @Test("an unsupported operator names the node, its op type and the supported operators")
    func unsupportedOperator() throws {
        let error = try #require(try fixtureFailure("unsupported_op"))
        #expect(error.code == .unsupported)
        #expect(error.location == "unsupported_op.onnx: node \"wave\" (Sin)")
        #expect(error.message.hasPrefix("operator Sin is not supported; supported: Gemm, MatMul, Add"))
        #expect(error.message.hasSuffix("and ai.onnx.ml Scaler"))
    }

    @Test("an unsupported attribute value names the node and what is supported")
    func unsupportedAttribute() throws {
        let error = try #require(try fixtureFailure("unsupported_attribute"))
        #expect(error.description == "unsupported_attribute.onnx: node \"pool\" (MaxPool): ceil_mode=1; supported: ceil_mode 0")
    }

    @Test("a dynamic spatial dimension names the input and the dimension")
    func dynamicSpatialDimension() throws {
        let error = try #require(try fixtureFailure("dynamic_spatial"))
        #expect(error.description == "dynamic_spatial.onnx: input \"x\": dimension 2 is dynamic (\"height\"); only the "
                + "batch dimension (0) may be dynamic; export with a fixed size for it")
    }

    @Test("ZipMap is refused at its node with the skl2onnx hint")
    func zipMap() throws {
        let error = try #require(try fixtureFailure("sklearn_zipmap"))
        #expect(error.location == "sklearn_zipmap.onnx: node \"ZipMap\" (ZipMap)")
        #expect(error.message.contains("{'zipmap': False}"))
        let named = try #require(try fixtureFailure("sklearn_zipmap", output: "output_probability"))
        #expect(named.location == error.location)
    }

    @Test("an unknown --onnx-output lists the outputs; a non-float one says which are float")
    func unknownOutput() throws {
        let error = try #require(try fixtureFailure("sklearn_mlp", output: "nope"))
        #expect(error.code == .invalidArgument)
        #expect(error.description == "sklearn_mlp.onnx: --onnx-output: the model has no output \"nope\"; its outputs: "
                + "label (int64), probabilities (float)")
        let label = try #require(try fixtureFailure("sklearn_mlp", output: "label"))
        #expect(label.message == "output \"label\" is int64, not a float tensor; float outputs: probabilities")
    }

    @Test("a cycle is refused at a node on it")
    func cycle() throws {
        let error = try #require(try fixtureFailure("cycle"))
        #expect(error.description == "cycle.onnx: node \"add\" (Add): is part of a cycle (through tensor \"y\"); "
                + "an ONNX graph must be acyclic")
    }

    @Test("a truncated file is one error at a byte no later than the cut", arguments: ["torch_resnet", "sklearn_mlp", "conv"])
    func truncated(model: String) throws {
        let bytes = try ONNXFixtures.bytes(model)
        for cut in [1, 2, 7, 40, bytes.count / 3, bytes.count / 2, bytes.count - 1] {
            let error = try #require(failure(Array(bytes[..<cut])), "cut at \(cut)")
            #expect(error.code == .invalidModel)
            let offset = try #require(Int(error.location.split(separator: " ").last ?? ""), "\(error.location)")
            #expect(error.location == "m.onnx: byte \(offset)")
            #expect(offset <= cut)
            #expect(error.message.hasPrefix("malformed ONNX protobuf: ") || error.message.hasSuffix("truncated or not an ONNX model"),
                    "\(error.message)")
        }
    }

    @Test("the byte offset is where the framing breaks, at any depth")
    func exactOffsets() throws {
        // ir_version 8; graph (field 7) of 5 bytes that the file cuts after 4.
        #expect(failure([0x08, 0x08, 0x3A, 0x05, 0x0A, 0x03, 0x1A, 0x01])?.description
                == "m.onnx: byte 2: malformed ONNX protobuf: field 7 declares 5 bytes, 4 remain (the file is truncated or not an ONNX model)")
        // The graph is whole, but its node (field 1, at byte 4) declares more bytes than the graph holds.
        #expect(failure([0x08, 0x08, 0x3A, 0x04, 0x0A, 0x05, 0x1A, 0x01, 0x08, 0x08])?.description
                == "m.onnx: byte 4: malformed ONNX protobuf: field 1 declares 5 bytes, 2 remain in its enclosing message")
        // A file cut between two top-level fields frames correctly, and lacks the graph where it ends.
        #expect(failure([0x08, 0x08])?.description
                == "m.onnx: byte 2: the model has no graph where the file ends; it is truncated or not an ONNX model")
        // A JSON model file: '{' is field 15 with wire type 3.
        #expect(failure(Array("{\"format\": 1}".utf8))?.location == "m.onnx: byte 0")
        // Intact framing, but the node's name (at byte 6) is not UTF-8: SwiftProtobuf refuses the node.
        let utf8 = try #require(failure([0x08, 0x08, 0x3A, 0x05, 0x0A, 0x03, 0x1A, 0x01, 0xFF]))
        #expect(utf8.location == "m.onnx: byte 6")
    }

    @Test("a window wider than its padded input is refused, even where truncating division would give one position")
    func windowTooWide() throws {
        // Width 2, kernel 3, stride 2: (2 − 3) / 2 + 1 truncates to 1 but has no position.
        let pool = node("MaxPool", ints: ["kernel_shape": [3, 3], "strides": [2, 2]])
        let error = try #require(failure(try model(pool, sample: [1, 2, 2])))
        #expect(error.message.contains("does not fit"), "\(error.message)")
        // With padding 1 on every side it fits: (2 + 2 − 3) / 2 + 1 = 1.
        let padded = node("MaxPool", ints: ["kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]])
        #expect(failure(try model(padded, sample: [1, 2, 2])) == nil)
    }

    /// A model of one node over input x [batch, sample...], serialized.
    func model(_ node: Onnx_NodeProto, sample: [Int64], opset: Int64 = 17, irVersion: Int64 = 8,
               initializers: [Onnx_TensorProto] = []) throws -> [UInt8] {
        var input = Onnx_ValueInfoProto()
        input.name = "x"
        var type = Onnx_TypeProto.Tensor()
        type.elemType = 1
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "N"
        type.shape.dim = [batch] + sample.map { size in
            var d = Onnx_TensorShapeProto.Dimension()
            d.dimValue = size
            return d
        }
        input.type.tensorType = type
        var output = Onnx_ValueInfoProto()
        output.name = "y"
        output.type.tensorType.elemType = 1
        var m = Onnx_ModelProto()
        m.irVersion = irVersion
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.version = opset
        m.opsetImport = [opsetID]
        m.graph.input = [input]
        m.graph.output = [output]
        m.graph.node = [node]
        m.graph.initializer = initializers
        return try m.serializedBytes()
    }

    func node(_ op: String, _ inputs: [String] = ["x"], ints: [String: [Int64]] = [:]) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.name = "n"
        n.opType = op
        n.input = inputs
        n.output = ["y"]
        n.attribute = ints.map { key, values in
            var a = Onnx_AttributeProto()
            a.name = key
            a.type = .ints
            a.ints = values
            return a
        }
        return n
    }

    @Test("IR versions before 7 and opsets outside 11...21 are refused at the file")
    func versions() throws {
        let relu = node("Relu")
        #expect(failure(try model(relu, sample: [3], irVersion: 6))?.message.hasPrefix("IR version 6 is too old") == true)
        #expect(failure(try model(relu, sample: [3], opset: 10))?.description == "m.onnx: default-domain opset 10; supported: 11 to 21")
        #expect(failure(try model(relu, sample: [3], opset: 22))?.description == "m.onnx: default-domain opset 22; supported: 11 to 21")
        #expect(failure(try model(relu, sample: [3], opset: 21)) == nil)
    }

    @Test("an operation that would move the batch dimension is refused at its node")
    func batchStaysFirst() throws {
        let transpose = try model(node("Transpose", ints: ["perm": [1, 0, 2]]), sample: [2, 3])
        #expect(failure(transpose)?.description == "m.onnx: node \"n\" (Transpose): would move the batch dimension away "
                + "from axis 0 (output shape [2, N, 3]); ExplainKit keeps the batch first")
        let flatten = try model(node("Flatten", ints: [:]).with(axis: 0), sample: [2, 3])
        #expect(failure(flatten)?.location == "m.onnx: node \"n\" (Flatten)")
        var shape = Onnx_TensorProto()
        shape.name = "s"
        shape.dataType = 7
        shape.dims = [1]
        shape.int64Data = [-1]
        let merge = try model(node("Reshape", ["x", "s"]), sample: [2, 3], initializers: [shape])
        #expect(failure(merge)?.description == "m.onnx: node \"n\" (Reshape): cannot reshape [N, 2, 3] to [-1] with the batch kept first")
    }
}

extension Onnx_NodeProto {
    /// The node with an int attribute `axis`.
    func with(axis: Int64) -> Onnx_NodeProto {
        var n = self
        var a = Onnx_AttributeProto()
        a.name = "axis"
        a.type = .int
        a.i = axis
        n.attribute.append(a)
        return n
    }
}
