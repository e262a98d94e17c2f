import StrictJSON

/// Something wrong with a GGUF file that does not stop it being read: the reader keeps going
/// and lists these in `GGUFFile.problems`, in file order, for the audit to turn into findings.
public enum GGUFProblem: Sendable, Equatable, CustomStringConvertible {
    /// A tensor name of 64 bytes or more: llama.cpp's loader refuses it (`GGML_MAX_NAME`), and
    /// over 64 the GGUF spec does too. Kept, not refused: the bytes are well-formed and
    /// bounded, and the audit should name the tensor.
    case tensorNameTooLong(name: String, byteCount: Int)
    /// A bool stored as a byte other than 0 or 1 (read as true, like numpy's `bool_` view).
    case nonCanonicalBool(key: String, offset: Int, byte: UInt8)
    /// A metadata string that is not valid UTF-8, kept with U+FFFD replacements.
    case invalidUTF8Value(key: String, offset: Int)
    /// A tensor whose data does not start where llama.cpp expects it: right after the previous
    /// tensor's bytes padded to the alignment, in tensor-info order (`gguf.cpp`: "tensor '…' has
    /// offset …, expected …"). gguf-py reads such a file (a gap, tensors out of order), so it
    /// is read here too; llama.cpp refuses it. Only the first is noted: every later expected
    /// offset follows from it.
    case unexpectedOffset(tensor: String, offset: UInt64, expected: UInt64)

    public var description: String {
        switch self {
        case let .tensorNameTooLong(name, count):
            return count > 64
                ? "tensor name \(quoted(name)) is \(count) bytes; GGUF allows 64 and llama.cpp refuses 64 or more"
                : "tensor name \(quoted(name)) is \(count) bytes; GGUF allows it, but llama.cpp refuses 64 or more (GGML_MAX_NAME)"
        case let .nonCanonicalBool(key, offset, byte):
            return "metadata \(quoted(key)): bool byte \(byte) at byte \(offset) is neither 0 nor 1"
        case let .invalidUTF8Value(key, offset):
            return "metadata \(quoted(key)): string at byte \(offset) is not valid UTF-8"
        case let .unexpectedOffset(tensor, offset, expected):
            return "tensor \(quoted(tensor)) starts at data offset \(offset), where llama.cpp expects \(expected) (the previous tensors' bytes, "
                + "each padded to the alignment, in header order): gguf-py reads the file, llama.cpp refuses it"
        }
    }
}
