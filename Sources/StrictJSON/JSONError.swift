/// What the strict reader rejects. Offsets are byte positions in the document (or, for a
/// safetensors header, in the file), so a person can find the problem with a hex dump.
public enum JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not valid UTF-8 at `offset`.
    case invalidUTF8(offset: Int)
    /// Not the JSON of RFC 8259 (trailing comma, comment, NaN, lone surrogate, ...).
    case invalidJSON(offset: Int, reason: String)
    /// A string or a nesting deeper than `JSONLimits` allows.
    case limitExceeded(what: String, limit: Int, offset: Int)

    public var description: String {
        switch self {
        case .invalidUTF8(let offset): "not valid UTF-8 at byte \(offset)"
        case .invalidJSON(let offset, let reason): "invalid JSON at byte \(offset): \(reason)"
        case .limitExceeded(let what, let limit, let offset): "\(what) exceeds the limit of \(limit) at byte \(offset)"
        }
    }
}

/// An error type the scanner can report its failures as. The requirements are enum cases in
/// `JSONError` and in a format's own error (safetensors' `FormatError` has the same three), so
/// a conformance is one empty extension.
public protocol JSONFailure: Error {
    static func invalidUTF8(offset: Int) -> Self
    static func invalidJSON(offset: Int, reason: String) -> Self
    static func limitExceeded(what: String, limit: Int, offset: Int) -> Self
}

extension JSONError: JSONFailure {}
