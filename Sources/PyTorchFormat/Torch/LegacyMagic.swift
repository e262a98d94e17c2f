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

    /// Whether the file starts with a header Python's `tarfile` opens, as `TarFile.next()` decides
    /// for the first member (`TarInfo.frombuf`, Python 3.11): 512 bytes, not all zero, every
    /// number field readable (`tarNumber`), the checksum equal to the header's byte sum with its
    /// field read as spaces, unsigned or signed; a GNU long name or PAX header (types `L`, `K`,
    /// `x`, `g`) followed by another such header. Any of these failing at the first member makes
    /// torch.load's `tarfile.open` raise, and torch then reads the file as a legacy stream.
    /// (Not modelled: a PAX record list that does not parse, which also makes it fall back.)
    static func isTarHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        for _ in 0 ..< 16 {
            guard bytes.count - offset >= 512 else { return false }
            let header = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + 512])
            guard header.contains(where: { $0 != 0 }) else { return false }
            var unsigned = 256, signed = 256
            for i in 0 ..< 512 where !(148 ..< 156).contains(i) {
                unsigned += Int(header[i])
                signed += Int(Int8(bitPattern: header[i]))
            }
            func field(_ range: Range<Int>) -> Int? { tarNumber(UnsafeRawBufferPointer(rebasing: header[range])) }
            guard let stated = field(148 ..< 156), stated == unsigned || stated == signed,
                  [100 ..< 108, 108 ..< 116, 116 ..< 124, 136 ..< 148, 329 ..< 337, 337 ..< 345].allSatisfy({ field($0) != nil }),
                  let size = field(124 ..< 136) else { return false }
            let type = header[156]
            if type == UInt8(ascii: "S"), field(483 ..< 495) == nil { return false }
            // A GNU long name or link, or PAX attributes: the member they describe comes next.
            guard [UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"), UInt8(ascii: "g")].contains(type) else { return true }
            guard size >= 0, size <= bytes.count else { return false }
            offset += 512 + (size + 511) / 512 * 512
        }
        return false
    }

    /// `tarfile.nti`: base-256 when the first byte is 0x80 (positive) or 0xFF (negative);
    /// otherwise the bytes up to the first NUL, as ASCII, read by Python's `int(s.strip() or
    /// "0", 8)`: surrounding whitespace (space, `\t` to `\r`, `\x1c` to `\x1f`), a sign, an
    /// optional `0o` prefix, octal digits with single underscores between them. nil when Python
    /// raises.
    static func tarNumber(_ field: UnsafeRawBufferPointer) -> Int? {
        if let first = field.first, first == 0x80 || first == 0xFF {
            var n = 0
            for byte in field.dropFirst() {
                guard n < Int.max >> 9 else { return nil }
                n = n << 8 | Int(byte)
            }
            return first == 0xFF ? n - (1 << (8 * (field.count - 1))) : n
        }
        let text = Array(field.prefix { $0 != 0 })
        guard text.allSatisfy({ $0 < 0x80 }) else { return nil }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09 ... 0x0D).contains($0) || (0x1C ... 0x1F).contains($0) }
        var body = text.drop(while: isSpace)
        while let last = body.last, isSpace(last) { body.removeLast() }
        if body.isEmpty { return 0 }
        var negative = false
        if let sign = body.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        var underscoreAllowed = false
        if body.count >= 2, body.first == UInt8(ascii: "0"), [UInt8(ascii: "o"), UInt8(ascii: "O")].contains(body[body.startIndex + 1]) {
            body = body.dropFirst(2)
            underscoreAllowed = true  // `0o_17` is 15
        }
        var n = 0, digits = 0, lastWasUnderscore = false
        for byte in body {
            if byte == UInt8(ascii: "_") {
                guard underscoreAllowed, !lastWasUnderscore else { return nil }
                lastWasUnderscore = true
                continue
            }
            guard (0x30 ... 0x37).contains(byte), n < Int.max >> 4 else { return nil }
            n = n * 8 + Int(byte - 0x30)
            digits += 1
            lastWasUnderscore = false
            underscoreAllowed = true
        }
        guard digits > 0, !lastWasUnderscore else { return nil }
        return negative ? -n : n
    }

    /// Whether torch.load's first `pickle.load` of the file returns the magic number: the
    /// encodings `end(of:)` reads, or a first pickle the symbolic reader runs whose result is an
    /// integer written by a `LONG1`/`LONG4` holding the magic number's bytes (then zeros) — under
    /// other stack items, through the memo, after other values, as torch's unpickler takes it.
    /// Why: a file whose safetensors header length and metadata were such a pickle passed
    /// `audit` as safetensors while torch.load read its legacy stream (helper review).
    static func startsStream(_ bytes: UnsafeRawBufferPointer, limits: PickleLimits = .default) -> Bool {
        if end(of: bytes) != nil { return true }
        guard let program = try? SymbolicUnpickler.run(bytes, limits: limits), case .bigInt(let count) = program.root, count >= value.count else {
            return false
        }
        return PickleGlobalScan.longOperands(in: bytes, from: 0, to: program.endOffset).contains { range in
            range.count == count && UnsafeRawBufferPointer(rebasing: bytes[range]).prefix(value.count).elementsEqual(value)
                && bytes[range].dropFirst(value.count).allSatisfy { $0 == 0 }
        }
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
