import StrictJSON
import SafetensorsFormat

/// A JSON document with the guarantees our reports promise: keys sorted, numbers printed the
/// same way on every run, and non-finite numbers written as the strings "NaN", "Infinity"
/// and "-Infinity" (JSON has no NaN).
enum JSONValue {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Serializes with 2-space indentation and sorted keys.
    func rendered(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : nil)
        return out
    }

    private func write(into out: inout String, indent: Int?) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .uint(let value): out += String(value)
        case .double(let value): out += Self.number(value)
        case .string(let value): out += Self.quote(value)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            if items.allSatisfy(\.isScalar) {
                // Short scalar lists (shapes, offsets) stay on one line for people.
                out += "[" + items.map { $0.rendered(pretty: false) }.joined(separator: indent == nil ? "," : ", ") + "]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent.map { $0 + 1 })
                item.write(into: &out, indent: indent.map { $0 + 1 })
            }
            newline(&out, indent)
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent.map { $0 + 1 })
                out += Self.quote(key)
                out += indent == nil ? ":" : ": "
                members[key]?.write(into: &out, indent: indent.map { $0 + 1 })
            }
            newline(&out, indent)
            out += "}"
        }
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private func newline(_ out: inout String, _ indent: Int?) {
        guard let indent else { return }
        out += "\n" + String(repeating: "  ", count: indent)
    }

    /// Shortest round-trip decimal for finite values (Swift's description), explicit strings
    /// for the rest. Integral doubles keep a ".0" so a reader can tell the type.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "\"NaN\"" }
        if value == .infinity { return "\"Infinity\"" }
        if value == -.infinity { return "\"-Infinity\"" }
        return "\(value)"
    }

    static func quote(_ text: String) -> String { TextEscaping.jsonLiteral(text) }
}

extension JSONValue {
    static func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
    static func uints(_ values: [UInt64]) -> JSONValue { .array(values.map(JSONValue.uint)) }
    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
}
