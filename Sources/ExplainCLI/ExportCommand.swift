import ArgumentParser
import ExplainKit

/// `explain export --model m.json --onnx out.onnx`: the model file's network as an ONNX file (CONTRACT.md §5).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model file's network as ONNX, for onnxruntime and other ONNX tools.",
        discussion: """
            The file is ONNX IR version 8, opset 17, with the float input "input" [N, ...input shape] and the output \
            "output" [N, outputs]; nodes and tensors are named after the layers. The same model gives the same bytes. \
            See docs/formats.md, "Exporting to ONNX".
            """)

    @Option(name: .long, help: "The model file (explainkit.model JSON).")
    var model: String

    @Option(name: .long, help: "The ONNX file to write (replaced atomically).")
    var onnx: String

    func validate() throws {
        var files = OutputClashes()
        files.input("--model", model)
        files.output("--onnx", onnx)
        try files.check()
    }

    func run() throws {
        InterruptHandler.install()
        try reportingErrors {
            try OutputSet.checkFile(onnx)
            let network = try ModelFile.load(path: model).model
            let bytes: [UInt8]
            do throws(ExplainError) { bytes = try ONNXWriter.data(network) } catch { throw error.located(in: model) }
            let outputs = OutputSet()
            try outputs.write(bytes, to: onnx)
            try outputs.commit()
            let shape = (["N"] + network.inputShape.map(String.init)).joined(separator: ", ")
            try StandardStream.writeOutput("wrote \(Echo.escapingControls(onnx)) (ONNX opset \(ONNXWriter.opsetVersion): input "
                                           + "\"\(ONNXWriter.inputName)\" [\(shape)], output \"\(ONNXWriter.outputName)\" "
                                           + "[N, \(network.outputCount)], \(network.layers.count) layers)\n")
        }
    }
}
