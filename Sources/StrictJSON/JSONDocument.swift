/// A JSON value as written, for the small JSON files around a checkpoint (`*.index.json`,
/// `config.json`, a policy, tokenizer files).
///
/// Why not Foundation: its parser accepts trailing commas and keeps the last of duplicate keys
/// without a word, while a duplicate key in a `weight_map` is a pitfall the audit must report.
/// Objects therefore keep every member, in order, with the byte offset of its key.
/// Named `JSONNode` so it does not clash with the CLI's output `JSONValue`.
public indirect enum JSONNode: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as written (JSON numbers have no fixed precision), validated against the grammar.
    case number(JSONNumber)
    case string(String)
    case array([JSONNode])
    /// Members in document order, duplicates included.
    case object([JSONMember])

    /// The value of the first member called `key` (the same code points), when this is an object.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members.first { ExactText.same($0.key, key) }?.value
    }

    /// A short name of the value's type, for messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON number token.
public struct JSONNumber: Sendable, Equatable {
    /// The token exactly as written, e.g. `-1.5e3`.
    public var text: String { writtenText ?? String(unsignedValue ?? 0) }
    /// The value when the token is a plain non-negative integer that fits in 64 bits.
    public let unsignedValue: UInt64?
    /// The text, kept only when it is not the decimal form of `unsignedValue`. Why: JSON writes
    /// a non-negative integer with no sign, fraction, exponent or leading zero, so its text is
    /// its value's decimal form, and making a `String` of each of a vocabulary's 250,000 ids
    /// was a sixth of parsing its tokenizer.json.
    private let writtenText: String?

    public init(text: String, unsignedValue: UInt64?) {
        self.unsignedValue = unsignedValue
        writtenText = unsignedValue.map { String($0) == text } == true ? nil : text
    }

    /// A plain non-negative integer token, `value` as written.
    init(integer value: UInt64) {
        unsignedValue = value
        writtenText = nil
    }
}

/// One `"key": value` pair of an object.
public struct JSONMember: Sendable, Equatable {
    public let key: String
    /// Byte offset of the key's opening quote in the document.
    public let keyOffset: Int
    public let value: JSONNode
}

public enum JSONDocument {
    /// `parse(_:limits:emptying:)` keeping every value.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONError) -> JSONNode {
        try parse(bytes, limits: limits, emptying: [])
    }

    /// Parses strict RFC 8259 JSON (the same scanner as safetensors headers: no trailing
    /// commas, comments, NaN, BOM or lone surrogates; UTF-8 checked first), with the nesting
    /// and string limits of `limits`. Errors carry byte offsets in `bytes`.
    ///
    /// `emptying`: key paths from the root (`["model", "merges"]`) whose values are checked as
    /// strictly as the rest, with the same errors, but kept empty: a string as `""`, an array
    /// as `[]`, an object as `{}` (other values as they are). For a reader that only asks
    /// whether such a value is there: the 250,000 merges of a BPE tokenizer.json doubled the
    /// time and memory of reading it.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default,
                             emptying: [[String]]) throws(JSONError) -> JSONNode {
        // Array.withUnsafeBytes is untyped-rethrowing; carry the typed error out in a Result.
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> JSONNode in try parse(raw, limits: limits, emptying: emptying) }
        }
        return try result.get()
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, limits: JSONLimits,
                              emptying: [[String]]) throws(JSONError) -> JSONNode {
        if let bad = firstInvalidUTF8Index(raw) { throw .invalidUTF8(offset: bad) }
        var scanner = JSONScanner<JSONError>(bytes: raw, baseOffset: 0, limits: limits)
        scanner.skipWhitespace()
        if scanner.isAtEnd { throw scanner.syntaxError("empty document") }
        let root = try parseValue(&scanner, depth: 0, emptying: emptying)
        scanner.skipWhitespace()
        if let extra = scanner.peek() {
            throw scanner.syntaxError("\(scanner.describe(extra)) after the JSON value, where only whitespace may follow")
        }
        return root
    }

    /// `emptying`: the key paths below this value still to be emptied; one that is empty
    /// itself means this value.
    private static func parseValue(_ scanner: inout JSONScanner<JSONError>, depth: Int,
                                   emptying: [[String]] = []) throws(JSONError) -> JSONNode {
        guard depth <= scanner.limits.maxDepth else {
            throw .limitExceeded(what: "JSON nesting depth", limit: scanner.limits.maxDepth, offset: scanner.fileOffset)
        }
        guard let b = scanner.peek() else { throw scanner.syntaxError("expected a value, found end of document") }
        if !emptying.isEmpty, emptying.contains(where: \.isEmpty) {
            return try emptiedValue(&scanner, depth: depth)
        }
        switch b {
        case UInt8(ascii: "\""):
            return .string(try scanner.parseString())
        case UInt8(ascii: "{"):
            var members: [JSONMember] = []
            try scanner.forEachMember(in: "object") { (scanner: inout JSONScanner<JSONError>) throws(JSONError) in
                let (key, offset) = try scanner.memberKey()
                let below = emptying.isEmpty ? [] : emptying.compactMap { $0.first.map { ExactText.same($0, key) } == true ? Array($0.dropFirst()) : nil }
                members.append(JSONMember(key: key, keyOffset: offset, value: try parseValue(&scanner, depth: depth + 1, emptying: below)))
            }
            return .object(members)
        case UInt8(ascii: "["):
            var items: [JSONNode] = []
            try scanner.forEachElement(in: "array") { (scanner: inout JSONScanner<JSONError>) throws(JSONError) in
                items.append(try parseValue(&scanner, depth: depth + 1))
            }
            return .array(items)
        case UInt8(ascii: "t"): try scanner.literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try scanner.literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try scanner.literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let token = try scanner.scanNumber()
            if let value = token.unsignedValue { return .number(JSONNumber(integer: value)) }
            return .number(JSONNumber(text: scanner.text(of: token.range), unsignedValue: nil))
        default:
            throw scanner.syntaxError("expected a value, found \(scanner.describe(b))")
        }
    }

    /// The value at an emptied key path: read with `parseValue`'s grammar, limits and messages,
    /// kept as an empty value of its kind (see `parse(_:limits:emptying:)`).
    private static func emptiedValue(_ scanner: inout JSONScanner<JSONError>, depth: Int) throws(JSONError) -> JSONNode {
        switch scanner.peek() {
        case UInt8(ascii: "\""):
            try scanner.skipString()
            return .string("")
        case UInt8(ascii: "{"):
            try skipValue(&scanner, depth: depth)
            return .object([])
        case UInt8(ascii: "["):
            try skipValue(&scanner, depth: depth)
            return .array([])
        default:
            return try parseValue(&scanner, depth: depth)
        }
    }

    /// `parseValue` without the value: the same checks in the same order, nothing kept.
    private static func skipValue(_ scanner: inout JSONScanner<JSONError>, depth: Int) throws(JSONError) {
        guard depth <= scanner.limits.maxDepth else {
            throw .limitExceeded(what: "JSON nesting depth", limit: scanner.limits.maxDepth, offset: scanner.fileOffset)
        }
        guard let b = scanner.peek() else { throw scanner.syntaxError("expected a value, found end of document") }
        switch b {
        case UInt8(ascii: "\""):
            try scanner.skipString()
        case UInt8(ascii: "{"):
            try scanner.forEachMember(in: "object") { (scanner: inout JSONScanner<JSONError>) throws(JSONError) in
                try scanner.skipString()
                try scanner.expectColon()
                try skipValue(&scanner, depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try scanner.forEachElement(in: "array") { (scanner: inout JSONScanner<JSONError>) throws(JSONError) in
                try skipValue(&scanner, depth: depth + 1)
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanner.scanNumber()
        default:
            _ = try parseValue(&scanner, depth: depth)
        }
    }
}
