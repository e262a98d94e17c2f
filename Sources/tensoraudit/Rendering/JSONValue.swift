import StrictJSON
import SafetensorsFormat

/// A JSON document with the guarantees our reports promise: keys sorted, numbers printed the
/// same way on every run, and non-finite numbers written as the strings "NaN", "Infinity"
/// and "-Infinity" (JSON has no NaN).
///
/// Object keys are `ExactText`, compared and sorted by code points. Why: a report object can be
/// keyed by what a file spells (`inspect`'s `metadata`, `ties`' `aliases`), and the formats keep
/// `café` with a precomposed é and with e + U+0301 as two keys (safetensors' `metadata()`,
/// gguf-py). Keyed by `String`, one of the two was dropped from the report; and `String <` puts
/// a key that is not in NFC elsewhere than Python's `json.dumps(sort_keys=True)` does.
enum JSONValue {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([ExactText: JSONValue])

    /// Serializes with 2-space indentation and keys in code point order (`JSONWriter`).
    func rendered(pretty: Bool = true) -> String {
        var writer = JSONWriter()
        writer.value(self, indent: pretty ? 0 : nil)
        return writer.text
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
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
