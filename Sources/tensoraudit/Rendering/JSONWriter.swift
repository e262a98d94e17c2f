import StrictJSON

/// Writes JSON text into a byte buffer, in exactly the layout of `JSONValue.rendered` (which
/// uses it): two-space indentation, `"key": value`, scalar arrays on one line.
///
/// Why bytes: `inspect --json` of a 50,000-tensor header spent ~0.13 s building strings
/// (an allocation per key, number, indentation and array) and held a tree of 50,000 objects;
/// appending bytes to one buffer, and streaming the tensor list without a tree
/// (`InspectSummary.jsonText`), makes it several times faster than Python's `json` listing of
/// the same header (README "Performance").
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Bytes another writer produced.
    mutating func append(_ written: [UInt8]) { bytes.append(contentsOf: written) }

    /// A newline and `indent` levels of two spaces (nothing when `indent` is nil: compact).
    mutating func newline(_ indent: Int?) {
        guard let indent else { return }
        bytes.append(0x0A)
        for _ in 0..<(2 * indent) { bytes.append(0x20) }
    }

    /// A string literal, escaped as `TextEscaping.jsonLiteral` does (`TextEscaping.jsonEscape`).
    mutating func string(_ text: String) {
        bytes.append(0x22)
        // Most names need no escape: one scan of the bytes, one copy. Every scalar that needs
        // one is ASCII below 0x20, `"`, `\`, DEL, or starts with 0xC2 (C1), 0xD8 (U+061C) or
        // 0xE2 (U+200E–U+2069); names with those lead bytes take the scalar loop below.
        let plain = text.utf8.withContiguousStorageIfAvailable { utf8 in
            utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 != 0x7F && $0 != 0xC2 && $0 != 0xD8 && $0 != 0xE2 }
        }
        if plain == true {
            bytes.append(contentsOf: text.utf8)
            bytes.append(0x22)
            return
        }
        for scalar in text.unicodeScalars {
            if let escaped = TextEscaping.jsonEscape(scalar) {
                bytes.append(contentsOf: escaped.utf8)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        bytes.append(0x22)
    }

    mutating func uint(_ value: UInt64) {
        if value < 10 {
            bytes.append(0x30 + UInt8(value))
            return
        }
        var digits: (UInt64, Int) = (value, 0)
        var buffer = [UInt8](repeating: 0, count: 20)
        while digits.0 > 0 {
            buffer[19 - digits.1] = 0x30 + UInt8(digits.0 % 10)
            digits.0 /= 10
            digits.1 += 1
        }
        bytes.append(contentsOf: buffer[(20 - digits.1)...])
    }

    mutating func int(_ value: Int64) {
        if value < 0 { bytes.append(0x2D) }
        uint(value.magnitude)
    }

    /// `"key": ` (pretty) or `"key":` (compact), after the newline and indentation.
    mutating func key(_ name: String, indent: Int?) {
        newline(indent)
        string(name)
        raw(indent == nil ? ":" : ": ")
    }

    /// A scalar array on one line: `[1, 2]` (pretty) or `[1,2]` (compact).
    mutating func uints(_ values: [UInt64], pretty: Bool) {
        bytes.append(0x5B)
        for (i, v) in values.enumerated() {
            if i > 0 { raw(pretty ? ", " : ",") }
            uint(v)
        }
        bytes.append(0x5D)
    }

    /// Any value at nesting `indent` (nil: compact).
    mutating func value(_ value: JSONValue, indent: Int?) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): raw(flag ? "true" : "false")
        case .int(let number): int(number)
        case .uint(let number): uint(number)
        case .double(let number): raw(JSONValue.number(number))
        case .string(let text): string(text)
        case .array(let items):
            if items.isEmpty { raw("[]"); return }
            if items.allSatisfy(\.isScalar) {
                // Short scalar lists (shapes, offsets) stay on one line for people.
                raw("[")
                for (i, item) in items.enumerated() {
                    if i > 0 { raw(indent == nil ? "," : ", ") }
                    self.value(item, indent: nil)
                }
                raw("]")
                return
            }
            raw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { raw(",") }
                newline(indent.map { $0 + 1 })
                self.value(item, indent: indent.map { $0 + 1 })
            }
            newline(indent)
            raw("]")
        case .object(let members):
            if members.isEmpty { raw("{}"); return }
            raw("{")
            for (i, name) in members.keys.sorted().enumerated() {
                if i > 0 { raw(",") }
                key(name, indent: indent.map { $0 + 1 })
                if let member = members[name] { self.value(member, indent: indent.map { $0 + 1 }) }
            }
            newline(indent)
            raw("}")
        }
    }
}
