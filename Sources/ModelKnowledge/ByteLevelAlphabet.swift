/// GPT-2's byte-to-character map, used by every byte-level BPE tokenizer (GPT-2, RoBERTa,
/// Llama 3, Qwen, …): each of the 256 byte values is spelled as one printable character so
/// that vocabulary entries are strings.
///
/// Construction (from the GPT-2 paper's released encoder): the printable bytes `!`…`~`,
/// `¡`…`¬` and `®`…`ÿ` stand for themselves; the remaining 68 bytes, in increasing order, are
/// given the characters U+0100, U+0101, … in turn.
public enum ByteLevelAlphabet {
    /// Character (Unicode scalar value) → byte.
    static let byteForScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        var next: UInt32 = 0x100
        for byte in 0...255 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                map[UInt32(byte)] = UInt8(byte)
            } else {
                map[next] = UInt8(byte)
                next += 1
            }
        }
        return map
    }()

    /// The character that stands for `byte`.
    public static func character(for byte: UInt8) -> Character {
        for (scalar, value) in byteForScalar where value == byte {
            if let unicode = Unicode.Scalar(scalar) { return Character(unicode) }
        }
        return "\u{FFFD}"  // unreachable: the map covers all 256 bytes
    }

    /// The bytes a byte-level token spells, or nil when a character is outside the alphabet
    /// (an added token such as `<|endoftext|>` is not spelled in it).
    public static func bytes(of token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard let byte = byteForScalar[scalar.value] else { return nil }
            out.append(byte)
        }
        return out
    }

    /// Bytes that never occur in well-formed UTF-8 (RFC 3629): C0 and C1 would only start
    /// overlong two-byte forms, F5–FF would start sequences beyond U+10FFFF or are not lead bytes.
    public static func neverInUTF8(_ byte: UInt8) -> Bool {
        byte == 0xC0 || byte == 0xC1 || byte >= 0xF5
    }
}
