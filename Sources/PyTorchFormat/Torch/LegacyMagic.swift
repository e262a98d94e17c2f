/// How a file starts that torch.load takes for something other than a zip: a tar archive (the
/// format of torch.save before 0.4), or the legacy stream's magic number pickled by any
/// protocol. Why both: torch.load's `_legacy_load` first tries `tarfile.open` on every such file
/// and, when the first 512 bytes are a tar header, unpickles the tar's members instead — a file
/// whose legacy stream hid a tar in its system information was read here as that stream and
/// passed `audit`, while torch.load ran the tar's pickle (helper review, 2026-12-05). And
/// torch.load compares the magic number's value, however it is pickled: a padded `LONG1`, a
/// `LONG4`, no `PROTO`, or protocol 0/1's text `LONG`.
enum LegacyMagic {
    static let value: [UInt8] = Array(TorchCheckpointReader.legacyMagic.suffix(10))
    /// The magic number in decimal, as protocol 0 and 1 write it (`L119547037146038801333356L`).
    static let decimal = Array("119547037146038801333356".utf8)

    /// Whether the first 512 bytes are a header Python's `tarfile` accepts: not all zero, and the
    /// checksum field (octal text, or base-256 when its first byte is 0x80 or 0xFF) equal to the
    /// sum of the header's bytes with that field read as spaces, unsigned or signed.
    static func isTarHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 512, bytes.prefix(512).contains(where: { $0 != 0 }) else { return false }
        var unsigned = 256, signed = 256
        for i in 0 ..< 512 where !(148 ..< 156).contains(i) {
            unsigned += Int(bytes[i])
            signed += Int(Int8(bitPattern: bytes[i]))
        }
        guard let stated = tarNumber(UnsafeRawBufferPointer(rebasing: bytes[148 ..< 156])) else { return false }
        return stated == unsigned || stated == signed
    }

    /// `tarfile.nti`: base-256 when the first byte is 0x80 (positive) or 0xFF (negative), else
    /// octal digits up to the first NUL, surrounding whitespace ignored (empty is 0).
    static func tarNumber(_ field: UnsafeRawBufferPointer) -> Int? {
        if let first = field.first, first == 0x80 || first == 0xFF {
            var n = 0
            for byte in field.dropFirst() {
                guard n < Int.max >> 9 else { return nil }
                n = n << 8 | Int(byte)
            }
            return first == 0xFF ? n - (1 << (8 * (field.count - 1))) : n
        }
        let text = field.prefix { $0 != 0 }
        let isSpace: (UInt8) -> Bool = { [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains($0) }
        let digits = text.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        var n = 0
        for byte in digits {
            guard (0x30 ... 0x37).contains(byte) else { return nil }
            n = n * 8 + Int(byte - 0x30)
        }
        return n
    }

    /// Where the magic number's pickle ends, when the stream starts with one, and whether it is
    /// written in protocol 0/1's text opcodes: `[PROTO n] [FRAME len] (LONG1 | LONG4) [memo
    /// write] STOP`, the integer's little-endian two's complement bytes equal to the magic
    /// number's (trailing zero bytes being padding), or `L<decimal>[L]\n [memo write] STOP`.
    static func end(of bytes: UnsafeRawBufferPointer) -> (end: Int, text: Bool)? {
        var i = 0
        func byte(_ k: Int) -> UInt8? { k < bytes.count ? bytes[k] : nil }
        if byte(i) == 0x80 { i += 2 }           // PROTO
        if byte(i) == 0x95 { i += 9 }           // FRAME
        var text = false
        switch byte(i) {
        case 0x8A?, 0x8B?:                       // LONG1, LONG4
            let width = byte(i) == 0x8A ? 1 : 4
            guard i + 1 + width <= bytes.count else { return nil }
            var length = 0
            for k in 0 ..< width { length |= Int(bytes[i + 1 + k]) << (8 * k) }
            let start = i + 1 + width
            guard length >= value.count, length <= 64, start + length <= bytes.count else { return nil }
            let number = UnsafeRawBufferPointer(rebasing: bytes[start ..< start + length])
            guard number.prefix(value.count).elementsEqual(value), number.dropFirst(value.count).allSatisfy({ $0 == 0 }) else { return nil }
            i = start + length
        case UInt8(ascii: "L")?:                 // protocol 0/1 LONG: decimal digits, an optional L, a newline
            let start = i + 1
            guard bytes.count - start >= decimal.count + 1,
                  UnsafeRawBufferPointer(rebasing: bytes[start ..< start + decimal.count]).elementsEqual(decimal) else { return nil }
            i = start + decimal.count
            if byte(i) == UInt8(ascii: "L") { i += 1 }
            guard byte(i) == 0x0A else { return nil }
            i += 1
            text = true
        default:
            return nil
        }
        switch byte(i) {                         // MEMOIZE, BINPUT, LONG_BINPUT, PUT
        case 0x94?: i += 1
        case 0x71?: i += 2
        case 0x72?: i += 5
        case 0x70?:
            while let b = byte(i), b != 0x0A { i += 1 }
            i += 1
        default: break
        }
        guard byte(i) == 0x2E else { return nil } // STOP
        return (i + 1, text)
    }
}
