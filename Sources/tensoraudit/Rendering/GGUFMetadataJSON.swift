import GGUFFormat
import StrictJSON

/// A GGUF file's metadata with its types, for `inspect --json`'s `files[].gguf_metadata`.
///
/// Why beside `metadata`: `metadata` is one object of strings for every format (safetensors'
/// `__metadata__` holds nothing else), so a GGUF value reached a script as text (`"4096"` for
/// `llama.context_length`, `"[151936 × string]"` for the vocabulary), its type lost. Here each
/// key has `type` (GGUF's name for it: `uint32`, `float32`, `string`, …) and `value` as a JSON
/// value of that type; an array has `element_type` and `count`, and `values` when it holds at
/// most `listedElements` scalars (a vocabulary of 150,000 tokens is not a report's business).
enum GGUFMetadataJSON {
    /// Arrays up to this many elements list their values.
    static let listedElements = 64

    static func json(_ metadata: GGUFMetadata) -> JSONValue {
        var object: [ExactText: JSONValue] = [:]
        for (key, value) in metadata.entries { object[ExactText(key)] = json(value) }
        return .object(object)
    }

    static func json(_ value: GGUFValue) -> JSONValue {
        guard case .array(let array) = value else {
            return .object(["type": .string(value.type.description), "value": scalar(value)])
        }
        var object: [ExactText: JSONValue] = [
            "type": .string("array"), "element_type": .string(array.elementType.description), "count": .int(Int64(array.count)),
        ]
        if array.count <= listedElements, let values = values(array) { object["values"] = .array(values) }
        return .object(object)
    }

    static func scalar(_ value: GGUFValue) -> JSONValue {
        switch value {
        case let .uint8(v): .uint(UInt64(v))
        case let .int8(v): .int(Int64(v))
        case let .uint16(v): .uint(UInt64(v))
        case let .int16(v): .int(Int64(v))
        case let .uint32(v): .uint(UInt64(v))
        case let .int32(v): .int(Int64(v))
        case let .uint64(v): .uint(v)
        case let .int64(v): .int(v)
        case let .float32(v): .double(Double(v))
        case let .float64(v): .double(v)
        case let .bool(v): .bool(v)
        case let .string(v): .string(v)
        case .array: .null
        }
    }

    /// The elements of a scalar array; nil for an array of arrays (its type and count say it).
    static func values(_ array: GGUFArray) -> [JSONValue]? {
        switch array {
        case let .uint8(a): a.map { .uint(UInt64($0)) }
        case let .int8(a): a.map { .int(Int64($0)) }
        case let .uint16(a): a.map { .uint(UInt64($0)) }
        case let .int16(a): a.map { .int(Int64($0)) }
        case let .uint32(a): a.map { .uint(UInt64($0)) }
        case let .int32(a): a.map { .int(Int64($0)) }
        case let .uint64(a): a.map { .uint($0) }
        case let .int64(a): a.map { .int($0) }
        case let .float32(a): a.map { .double(Double($0)) }
        case let .float64(a): a.map { .double($0) }
        case let .bool(a): a.map { .bool($0) }
        case let .string(a): a.map { .string($0) }
        case .array: nil
        }
    }
}
