import PyTorchFormat
import CheckpointIO
import StrictJSON

/// The named values of a torch checkpoint's pickle that are not tensors (`TorchValue`), as
/// `inspect` shows them: JSON `torch_values` on the file's entry, and a text section.
enum TorchValuesRendering {
    /// Values the text lists per file; JSON lists every kept one (`TorchValue.maxListed`).
    static let textLimit = 20

    /// `{"count", "listed": [{"name", "type", "value", …}]}`: `value` typed as JSON (an int
    /// exactly, a float with NaN/Inf as strings, a bool, null for None, text), null for bytes
    /// and integers wider than 64 bits, whose size is `nbytes`; `truncated` on cut text.
    static func json(_ facts: TorchFileFacts) -> JSONValue {
        .object([
            "count": .int(Int64(facts.valueCount)),
            "listed": .array(facts.values.map { item in
                var object: [ExactText: JSONValue] = ["name": .string(item.name), "type": .string(item.typeName)]
                switch item.value {
                case .none: object["value"] = .null
                case .bool(let flag): object["value"] = .bool(flag)
                case .int(let number): object["value"] = .int(number)
                case .float(let number): object["value"] = .double(number)
                case .text(let text, let truncated):
                    object["value"] = .string(text)
                    if truncated { object["truncated"] = .bool(true) }
                case .bigInt(let count): object["value"] = .null; object["nbytes"] = .int(Int64(count))
                case .bytes(let count): object["value"] = .null; object["nbytes"] = .int(Int64(count))
                }
                return .object(object)
            }),
        ])
    }

    /// One line a value (numbers, True/False/None as Python prints them; text quoted with
    /// controls, quotes and backslashes escaped as tokens are), at most
    /// `textLimit` of them, and a line saying how many more.
    static func text(_ facts: TorchFileFacts) -> [String] {
        guard facts.valueCount > 0 else { return [] }
        var lines = ["values in the pickle that are not tensors: \(TextFormatting.grouped(UInt64(facts.valueCount)))"]
        for item in facts.values.prefix(textLimit) {
            lines.append("  \(TextFormatting.safeName(item.name)) = \(shown(item.value)) (\(item.typeName))")
        }
        if facts.valueCount > textLimit {
            lines.append("  … (\(textLimit) of \(TextFormatting.grouped(UInt64(facts.valueCount))) listed; --json lists "
                + "\(TextFormatting.grouped(UInt64(min(facts.valueCount, TorchValue.maxListed)))))")
        }
        return lines
    }

    static func shown(_ value: TorchValue.Value) -> String {
        switch value {
        case .none: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .int(let number): String(number)
        case .bigInt(let count): "<an integer of \(count) bytes>"
        case .float(let number): number.isNaN ? "nan" : number.isInfinite ? (number < 0 ? "-inf" : "inf") : "\(number)"
        // Quoted as tokens are (a quote or backslash inside escaped, controls as \u{…}): a value
        // holding ' could fake the end of its quote (adversarial review, 2026-12-05).
        case .text(let text, let truncated):
            TextEscaping.displayQuoted(text) + (truncated ? " … (cut at \(TorchValue.maxTextCharacters) code points)" : "")
        case .bytes(let count): "<\(count) bytes>"
        }
    }
}
