/// The affine 32-element types: value = d × q + m (f16 d and m, unsigned code q). The addition
/// rounds in float32, so these go through the decode-then-accumulate path to match gguf-py
/// value for value.

/// Q4_1, 20 bytes: d, m, then 16 bytes of nibbles (low nibbles are elements 0–15, high 16–31).
enum Q4_1Kernel: BlockKernel {
    static let type = GGMLType.q4_1

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.load(block, 0), m = HalfFloat.load(block, 2)
        for j in 0 ..< 16 {
            let byte = block.load(fromByteOffset: 4 &+ j, as: UInt8.self)
            out[j] = d * Float(byte & 0x0F) + m
            out[j &+ 16] = d * Float(byte >> 4) + m
        }
    }
}

/// Q5_1, 24 bytes: d, m, a u32 of fifth bits, then 16 bytes of nibbles as in Q4_1.
enum Q5_1Kernel: BlockKernel {
    static let type = GGMLType.q5_1

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.load(block, 0), m = HalfFloat.load(block, 2)
        let high = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        for j in 0 ..< 16 {
            let byte = UInt32(block.load(fromByteOffset: 8 &+ j, as: UInt8.self))
            let a = (byte & 0x0F) | ((high >> UInt32(j)) & 1) << 4
            let c = (byte >> 4) | ((high >> UInt32(j &+ 16)) & 1) << 4
            out[j] = d * Float(a) + m
            out[j &+ 16] = d * Float(c) + m
        }
    }
}
