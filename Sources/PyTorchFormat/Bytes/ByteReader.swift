/// A bounds-checked little-endian view of the mapped file: every read returns `nil` instead of
/// trapping when the requested bytes are not all inside the buffer.
///
/// Offsets are `UInt64` because zip and pickle fields are; they are converted to `Int` only after
/// the range check, so a hostile 64-bit offset can never overflow an index computation.
/// Multi-byte reads use `loadUnaligned`: zip fields sit at arbitrary offsets.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var count: UInt64 { UInt64(bytes.count) }

    /// The in-bounds `Int` range for `count` bytes at `offset`, or `nil` when it would overflow or
    /// run past the end.
    func range(at offset: UInt64, count length: UInt64) -> Range<Int>? {
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow, end <= count else { return nil }
        return Int(offset) ..< Int(end)
    }

    func contains(_ offset: UInt64, count length: UInt64) -> Bool { range(at: offset, count: length) != nil }

    func u8(at offset: UInt64) -> UInt8? {
        guard let r = range(at: offset, count: 1) else { return nil }
        return bytes[r.lowerBound]
    }

    func u16(at offset: UInt64) -> UInt16? { load(UInt16.self, at: offset) }
    func u32(at offset: UInt64) -> UInt32? { load(UInt32.self, at: offset) }
    func u64(at offset: UInt64) -> UInt64? { load(UInt64.self, at: offset) }

    /// The bytes at `offset ..< offset + count` (a copy; used only for short names and lines).
    func array(at offset: UInt64, count length: UInt64) -> [UInt8]? {
        guard let r = range(at: offset, count: length) else { return nil }
        return Array(bytes[r])
    }

    /// A sub-view sharing the same memory (zero-copy).
    func slice(at offset: UInt64, count length: UInt64) -> UnsafeRawBufferPointer? {
        guard let r = range(at: offset, count: length) else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[r])
    }

    private func load<T: FixedWidthInteger>(_ type: T.Type, at offset: UInt64) -> T? {
        guard let r = range(at: offset, count: UInt64(MemoryLayout<T>.size)) else { return nil }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: r.lowerBound, as: T.self))
    }
}
