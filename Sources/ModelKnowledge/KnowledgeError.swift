/// What can be wrong with a tokenizer or config file. Every case names the file, so a message
/// points the user at the thing to fix.
public enum KnowledgeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is larger than the reader accepts (see `KnowledgeLimits`).
    case fileTooLarge(file: String, bytes: Int, limit: Int)
    /// The file is not strict JSON.
    case invalidJSON(file: String, reason: String)
    /// A text file (vocab.txt) that is not UTF-8 or has a bad line.
    case invalidText(file: String, line: Int, reason: String)
    /// A field is missing, has the wrong type or an impossible value; `field` is a JSON path.
    case invalidField(file: String, field: String, reason: String)
    /// A count or id beyond `KnowledgeLimits`.
    case limitExceeded(file: String, what: String, limit: Int)
    /// Two entries contradict each other (the same token with two ids, two tokens on one id).
    case conflict(file: String, reason: String)
    /// The file is readable, but transformers' AutoTokenizer fails to load the tokenizer it
    /// belongs to (`reason` says why and what it raises): no pad token or token name should
    /// come from what transformers never builds.
    case notLoadable(file: String, reason: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case .fileTooLarge(let file, _, _), .invalidJSON(let file, _), .invalidText(let file, _, _),
             .invalidField(let file, _, _), .limitExceeded(let file, _, _), .conflict(let file, _), .notLoadable(let file, _):
            file
        }
    }

    /// A stable identifier of the error class, for scripts and tests.
    public var kind: String {
        switch self {
        case .fileTooLarge: "file-too-large"
        case .invalidJSON: "invalid-json"
        case .invalidText: "invalid-text"
        case .invalidField: "invalid-field"
        case .limitExceeded: "limit-exceeded"
        case .conflict: "conflict"
        case .notLoadable: "not-loadable"
        }
    }

    public var description: String {
        switch self {
        case .fileTooLarge(let file, let bytes, let limit):
            "\(file): \(bytes) bytes is more than the \(limit)-byte limit for this file"
        case .invalidJSON(let file, let reason):
            "\(file): not valid JSON: \(reason)"
        case .invalidText(let file, let line, let reason):
            "\(file): line \(line): \(reason)"
        case .invalidField(let file, let field, let reason):
            "\(file): \(field): \(reason)"
        case .limitExceeded(let file, let what, let limit):
            "\(file): \(what) exceeds the limit of \(limit)"
        case .conflict(let file, let reason):
            "\(file): \(reason)"
        case .notLoadable(let file, let reason):
            "\(file): \(reason)"
        }
    }
}
