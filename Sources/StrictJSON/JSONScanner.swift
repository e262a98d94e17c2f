/// A strict, allocation-light JSON tokenizer over bytes (safetensors headers, shard indexes,
/// policies, config and tokenizer files).
///
/// Why not Foundation: `JSONSerialization` accepts trailing commas, silently keeps the last of
/// duplicate keys, loses key order and reports no byte position, and it was 4x slower on a
/// 50,000-tensor header. This scanner accepts exactly RFC 8259 JSON (what serde_json, and so
/// the reference, accepts) and reports every error with its byte offset in the file.
///
/// Generic over the error it throws, so that a format's parser, which throws its own errors
/// too (a bad dtype, an overlapping offset), keeps one typed error for both; `Failure` only
/// builds errors and costs nothing on the path that succeeds.
///
/// Public and `@inlinable` because format parsers in other modules call it per byte and per
/// field: they must get it inlined and specialized for their error type. Measured with
/// `tensoraudit-bench` (50,000-tensor header): as `@inlinable package` the compiler (6.3.1)
/// called the unspecialized generic code (~30 ms vs ~25 ms before the move); as public it
/// specializes and inlines, back to ~21–26 ms.
@frozen
public struct JSONScanner<Failure: JSONFailure> {
    public let bytes: UnsafeRawBufferPointer
    /// Offset of `bytes[0]` in the file, so that errors name file positions.
    public let baseOffset: Int
    public let limits: JSONLimits
    public var index = 0

    @inlinable
    public init(bytes: UnsafeRawBufferPointer, baseOffset: Int, limits: JSONLimits) {
        self.bytes = bytes
        self.baseOffset = baseOffset
        self.limits = limits
    }

    @inlinable
    public var fileOffset: Int { baseOffset + index }
    @inlinable
    public var isAtEnd: Bool { index >= bytes.count }

    @inlinable
    public func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    @inlinable
    public func syntaxError(_ reason: String, at position: Int? = nil) -> Failure {
        .invalidJSON(offset: baseOffset + (position ?? index), reason: reason)
    }

    @inlinable
    public mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` or throws an error that says what was expected and what was found.
    /// `what` is an autoclosure: messages are built only when there is an error, which keeps
    /// string interpolation out of the per-entry path (it was a third of the parse time).
    @inlinable
    public mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(Failure) {
        guard let found = peek() else { throw syntaxError("expected \(what()), found end of header") }
        guard found == byte else { throw syntaxError("expected \(what()), found \(describe(found))") }
        index += 1
    }

    @inlinable
    public func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0x00: "a NUL byte"
        case 0x20...0x7E: "'\(Character(Unicode.Scalar(byte)))'"
        default: "byte 0x" + String(byte, radix: 16, uppercase: true)
        }
    }

    /// If the next token is the string literal `word` with no escapes, consumes it and returns
    /// true. Lets the parser recognise field names without building a `String` per entry.
    @inlinable
    public mutating func consumeKeyword(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\""),
              bytes[index + count + 1] == UInt8(ascii: "\"") else { return false }
        let expected = word.utf8Start
        for i in 0..<count where bytes[index + 1 + i] != expected[i] { return false }
        index += count + 2
        return true
    }

    /// Parses a JSON string starting at the opening quote.
    @inlinable
    public mutating func parseString() throws(Failure) -> String {
        try scanString(keeping: true) ?? ""
    }

    /// Checks a string exactly as `parseString` does (the same errors, at the same offsets,
    /// the decoded length against the same limit) without making it: for values a reader only
    /// needs to know are there and well-formed.
    @inlinable
    public mutating func skipString() throws(Failure) {
        _ = try scanString(keeping: false)
    }

    /// The string at the opening quote, made when `keeping` (else nil): one scan for both
    /// uses, so that a skipped string is refused exactly where a parsed one would be.
    @inlinable
    mutating func scanString(keeping: Bool) throws(Failure) -> String? {
        try expect(UInt8(ascii: "\""), "'\"' to start a string")
        let start = index
        // Any byte ≥ 0x80 seen: only such strings can hold combining marks (ASCII fast path).
        var high: UInt8 = 0
        // Fast path: no escapes, the common case for tensor names.
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                try checkLength(index - start, at: start)
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                if keeping && high >= 0x80 { try checkStreamSafe(raw, at: start) }
                let text = keeping ? String(decoding: raw, as: UTF8.self) : nil
                index += 1
                return text
            }
            high |= b
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw syntaxError("unescaped control character \(describe(b)) in string") }
            index += 1
        }
        guard index < bytes.count else { throw syntaxError("unterminated string", at: start - 1) }
        // Slow path: the decoded text is built as UTF-8 bytes, escapes encoded in place, and
        // its length counted as it grows. Why not a `String.UnicodeScalarView` with a length
        // check after each escape: its `count` walks the whole view, so a name of N `\u00e9`
        // escapes took O(N²) (80,000 escapes: 11 s).
        var utf8 = keeping ? Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index])) : []
        var length = index - start
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                try checkLength(length, at: start)
                guard keeping else { return nil }
                if utf8.withUnsafeBytes({ StreamSafeText.firstOverlongRun($0, limit: limits.maxNonStarterRun) }) != nil {
                    throw notStreamSafe(at: start)
                }
                return String(decoding: utf8, as: UTF8.self)
            }
            if b < 0x20 { throw syntaxError("unescaped control character \(describe(b)) in string") }
            if b != UInt8(ascii: "\\") {
                if keeping { utf8.append(b) }
                length += 1
                index += 1
                continue
            }
            let scalar = try parseEscape()
            if keeping { utf8.append(contentsOf: scalar.utf8) }
            length += scalar.utf8.count
            try checkLength(length, at: start)
        }
        throw syntaxError("unterminated string", at: start - 1)
    }

    @inlinable
    public func checkLength(_ length: Int, at start: Int) throws(Failure) {
        if length > limits.maxStringBytes {
            throw .limitExceeded(what: "string length", limit: limits.maxStringBytes, offset: baseOffset + start)
        }
    }

    /// A kept string must be stream-safe (`JSONLimits.maxNonStarterRun`): `String` comparison
    /// is quadratic in a run of combining marks. Skipped strings never become `String`s.
    @inlinable
    public func checkStreamSafe(_ utf8: UnsafeRawBufferPointer, at start: Int) throws(Failure) {
        if StreamSafeText.firstOverlongRun(utf8, limit: limits.maxNonStarterRun) != nil { throw notStreamSafe(at: start) }
    }

    @inlinable
    func notStreamSafe(at start: Int) -> Failure {
        .limitExceeded(what: StreamSafeText.limitName, limit: limits.maxNonStarterRun, offset: baseOffset + start)
    }

    @inlinable
    public mutating func parseEscape() throws(Failure) -> Unicode.Scalar {
        let escapeStart = index
        index += 1  // the backslash
        guard let c = peek() else { throw syntaxError("unterminated escape") }
        index += 1
        switch c {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try parseHex4()
            if (0xDC00...0xDFFF).contains(unit) {
                throw syntaxError("lone low surrogate \\u\(String(unit, radix: 16, uppercase: true))", at: escapeStart)
            }
            if (0xD800...0xDBFF).contains(unit) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw syntaxError("lone high surrogate \\u\(String(unit, radix: 16, uppercase: true))", at: escapeStart)
                }
                index += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw syntaxError("high surrogate not followed by a low surrogate", at: escapeStart)
                }
                let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw syntaxError("invalid code point", at: escapeStart) }
                return scalar
            }
            guard let scalar = Unicode.Scalar(UInt32(unit)) else { throw syntaxError("invalid code point", at: escapeStart) }
            return scalar
        default:
            throw syntaxError("invalid escape \\\(describe(c))", at: escapeStart)
        }
    }

    @inlinable
    public mutating func parseHex4() throws(Failure) -> UInt16 {
        guard index + 4 <= bytes.count else { throw syntaxError("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw syntaxError("invalid hex digit \(describe(b)) in \\u escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// A JSON number as written, validated against the JSON grammar.
    @frozen
    public struct NumberToken {
        /// Byte range of the token in the header, for error messages.
        public let range: Range<Int>
        /// The value when the token is a plain non-negative integer that fits in 64 bits.
        public let unsignedValue: UInt64?

        @inlinable
        public init(range: Range<Int>, unsignedValue: UInt64?) {
            self.range = range
            self.unsignedValue = unsignedValue
        }
    }

    /// The source text of a scanned token (only built for error messages).
    @inlinable
    public func text(of range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Scans one JSON number (RFC 8259 grammar: no leading zeros, no '+', no bare '.').
    @inlinable
    public mutating func scanNumber() throws(Failure) -> NumberToken {
        let start = index
        // Fast path for what headers hold: a plain non-negative integer, value computed while
        // the digits are scanned.
        var value: UInt64 = 0
        var fits = true
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(digit))
            fits = fits && !o1 && !o2
            value = a
            index += 1
        }
        let digits = index - start
        let next = index < bytes.count ? bytes[index] : 0
        if digits > 0, next != UInt8(ascii: "."), next != UInt8(ascii: "e"), next != UInt8(ascii: "E") {
            guard digits == 1 || bytes[start] != UInt8(ascii: "0") else {
                throw syntaxError("number with a leading zero", at: start)
            }
            if !fits { try checkRange(start..<index) }
            return NumberToken(range: start..<index, unsignedValue: fits ? value : nil)
        }
        index = start
        return try scanGeneralNumber()
    }

    /// The full number grammar (sign, fraction, exponent); such numbers are never a valid
    /// shape or offset, so no value is computed.
    @inlinable
    public mutating func scanGeneralNumber() throws(Failure) -> NumberToken {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw syntaxError("invalid number", at: start) }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) { throw syntaxError("number with a leading zero", at: start) }
        } else {
            while let d = peek(), isDigit(d) { index += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let d = peek(), isDigit(d) else { throw syntaxError("digit expected after '.'", at: start) }
            while let d = peek(), isDigit(d) { index += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            index += 1
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { index += 1 }
            guard let d = peek(), isDigit(d) else { throw syntaxError("digit expected in exponent", at: start) }
            while let d = peek(), isDigit(d) { index += 1 }
        }
        try checkRange(start..<index)
        return NumberToken(range: start..<index, unsignedValue: nil)
    }

    /// Rejects a number whose magnitude rounds past the largest double (`1e400`,
    /// `1.7976931348623159e308`, a 400-digit integer), as serde_json and so safetensors 0.8
    /// do ("number out of range"); underflow (`1e-400`) rounds to zero and is accepted, as
    /// there. Only numbers that are not small integers get here, so the conversion is rare.
    @inlinable
    public func checkRange(_ range: Range<Int>) throws(Failure) {
        guard let value = Double(text(of: range)), value.isFinite else {
            throw syntaxError("number out of range (beyond the largest double)", at: range.lowerBound)
        }
    }

    @inlinable
    public func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// Validates and skips any JSON value (used for fields the format ignores), with a depth
    /// limit so that `[[[[...` cannot exhaust the stack.
    @inlinable
    public mutating func skipValue(depth: Int = 0) throws(Failure) {
        guard depth <= limits.maxDepth else {
            throw .limitExceeded(what: "JSON nesting depth", limit: limits.maxDepth, offset: fileOffset)
        }
        guard let b = peek() else { throw syntaxError("expected a value, found end of header") }
        switch b {
        case UInt8(ascii: "\""):
            _ = try parseString()
        case UInt8(ascii: "{"):
            try forEachMember(in: "object") { (scanner: inout JSONScanner) throws(Failure) in
                _ = try scanner.memberKey()
                try scanner.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try forEachElement(in: "array") { (scanner: inout JSONScanner) throws(Failure) in
                try scanner.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanNumber()
        default:
            throw syntaxError("expected a value, found \(describe(b))")
        }
    }

    /// After a collection element: consumes ',' (returning false) or the closing bracket
    /// (returning true). A ',' directly followed by the closing bracket is a trailing comma,
    /// which JSON forbids.
    @inlinable
    public mutating func endOfCollection(close: UInt8, what: @autoclosure () -> String) throws(Failure) -> Bool {
        guard let b = peek() else { throw syntaxError("expected \(what()), found end of header") }
        if b == close { index += 1; return true }
        guard b == UInt8(ascii: ",") else { throw syntaxError("expected \(what()), found \(describe(b))") }
        index += 1
        skipWhitespace()
        if peek() == close { throw syntaxError("trailing comma") }
        return false
    }

    @inlinable
    public mutating func literal(_ word: StaticString) throws(Failure) {
        let start = index
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw syntaxError("invalid literal", at: start) }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[start + $0] == expected[$0] }
        }
        guard matches else { throw syntaxError("invalid literal", at: start) }
        index += count
    }

    /// True when the next token is `null` (consumed).
    @inlinable
    public mutating func consumeNull() throws(Failure) -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }
}
