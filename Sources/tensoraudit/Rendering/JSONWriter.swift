import StrictJSON

/// Writes JSON text into a byte buffer, in exactly the layout of `JSONValue.rendered` (which
/// uses it): two-space indentation, `"key": value`, scalar arrays on one line.
///
/// Why bytes: `inspect --json` of a 50,000-tensor header spent ~0.13 s building strings
/// (an allocation per key, number, indentation and array) and held a tree of 50,000 objects;
/// appending bytes to one buffer, and streaming the tensor list without a tree
/// (`InspectSummary.jsonText`), makes it several times faster than Python's `json` listing of
/// the same header (docs/PERFORMANCE.md).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Bytes written so far.
    var count: Int { bytes.count }

    /// Empties the buffer and keeps its capacity (`ReportStream.flush`).
    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        // `withUnsafeBytes` rethrows untyped; keep the error typed.
        var result: Result<R, E>?
        bytes.withUnsafeBytes { raw in
            do throws(E) { result = .success(try body(raw)) } catch { result = .failure(error) }
        }
        return try result!.get()
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ text: String) {
        // A native string's UTF-8 is one buffer: copied at once, not byte by byte through
        // the view's iterator (5% of `rows --ndjson` with token names).
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: text.utf8)
        }
    }

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
            raw(text)
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
        // The digits are written in place, last first (a scratch array was a heap allocation
        // per number).
        var digitCount = 1
        var rest = value / 10
        while rest > 0 { digitCount += 1; rest /= 10 }
        let end = bytes.count + digitCount
        bytes.append(contentsOf: repeatElement(0x30, count: digitCount))
        rest = value
        for i in stride(from: end - 1, through: end - digitCount, by: -1) {
            bytes[i] = 0x30 + UInt8(rest % 10)
            rest /= 10
        }
    }

    /// A number as `JSONValue.number` writes it: Swift's shortest round-trip decimal, or the
    /// strings "NaN", "Infinity", "-Infinity".
    mutating func double(_ value: Double) {
        if value.isFinite {
            // Through `TextOutputStream`: the digits come from a stack buffer, where
            // `description` made a heap string for most values (over 15 characters).
            value.write(to: &self)
        } else {
            raw(value.isNaN ? "\"NaN\"" : value > 0 ? "\"Infinity\"" : "\"-Infinity\"")
        }
    }

    mutating func bool(_ flag: Bool) { raw(flag ? "true" : "false") }

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

    /// An object member's start, as `value(.object)` writes it: a comma unless it is the first
    /// member, then `key`. For writers that emit an object's members in sorted order themselves.
    mutating func member(_ name: StaticString, first: Bool = false, indent: Int?) {
        if !first { bytes.append(0x2C) }
        newline(indent)
        bytes.append(0x22)
        raw(name)
        raw(indent == nil ? "\":" : "\": ")
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
        case .bool(let flag): bool(flag)
        case .int(let number): int(number)
        case .uint(let number): uint(number)
        case .double(let number): double(number)
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
            // Code point order (= UTF-8 byte order, Python's `sort_keys`), as `ExactText <` sorts.
            for (i, name) in members.keys.sorted().enumerated() {
                if i > 0 { raw(",") }
                key(name.text, indent: indent.map { $0 + 1 })
                if let member = members[name] { self.value(member, indent: indent.map { $0 + 1 }) }
            }
            newline(indent)
            raw("}")
        }
    }
}

extension JSONWriter: TextOutputStream {
    mutating func write(_ string: String) { raw(string) }

    /// What `Double.write(to:)` calls with its digits (ASCII), skipping the `String` that
    /// `write(_:)` would get.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}
