/// A JSON document as a tree, with object keys in file order and numbers kept as their literal text.
///
/// Keeping a number's text verbatim makes `Float` and `Double` round trips exact: a value written with Swift's
/// shortest round-trip `description` parses back to the same bits, and is written back as the same text.
/// Objects are ordered key/value pairs, so writing a parsed document reproduces its key order.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, as its JSON literal text (`-1.5e-3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Key/value pairs in order; keys are expected to be unique.
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

extension JSONValue {
    /// A number written with Swift's shortest round-trip description (`0.1`, `1e-05`).
    ///
    /// Non-finite values make a number the writer rejects; check `isFinite` first where that matters.
    public init(_ value: Double) { self = .number(value.description) }

    /// A number written with `Float`'s shortest round-trip description.
    public init(_ value: Float) { self = .number(value.description) }

    /// An integer number.
    public init(_ value: Int) { self = .number(String(value)) }

    /// An unsigned integer number.
    public init(_ value: UInt64) { self = .number(String(value)) }

    /// A string.
    public init(_ value: String) { self = .string(value) }

    /// An array of numbers with `Float`'s shortest round-trip descriptions.
    public init(_ values: [Float]) { self = .array(values.map { .number($0.description) }) }

    /// An array of numbers with `Double`'s shortest round-trip descriptions.
    public init(_ values: [Double]) { self = .array(values.map { .number($0.description) }) }

    /// An array of strings.
    public init(_ values: [String]) { self = .array(values.map { .string($0) }) }

    /// An array of integers.
    public init(_ values: [Int]) { self = .array(values.map { .number(String($0)) }) }
}

extension JSONValue {
    /// True for `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value of a boolean.
    public var boolValue: Bool? { if case let .bool(b) = self { return b } else { return nil } }

    /// The value of a number as a correctly rounded `Double` (infinite when the literal overflows).
    public var doubleValue: Double? {
        if case let .number(t) = self { return DecimalParser.double(t) } else { return nil }
    }

    /// The value of a number as a correctly rounded `Float` (infinite when the literal overflows).
    public var floatValue: Float? {
        if case let .number(t) = self { return DecimalParser.float(t) } else { return nil }
    }

    /// The value of a number that is an integer (`3`, or an integral literal such as `3.0` or `3e0`).
    public var intValue: Int? {
        guard case let .number(t) = self else { return nil }
        if let i = Int(t) { return i }
        guard let d = DecimalParser.double(t), d.rounded() == d, abs(d) < 0x1p62 else { return nil }
        return Int(d)
    }

    /// The value of a non-negative integer number.
    public var uint64Value: UInt64? {
        guard case let .number(t) = self else { return nil }
        return UInt64(t) ?? intValue.flatMap { $0 >= 0 ? UInt64($0) : nil }
    }

    /// The value of a string.
    public var stringValue: String? { if case let .string(s) = self { return s } else { return nil } }

    /// The elements of an array.
    public var arrayValue: [JSONValue]? { if case let .array(a) = self { return a } else { return nil } }

    /// The key/value pairs of an object, in order.
    public var objectValue: [(key: String, value: JSONValue)]? {
        if case let .object(o) = self { return o } else { return nil }
    }

    /// The value for `key` in an object (the first one, should the key repeat), or nil.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// The element at `index` of an array, or nil when out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        guard case let .array(a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// The JSON type name, for error messages (`number`, `array`, ...).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(floatLiteral value: Double) { self = .number(value.description) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object with the pairs in the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }
}
