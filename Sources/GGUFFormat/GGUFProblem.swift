import StrictJSON

/// Something wrong with a GGUF file that does not stop it being read: the reader keeps going
/// and lists these in `GGUFFile.problems`, in file order, for the audit to turn into findings.
public enum GGUFProblem: Sendable, Equatable, CustomStringConvertible {
    /// A tensor name of 64 bytes or more: llama.cpp's loader refuses it (`GGML_MAX_NAME`), and
    /// over 64 the GGUF spec does too. Kept, not refused: the bytes are well-formed and
    /// bounded, and the audit should name the tensor.
    case tensorNameTooLong(name: String, byteCount: Int)
    /// Bools stored as bytes other than 0 or 1 (read as true, like numpy's `bool_` view):
    /// `count` of them in the key's value, the first at `offset` holding `byte`. One problem per
    /// key, not per element: a 2 MB array of 2,000,000 such bytes made as many problems and took
    /// 1.5 GB and 16 s to list (helper-143).
    case nonCanonicalBool(key: String, offset: Int, byte: UInt8, count: Int = 1)
    /// Metadata strings that are not valid UTF-8, kept with U+FFFD replacements: `count` of them
    /// in the key's value (one problem per key, as above), the first at `offset`.
    case invalidUTF8Value(key: String, offset: Int, count: Int = 1)
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
        case let .nonCanonicalBool(key, offset, byte, count):
            return count == 1 ? "metadata \(quoted(key)): bool byte \(byte) at byte \(offset) is neither 0 nor 1"
                : "metadata \(quoted(key)): \(count) bool bytes are neither 0 nor 1 (the first, \(byte), at byte \(offset))"
        case let .invalidUTF8Value(key, offset, count):
            return count == 1 ? "metadata \(quoted(key)): string at byte \(offset) is not valid UTF-8"
                : "metadata \(quoted(key)): \(count) strings are not valid UTF-8 (the first at byte \(offset))"
        case let .unexpectedOffset(tensor, offset, expected):
            return "tensor \(quoted(tensor)) starts at data offset \(offset), where llama.cpp expects \(expected) (the previous tensors' bytes, "
                + "each padded to the alignment, in header order): gguf-py reads the file, llama.cpp refuses it"
        }
    }
}
