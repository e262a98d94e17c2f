/// Something wrong with a GGUF file that does not stop it being read: the reader keeps going
/// and lists these in `GGUFFile.problems`, in file order, for the audit to turn into findings.
public enum GGUFProblem: Sendable, Equatable, CustomStringConvertible {
    /// A tensor name longer than the 64 bytes the GGUF spec allows. Kept, not refused: the
    /// bytes are well-formed and bounded, and the audit should name the tensor. ggml's loader
    /// is stricter (names of 64 bytes or more fail its `GGML_MAX_NAME` check), so llama.cpp
    /// will not load such a file.
    case tensorNameTooLong(name: String, byteCount: Int)
    /// A bool stored as a byte other than 0 or 1 (read as true, like numpy's `bool_` view).
    case nonCanonicalBool(key: String, offset: Int, byte: UInt8)
    /// A metadata string that is not valid UTF-8, kept with U+FFFD replacements.
    case invalidUTF8Value(key: String, offset: Int)

    public var description: String {
        switch self {
        case let .tensorNameTooLong(name, count):
            return "tensor name '\(name)' is \(count) bytes; GGUF allows 64 and llama.cpp refuses 64 or more"
        case let .nonCanonicalBool(key, offset, byte):
            return "metadata '\(key)': bool byte \(byte) at byte \(offset) is neither 0 nor 1"
        case let .invalidUTF8Value(key, offset):
            return "metadata '\(key)': string at byte \(offset) is not valid UTF-8"
        }
    }
}
