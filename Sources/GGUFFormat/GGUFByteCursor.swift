/// A forward reader over the bytes of a GGUF file that never reads outside them.
///
/// Why a cursor and not offsets spread through the parser: every field GGUF stores is read
/// through one of these methods, so "bounds-checked and unaligned-safe" is proven in one place.
/// Each read checks the remaining length first (no arithmetic that can overflow: the check is
/// `count <= end - offset`, both non-negative) and uses `loadUnaligned`, because GGUF fields
/// follow strings of any length and are almost never aligned.
struct GGUFByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes exist; `what` names the field for the message.
    ///
    /// `what` is built only for an error: formatting it for every read ("string in
    /// 'tokenizer.ggml.tokens'" per token) was a fifth of reading Gemma 3's 262,144-token header.
    func require(_ count: Int, for what: @autoclosure () -> String) throws(GGUFError) {
        guard count >= 0, count <= remaining else {
            throw .truncated(offset: offset, needed: count, available: remaining, field: what())
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        try require(MemoryLayout<T>.size, for: what())
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: raw)
    }

    mutating func readFloat32(_ what: @autoclosure () -> String) throws(GGUFError) -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readFloat64(_ what: @autoclosure () -> String) throws(GGUFError) -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    /// A GGUF string: u64 byte length, then that many bytes (not NUL-terminated). The length is
    /// checked against the bytes left before anything is allocated, so a length near 2^64
    /// fails here instead of reaching an allocator.
    mutating func readStringBytes(_ what: @autoclosure () -> String) throws(GGUFError) -> UnsafeRawBufferPointer {
        let start = offset
        let length = try read(UInt64.self, "\(what()) length")
        guard length <= UInt64(remaining) else {
            throw .stringPastEnd(offset: start, length: length, available: remaining, field: what())
        }
        let count = Int(length)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count])
        offset += count
        return slice
    }

    mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
        try require(count, for: what())
        offset += count
    }
}
