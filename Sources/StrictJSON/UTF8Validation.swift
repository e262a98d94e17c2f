/// Finds the first byte that makes `bytes` invalid UTF-8, or `nil` when all of it is valid.
///
/// The reference rejects a non-UTF-8 header before parsing JSON (`InvalidHeader`), and we want
/// the byte offset in the message, which `String(validating:)` cannot give. Overlong forms,
/// surrogates and code points above U+10FFFF are invalid, as in the standard.
package func firstInvalidUTF8Index(_ bytes: UnsafeRawBufferPointer) -> Int? {
    let count = bytes.count
    var i = 0
    while i < count {
        // ASCII fast path, eight bytes at a time: headers are almost all ASCII.
        while i + 8 <= count, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
        }
        guard i < count else { break }
        let b0 = bytes[i]
        if b0 < 0x80 { i += 1; continue }
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: return i
        }
        guard i + length <= count else { return i }
        let b1 = bytes[i + 1]
        guard b1 >= lower, b1 <= upper else { return i }
        for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 {
            return i
        }
        i += length
    }
    return nil
}
