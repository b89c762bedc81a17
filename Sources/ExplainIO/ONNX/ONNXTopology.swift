import ExplainTensor

/// The dependency structure of an ONNX graph: every input defined, no cycle, and the nodes one output needs.
struct ONNXTopology {
    /// The nodes one output needs, in an order where each comes after the nodes it reads from, and every tensor
    /// they read or write.
    struct Plan {
        var order: [Int]
        var neededTensors: Set<String>
    }

    let nodes: [ONNXNodeContext]
    /// The node producing each tensor.
    let producer: [String: Int]
    /// All node indices in topological order.
    let sorted: [Int]

    /// Checks that every tensor has one source and that the graph is acyclic.
    /// - Throws: `ExplainError(.invalidModel)` at the node that reads an undefined tensor, writes one twice, or is
    ///   part of a cycle.
    init(nodes: [ONNXNodeContext], inputs: [String], constants: Set<String>, file: String) throws(ExplainError) {
        self.nodes = nodes
        let sources = Set(inputs).union(constants)
        var producer: [String: Int] = [:]
        for node in nodes {
            for output in node.outputs where !output.isEmpty {
                guard producer[output] == nil, !sources.contains(output) else {
                    throw node.error("tensor \"\(output)\" already has a value in the graph", code: .invalidModel)
                }
                producer[output] = node.index
            }
        }
        var consumers = [[Int]](repeating: [], count: nodes.count)
        var waiting = [Int](repeating: 0, count: nodes.count)
        for node in nodes {
            for input in node.inputs where !input.isEmpty {
                if let source = producer[input] {
                    consumers[source].append(node.index)
                    waiting[node.index] += 1
                } else if !sources.contains(input) {
                    throw node.error("input \"\(input)\" is not defined by the graph", code: .invalidModel)
                }
            }
        }
        var ready = nodes.indices.filter { waiting[$0] == 0 }
        var sorted: [Int] = []
        sorted.reserveCapacity(nodes.count)
        while let next = ready.popLast() {
            sorted.append(next)
            for consumer in consumers[next] {
                waiting[consumer] -= 1
                if waiting[consumer] == 0 { ready.append(consumer) }
            }
        }
        if sorted.count < nodes.count, var stuck = nodes.indices.first(where: { waiting[$0] > 0 }) {
            // Walk back through unfinished producers until a node repeats: that node is on the cycle.
            var seen: Set<Int> = [], through = ""
            while seen.insert(stuck).inserted {
                through = nodes[stuck].inputs.first { producer[$0].map { waiting[$0] > 0 } ?? false } ?? ""
                guard let source = producer[through] else { break }
                stuck = source
            }
            throw nodes[stuck].error("is part of a cycle (through tensor \"\(through)\"); an ONNX graph must be acyclic",
                                     code: .invalidModel)
        }
        self.producer = producer
        self.sorted = sorted
    }

    /// The nodes that `output` depends on, in topological order.
    func needed(for output: String) -> Plan {
        var neededNodes = Set<Int>(), tensors: Set<String> = [output], stack = [output]
        while let tensor = stack.popLast() {
            guard let index = producer[tensor], neededNodes.insert(index).inserted else { continue }
            for input in nodes[index].inputs where !input.isEmpty && tensors.insert(input).inserted {
                stack.append(input)
            }
        }
        return Plan(order: sorted.filter(neededNodes.contains), neededTensors: tensors)
    }
}
