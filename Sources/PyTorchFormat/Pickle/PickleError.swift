/// Everything the symbolic unpickler refuses. Offsets are relative to the start of the pickle.
public enum PickleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A byte that is not a pickle opcode.
    case unknownOpcode(byte: UInt8, offset: Int)
    /// A real opcode this reader does not interpret (protocol 0/1 text forms, out-of-band buffers, extension registry).
    case unsupportedOpcode(name: String, offset: Int)
    /// The stream ends inside an opcode's argument, or before `STOP`.
    case truncated(offset: Int)
    /// A structural error: stack underflow, missing `MARK`, unknown memo key, wrong operand type.
    case malformed(offset: Int, reason: String)
    /// A documented bound was exceeded.
    case limitExceeded(what: String, limit: Int, offset: Int)

    public var kind: String {
        switch self {
        case .unknownOpcode: "pickle-unknown-opcode"
        case .unsupportedOpcode: "pickle-unsupported-opcode"
        case .truncated: "pickle-truncated"
        case .malformed: "pickle-malformed"
        case .limitExceeded: "limit-exceeded"
        }
    }

    public var description: String {
        switch self {
        case .unknownOpcode(let byte, let offset):
            "pickle byte \(offset): unknown opcode 0x\(String(byte, radix: 16))"
        case .unsupportedOpcode(let name, let offset):
            "pickle byte \(offset): opcode \(name) is not supported by the symbolic reader"
        case .truncated(let offset):
            "pickle ends at byte \(offset) inside an opcode or before STOP"
        case .malformed(let offset, let reason):
            "pickle byte \(offset): \(reason)"
        case .limitExceeded(let what, let limit, let offset):
            "pickle byte \(offset): \(what) exceeds the limit of \(limit)"
        }
    }
}
