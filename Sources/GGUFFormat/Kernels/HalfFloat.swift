/// binary16 → binary32 without `Float(Float16)`, which is a libcall per value at the baseline
/// x86-64 target (the house measured 0.25 GB/s). Exponent and mantissa are placed in a
/// binary32 and rescaled by 2^112, exact for normals and subnormals; Inf/NaN codes get the
/// all-ones exponent by integer arithmetic (no branch, so loops over it vectorize).
enum HalfFloat {
    @inline(__always)
    static func float(_ half: UInt16) -> Float {
        let h = UInt32(half)
        let magnitude = h & 0x7FFF
        let scaled = (Float(bitPattern: magnitude << 13) * 0x1p112).bitPattern
        let special = (0 &- ((magnitude &+ 0x0400) >> 15)) & 0x7F80_0000
        return Float(bitPattern: scaled | special | ((h & 0x8000) << 16))
    }

    /// A little-endian f16 at `offset`.
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ offset: Int) -> Float {
        float(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }
}
