import ExplainNN
import ExplainTensor

/// Reads and writes the layer objects of a model file (CONTRACT.md §1), with shape checks against the running shape.
enum LayerCoding {
    /// Every layer type a model file may hold.
    static let knownTypes = ["standardize", "dense", "conv2d", "maxpool2d", "avgpool2d", "flatten", "relu", "tanh",
                             "sigmoid", "leaky_relu", "softmax", "dropout"]

    static let defaultSlope: Float = 0.01

    /// The default name of the layer at `index`: `<type><index>` (`relu2`).
    static func defaultName(type: String, index: Int) -> String { "\(type)\(index)" }

    /// Decodes `layers[index]`, given the shape of one sample entering it.
    /// - Returns: the layer and the keys the object held (so that saving writes back what was there).
    static func decode(_ node: JSONNode, index: Int, inputShape: [Int]) throws(ExplainError)
        -> (layer: any Layer, keys: Set<String>)
    {
        let pairs = try node.object()
        let type = try node.field("type").string()
        let name: String
        if let n = node.optionalField("name") {
            name = try n.string()
            guard !name.isEmpty else { throw n.error("expected a non-empty name") }
        } else {
            name = defaultName(type: type, index: index)
        }
        let keys = Set(pairs.map(\.key))
        guard let width = Model.elementCount(inputShape) else {
            throw node.error("the layer's input \(inputShape) has more than \(Model.maximumWidth) values per sample")
        }
        let layer: any Layer
        switch type {
        case "standardize":
            let mean = try node.field("mean").floats(count: width)
            let stdNode = try node.field("std")
            let std = try stdNode.floats(count: width)
            if let i = std.firstIndex(where: { !($0 > 0) }) {
                throw stdNode.error("expected a positive number, got \(std[i])", at: "[\(i)]")
            }
            layer = Standardize(name: name, mean: mean, std: std)
        case "dense":
            let weightNode = try node.field("weight")
            let weight = try weightNode.tensor(rank: 2)
            if inputShape.count == 1, weight.shape[1] != width {
                throw weightNode.error("expected \(dimensions([weight.shape[0], width])), got \(dimensions(weight.shape))")
            }
            let bias = try node.field("bias").floats(count: weight.shape[0])
            layer = Dense(name: name, weight: weight, bias: Tensor(shape: [bias.count], scalars: bias))
        case "conv2d":
            let weightNode = try node.field("weight")
            let weight = try weightNode.tensor(rank: 4)
            if inputShape.count == 3, weight.shape[1] != inputShape[0] {
                var expected = weight.shape
                expected[1] = inputShape[0]
                throw weightNode.error("expected \(dimensions(expected)), got \(dimensions(weight.shape))")
            }
            let bias = try node.field("bias").floats(count: weight.shape[0])
            let stride = try node.optionalField("stride")?.int(minimum: 1, maximum: Conv2D.maximumStrideOrPadding) ?? 1
            let padding = try node.optionalField("padding")?.int(minimum: 0, maximum: Conv2D.maximumStrideOrPadding) ?? 0
            layer = Conv2D(name: name, weight: weight, bias: Tensor(shape: [bias.count], scalars: bias),
                           stride: stride, padding: padding)
        case "maxpool2d", "avgpool2d":
            let kernel = try node.field("kernel").int(minimum: 1)
            let stride = try node.optionalField("stride")?.int(minimum: 1)
            layer = Pool2D(name: name, reduction: type == "maxpool2d" ? .max : .average, kernel: kernel, stride: stride)
        case "flatten": layer = Flatten(name: name)
        case "relu": layer = Activation(name: name, kind: .relu)
        case "tanh": layer = Activation(name: name, kind: .tanh)
        case "sigmoid": layer = Activation(name: name, kind: .sigmoid)
        case "leaky_relu":
            let slope = try node.optionalField("slope")?.float() ?? defaultSlope
            layer = Activation(name: name, kind: .leakyReLU(slope: slope))
        case "softmax": layer = Softmax(name: name)
        case "dropout":
            let pNode = try node.field("p")
            let p = try pNode.float()
            guard p >= 0 && p < 1 else { throw pNode.error("expected a probability in [0, 1), got \(p)") }
            layer = Dropout(name: name, p: p)
        default:
            throw node.error("unknown layer type \(Echo.quoted(type)); known types are \(knownTypes.joined(separator: ", "))",
                             at: ".type")
        }
        return (layer, keys)
    }

    /// Encodes a layer, writing its name and optional fields when they were in the file or differ from the default.
    /// - Throws: `ExplainError(.unsupported)` for a layer type that model files cannot hold.
    static func encode(_ layer: any Layer, index: Int, keys: Set<String>) throws(ExplainError) -> JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [("type", .string(layer.type))]
        if keys.contains("name") || layer.name != defaultName(type: layer.type, index: index) {
            pairs.append(("name", .string(layer.name)))
        }
        switch layer {
        case let l as Standardize:
            pairs += [("mean", JSONValue(l.mean)), ("std", JSONValue(l.std))]
        case let l as Dense:
            pairs += [("weight", encode(l.weight)), ("bias", JSONValue(l.bias.scalars))]
        case let l as Conv2D:
            pairs += [("weight", encode(l.weight)), ("bias", JSONValue(l.bias.scalars))]
            if keys.contains("stride") || l.stride != 1 { pairs.append(("stride", JSONValue(l.stride))) }
            if keys.contains("padding") || l.padding != 0 { pairs.append(("padding", JSONValue(l.padding))) }
        case let l as Pool2D:
            pairs.append(("kernel", JSONValue(l.kernel)))
            if keys.contains("stride") || l.stride != l.kernel { pairs.append(("stride", JSONValue(l.stride))) }
        case let l as Activation:
            switch l.kind {
            case .leakyReLU(let slope):
                if keys.contains("slope") || slope != defaultSlope { pairs.append(("slope", JSONValue(slope))) }
            case .relu, .tanh, .sigmoid:
                break
            case .gelu, .erf, .clip:
                throw unsupported(layer, index: index)
            }
        case let l as Dropout:
            pairs.append(("p", JSONValue(l.p)))
        case is Flatten, is Softmax:
            break
        default:
            throw unsupported(layer, index: index)
        }
        return .object(pairs)
    }

    /// The error for a layer that model files cannot hold.
    static func unsupported(_ layer: any Layer, index: Int) -> ExplainError {
        ExplainError(.unsupported, "layer type \(layer.type) cannot be written to a model file", at: "layers[\(index)]")
    }

    /// A tensor as nested arrays, outermost dimension first.
    static func encode(_ tensor: Tensor) -> JSONValue {
        func level(_ d: Int, _ offset: Int) -> JSONValue {
            if d == tensor.shape.count - 1 {
                return JSONValue(Array(tensor.scalars[offset..<(offset + tensor.shape[d])]))
            }
            let stride = tensor.shape[(d + 1)...].reduce(1, *)
            return .array((0..<tensor.shape[d]).map { level(d + 1, offset + $0 * stride) })
        }
        return tensor.shape.isEmpty ? JSONValue(tensor.scalars) : level(0, 0)
    }
}
