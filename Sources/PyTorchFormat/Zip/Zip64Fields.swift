/// The 64-bit values a ZIP64 extra field (id 0x0001) supplies, in the order APPNOTE 4.5.3 fixes:
/// only the fields whose classic value is saturated are present.
struct Zip64Fields {
    var uncompressed: UInt64
    var compressed: UInt64
    var offset: UInt64
    var disk: UInt32

    mutating func read(extraAt start: UInt64, length: UInt64, reader: ByteReader,
                       wants: (Bool, Bool, Bool, Bool)) throws(ZipError) {
        var position = start
        let end = start + length  // both come from 16-bit fields inside a bounds-checked header
        var found = false
        while position < end {
            guard end - position >= 4, let id = reader.u16(at: position), let size = reader.u16(at: position + 2),
                  end - position - 4 >= UInt64(size) else {
                throw .malformed(offset: position, reason: "extra field runs past its header")
            }
            if id == 1 {
                guard !found else { throw .malformed(offset: position, reason: "two ZIP64 extra fields") }
                found = true
                var field = position + 4
                let fieldEnd = field + UInt64(size)
                func next64() throws(ZipError) -> UInt64 {
                    guard fieldEnd - field >= 8, let value = reader.u64(at: field) else {
                        throw .malformed(offset: field, reason: "ZIP64 extra field is too short")
                    }
                    field += 8
                    return value
                }
                if wants.0 { uncompressed = try next64() }
                if wants.1 { compressed = try next64() }
                if wants.2 { offset = try next64() }
                if wants.3 {
                    guard fieldEnd - field >= 4, let value = reader.u32(at: field) else {
                        throw .malformed(offset: field, reason: "ZIP64 extra field is too short")
                    }
                    disk = value
                }
            }
            position += 4 + UInt64(size)
        }
        guard found || !(wants.0 || wants.1 || wants.2 || wants.3) else {
            throw .malformed(offset: start, reason: "saturated size or offset without a ZIP64 extra field")
        }
    }
}
