import ExplainTensor

/// A JSON value together with its path in the document, for validation errors that say where they are.
///
/// Every accessor checks the JSON type (and range) and throws `ExplainError` located at `file: path`, for example
/// `m.json: layers[3].weight[2][5]: expected a finite number, got 1e999`; values from the file are echoed through
/// `Echo`, so a huge one cannot make a huge message. Numeric arrays are read in one loop over the elements; paths are
/// only built when something is wrong.
struct JSONNode {
    let value: JSONValue
    /// The JSON path (`layers[3].weight`); empty for the document itself.
    let path: String
    /// The file name that prefixes error locations.
    let file: String
    /// The code of the errors thrown.
    let code: ExplainError.Code

    init(_ value: JSONValue, path: String = "", file: String, code: ExplainError.Code = .invalidModel) {
        self.value = value
        self.path = path
        self.file = file
        self.code = code
    }

    func error(_ message: String, at subpath: String = "") -> ExplainError {
        let full = path + subpath
        return ExplainError(code, message, at: full.isEmpty ? file : "\(file): \(full)")
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value of a key that must be present (a `null` counts as missing).
    func field(_ key: String) throws(ExplainError) -> JSONNode {
        guard let node = optionalField(key) else {
            throw ExplainError(code, "missing required field", at: "\(file): \(child(key))")
        }
        return node
    }

    /// The value of a key, or nil when it is absent or `null`.
    func optionalField(_ key: String) -> JSONNode? {
        guard let v = value[key], !v.isNull else { return nil }
        return JSONNode(v, path: child(key), file: file, code: code)
    }

    /// What a non-finite 32-bit value should have been (see `DecimalParser.float32Expectation`).
    var finiteExpectation: String {
        if case let .number(t) = value { return DecimalParser.float32Expectation(t) }
        return "a finite number"
    }

    func typeError(_ expected: String) -> ExplainError {
        let got: String
        switch value {
        case let .number(t): got = Echo.text(t)
        case let .string(s): got = "string \(Echo.quoted(s))"
        default: got = value.typeName
        }
        return error("expected \(expected), got \(got)")
    }

    /// The pairs of an object whose keys are unique (a repeated key would silently shadow the later value).
    func object() throws(ExplainError) -> [(key: String, value: JSONValue)] {
        guard let o = value.objectValue else { throw typeError("an object") }
        if o.count > 1 {
            var seen = Set<String>()
            for pair in o where !seen.insert(pair.key).inserted {
                throw ExplainError(code, "duplicate key \(Echo.quoted(pair.key))", at: "\(file): \(child(Echo.text(pair.key)))")
            }
        }
        return o
    }

    func string() throws(ExplainError) -> String {
        guard let s = value.stringValue else { throw typeError("a string") }
        return s
    }

    func int(minimum: Int = .min, maximum: Int = .max) throws(ExplainError) -> Int {
        guard let i = value.intValue else { throw typeError(minimum == 1 ? "a positive integer" : "an integer") }
        guard i >= minimum else {
            throw error(minimum == 1 ? "expected a positive integer, got \(i)" : "expected an integer >= \(minimum), got \(i)")
        }
        guard i <= maximum else { throw error("expected an integer <= \(maximum), got \(i)") }
        return i
    }

    func float() throws(ExplainError) -> Float {
        guard let f = value.floatValue else { throw typeError("a number") }
        guard f.isFinite else { throw typeError(finiteExpectation) }
        return f
    }

    func double() throws(ExplainError) -> Double {
        guard let d = value.doubleValue else { throw typeError("a number") }
        guard d.isFinite else { throw typeError("a finite number") }
        return d
    }

    func array() throws(ExplainError) -> [JSONNode] {
        guard let a = value.arrayValue else { throw typeError("an array") }
        return a.enumerated().map { JSONNode($1, path: "\(path)[\($0)]", file: file, code: code) }
    }

    func strings() throws(ExplainError) -> [String] {
        var out: [String] = []
        for node in try array() { out.append(try node.string()) }
        return out
    }

    func ints(minimum: Int, maximum: Int = .max) throws(ExplainError) -> [Int] {
        var out: [Int] = []
        for node in try array() { out.append(try node.int(minimum: minimum, maximum: maximum)) }
        return out
    }

    /// A flat array of finite numbers, optionally of a given length.
    func floats(count: Int? = nil) throws(ExplainError) -> [Float] {
        guard let a = value.arrayValue else { throw typeError("an array of numbers") }
        if let count, a.count != count { throw error("expected \(count) values, got \(a.count)") }
        var out = [Float]()
        out.reserveCapacity(a.count)
        for (i, v) in a.enumerated() {
            guard let f = v.floatValue, f.isFinite else {
                let node = JSONNode(v, path: "\(path)[\(i)]", file: file, code: code)
                throw node.typeError(v.floatValue == nil ? "a number" : node.finiteExpectation)
            }
            out.append(f)
        }
        return out
    }

    /// A flat array of finite numbers as `Double`, optionally of a given length.
    func doubles(count: Int? = nil) throws(ExplainError) -> [Double] {
        guard let a = value.arrayValue else { throw typeError("an array of numbers") }
        if let count, a.count != count { throw error("expected \(count) values, got \(a.count)") }
        var out = [Double]()
        out.reserveCapacity(a.count)
        for (i, v) in a.enumerated() {
            guard let d = v.doubleValue, d.isFinite else {
                throw JSONNode(v, path: "\(path)[\(i)]", file: file, code: code).typeError(v.doubleValue == nil ? "a number" : "a finite number")
            }
            out.append(d)
        }
        return out
    }

    /// A rectangular nested array of `rank` levels of finite numbers, as a tensor.
    ///
    /// The size of each level is taken from its first element; every sibling must match it
    /// (`layers[1].weight[5]: expected 30 values, got 29`). Empty arrays are errors. The whole nesting is checked
    /// before any storage is reserved, so the reservation never exceeds the values actually present in the file.
    func tensor(rank: Int) throws(ExplainError) -> Tensor {
        var shape: [Int] = []
        var level = value
        for d in 0..<rank {
            guard let a = level.arrayValue else {
                throw JSONNode(level, path: path + String(repeating: "[0]", count: d), file: file, code: code)
                    .typeError(d == rank - 1 ? "an array of numbers" : "an array of arrays")
            }
            guard let first = a.first else {
                throw error("expected a non-empty array", at: String(repeating: "[0]", count: d))
            }
            shape.append(a.count)
            level = first
        }
        try checkNesting(value, depth: 0, shape: shape, suffix: "")
        var scalars = [Float]()
        scalars.reserveCapacity(shape.reduce(1, *))
        try flatten(value, depth: 0, shape: shape, suffix: "", into: &scalars)
        return Tensor(shape: shape, scalars: scalars)
    }

    /// Checks that every array at `depth` and below has the size `shape` gives it (leaves are counted, not read).
    ///
    /// A successful check proves that the product of `shape` is the number of leaf values in the document, so it
    /// can neither overflow nor exceed what was parsed.
    private func checkNesting(_ v: JSONValue, depth: Int, shape: [Int], suffix: String) throws(ExplainError) {
        let leaf = depth == shape.count - 1
        guard let a = v.arrayValue else {
            throw JSONNode(v, path: path + suffix, file: file, code: code).typeError("an array of \(count(shape[depth], leaf: leaf))")
        }
        guard a.count == shape[depth] else {
            throw error("expected \(count(shape[depth], leaf: leaf)), got \(a.count)", at: suffix)
        }
        if !leaf {
            for (i, e) in a.enumerated() {
                try checkNesting(e, depth: depth + 1, shape: shape, suffix: suffix + "[\(i)]")
            }
        }
    }

    /// `30 values`, `1 array`: the size of one level of a nested array.
    private func count(_ n: Int, leaf: Bool) -> String {
        "\(n) " + (leaf ? (n == 1 ? "value" : "values") : (n == 1 ? "array" : "arrays"))
    }

    /// Appends the leaves of an array already checked by `checkNesting`, checking each is a finite number.
    private func flatten(_ v: JSONValue, depth: Int, shape: [Int], suffix: String, into out: inout [Float])
        throws(ExplainError)
    {
        guard let a = v.arrayValue else { return }
        if depth == shape.count - 1 {
            out.append(contentsOf: try JSONNode(v, path: path + suffix, file: file, code: code).floats())
        } else {
            for (i, e) in a.enumerated() {
                try flatten(e, depth: depth + 1, shape: shape, suffix: suffix + "[\(i)]", into: &out)
            }
        }
    }
}

/// Sizes written the way error messages show them: `64×30`.
func dimensions(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "×") }
