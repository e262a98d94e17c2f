// The strict JSON reader (no trailing commas, no NaN, UTF-8 checked, bounded nesting) is the
// house's one JSON reader; this is the only file of ModelKnowledge that imports it.
import StrictJSON

/// A parsed JSON value with every object member kept in order (duplicates included).
typealias JSON = JSONNode

/// Parsing entry point shared by every reader in this module.
enum StrictJSONInput {
    /// Parses `bytes` (already read by the caller) as the JSON file `file`, refusing files over
    /// `limit` bytes before parsing so that memory stays bounded by the limit.
    /// `emptying`: key paths whose values are checked but kept empty (`JSONDocument.parse`).
    static func parse(_ bytes: [UInt8], file: String, limit: Int, emptying: [[String]] = []) throws(KnowledgeError) -> JSON {
        guard bytes.count <= limit else { throw .fileTooLarge(file: file, bytes: bytes.count, limit: limit) }
        do {
            return try JSONDocument.parse(bytes, emptying: emptying)
        } catch {
            let reason: String = switch error {
            case .invalidJSON(let offset, let text): "byte \(offset): \(text)"
            case .invalidUTF8(let offset): "not valid UTF-8 at byte \(offset)"
            case .limitExceeded(let what, let limit, let offset): "\(what) exceeds the limit of \(limit) at byte \(offset)"
            }
            throw .invalidJSON(file: file, reason: reason)
        }
    }
}

extension JSONNode {
    /// The members of an object; nil for any other value.
    var objectMembers: [(key: String, value: JSONNode)]? {
        guard case .object(let members) = self else { return nil }
        return members.map { ($0.key, $0.value) }
    }

    var arrayElements: [JSONNode]? {
        guard case .array(let items) = self else { return nil }
        return items
    }

    var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    var boolValue: Bool? {
        guard case .bool(let flag) = self else { return nil }
        return flag
    }

    /// The value of a JSON integer token (`7`, `-1`; not `7.0` or `7e0`) that fits in `Int`.
    var integerValue: Int? {
        guard case .number(let number) = self else { return nil }
        if let unsigned = number.unsignedValue { return unsigned <= UInt64(Int.max) ? Int(unsigned) : nil }
        let text = number.text
        guard text.first == "-", text.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// The number token as written, for messages.
    var numberText: String? {
        guard case .number(let number) = self else { return nil }
        return number.text
    }

    /// Keys that occur more than once in this object (the same code points), in first-seen order.
    var duplicateKeys: [String] {
        guard case .object(let members) = self else { return [] }
        var seen = Set<ExactText>(), repeated: [ExactText] = []
        for member in members where !seen.insert(ExactText(member.key)).inserted && !repeated.contains(ExactText(member.key)) {
            repeated.append(ExactText(member.key))
        }
        return repeated.map(\.text)
    }

    /// A short rendering of a scalar for messages (`"abc"`, `1.5`, `null`), or its type name.
    var shortDescription: String {
        switch self {
        case .string(let text): "\"" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "\""
        case .number(let number): number.text
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        default: typeName
        }
    }
}
