/// The symmetric 32-element types: value = d × q with an f16 scale d and a small signed code q.
/// Layouts (gguf-py `quants.py`, ggml `block_q8_0` …): all start with d.

/// Q8_0, 34 bytes: d, then 32 × int8 codes.
enum Q8_0Kernel: BlockKernel {
    static let type = GGMLType.q8_0

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.load(block, 0)
        for j in 0 ..< 32 { out[j] = Float(block.load(fromByteOffset: 2 &+ j, as: Int8.self)) * d }
    }

    static func fastMoments(_ row: UnsafeRawPointer, blocks: Int) -> GGUFRowMoments? {
        var sums = ScaledIntegerSums()
        for b in 0 ..< blocks {
            let block = row + b &* 34
            let codes = block + 2
            // 32 codes as two SIMD16<Int8>; their even and odd bytes as SIMD8<Int16> (by
            // reinterpreting bits and shifting, not the generic conversions, which are calls at
            // the baseline CPU). Σq stays within ±4,096 in 16-bit lanes; q² + q² reaches 32,768,
            // so squares are read as UInt16 and widened to 32-bit lanes before adding up.
            let v0 = codes.loadUnaligned(as: SIMD16<Int8>.self)
            let v1 = codes.loadUnaligned(fromByteOffset: 16, as: SIMD16<Int8>.self)
            let w0 = unsafeBitCast(v0, to: SIMD8<Int16>.self), w1 = unsafeBitCast(v1, to: SIMD8<Int16>.self)
            let e0 = (w0 &<< 8) &>> 8, o0 = w0 &>> 8, e1 = (w1 &<< 8) &>> 8, o1 = w1 &>> 8
            let s = Int32((e0 &+ o0 &+ e1 &+ o1).wrappedSum())
            let q0 = unsafeBitCast(e0 &* e0 &+ o0 &* o0, to: SIMD4<UInt32>.self)
            let q1 = unsafeBitCast(e1 &* e1 &+ o1 &* o1, to: SIMD4<UInt32>.self)
            let s2 = Int32(((q0 & 0xFFFF) &+ (q0 &>> 16) &+ (q1 & 0xFFFF) &+ (q1 &>> 16)).wrappedSum())
            var lo = v0, hi = v0
            for i in 0 ..< 16 {
                let m = v1[i] < v0[i] ? v1[i] : v0[i], x = v1[i] > v0[i] ? v1[i] : v0[i]
                lo[i] = m
                hi[i] = x
            }
            var low = lo[0], high = hi[0]
            for i in 1 ..< 16 {
                low = lo[i] < low ? lo[i] : low
                high = hi[i] > high ? hi[i] : high
            }
            sums.add(scale: HalfFloat.load(block, 0), sum: s, squares: s2, lowest: Int32(low), highest: Int32(high))
        }
        return sums.moments(count: blocks &* 32)
    }
}

/// Q4_0, 18 bytes: d, then 16 bytes of nibbles; element j is the low nibble of byte j and
/// element j + 16 the high nibble, each minus 8.
enum Q4_0Kernel: BlockKernel {
    static let type = GGMLType.q4_0

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.load(block, 0)
        for j in 0 ..< 16 {
            let byte = block.load(fromByteOffset: 2 &+ j, as: UInt8.self)
            out[j] = d * Float(Int8(byte & 0x0F) &- 8)
            out[j &+ 16] = d * Float(Int8(byte >> 4) &- 8)
        }
    }

    static func fastMoments(_ row: UnsafeRawPointer, blocks: Int) -> GGUFRowMoments? {
        var sums = ScaledIntegerSums()
        for b in 0 ..< blocks {
            let block = row + b &* 18
            let v = block.loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self)
            let (s, s2, lo, hi) = UnsignedCodeSums.of(v & 0x0F, v &>> 4)
            // Σ(q − 8) = Σq − 256, Σ(q − 8)² = Σq² − 16Σq + 2048 over 32 codes.
            sums.add(scale: HalfFloat.load(block, 0), sum: s &- 256, squares: s2 &- 16 &* s &+ 2048,
                     lowest: lo &- 8, highest: hi &- 8)
        }
        return sums.moments(count: blocks &* 32)
    }
}

/// Q5_0, 22 bytes: d, a u32 of fifth bits (bit j for element j), then 16 bytes of nibbles laid
/// out as in Q4_0; the code is nibble | bit << 4, minus 16.
enum Q5_0Kernel: BlockKernel {
    static let type = GGMLType.q5_0

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.load(block, 0)
        let high = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        for j in 0 ..< 16 {
            let byte = UInt32(block.load(fromByteOffset: 6 &+ j, as: UInt8.self))
            let a = (byte & 0x0F) | ((high >> UInt32(j)) & 1) << 4
            let c = (byte >> 4) | ((high >> UInt32(j &+ 16)) & 1) << 4
            out[j] = d * Float(Int32(a) &- 16)
            out[j &+ 16] = d * Float(Int32(c) &- 16)
        }
    }

    static func fastMoments(_ row: UnsafeRawPointer, blocks: Int) -> GGUFRowMoments? {
        var sums = ScaledIntegerSums()
        for b in 0 ..< blocks {
            let block = row + b &* 22
            let v = block.loadUnaligned(fromByteOffset: 6, as: SIMD16<UInt8>.self)
            let (s, s2, lo, hi) = UnsignedCodeSums.of((v & 0x0F) | UnsignedCodeSums.fifthBits(block, 2),
                                                      (v &>> 4) | UnsignedCodeSums.fifthBits(block, 4))
            // Σ(q − 16) = Σq − 512, Σ(q − 16)² = Σq² − 32Σq + 8192 over 32 codes.
            sums.add(scale: HalfFloat.load(block, 0), sum: s &- 512, squares: s2 &- 32 &* s &+ 8192,
                     lowest: lo &- 16, highest: hi &- 16)
        }
        return sums.moments(count: blocks &* 32)
    }
}

/// Σq, Σq² and the extremes of 32 unsigned codes (at most 5 bits) held as two `SIMD16<UInt8>`.
/// Even and odd bytes are separated by reinterpreting the bits as `SIMD8<UInt16>` (the generic
/// SIMD conversions are out-of-line calls at the baseline CPU); 16-bit lanes hold the sums
/// (a lane's Σq² is at most 4 × 31² = 3,844).
enum UnsignedCodeSums {
    @inline(__always)
    static func of(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> (Int32, Int32, Int32, Int32) {
        let wa = unsafeBitCast(a, to: SIMD8<UInt16>.self), wb = unsafeBitCast(b, to: SIMD8<UInt16>.self)
        let ea = wa & 0x00FF, oa = wa &>> 8, eb = wb & 0x00FF, ob = wb &>> 8
        let s = Int32((ea &+ oa &+ eb &+ ob).wrappedSum())
        let s2 = Int32((ea &* ea &+ oa &* oa &+ eb &* eb &+ ob &* ob).wrappedSum())
        var lo = a[0], hi = a[0]
        for i in 0 ..< 16 {
            let m = b[i] < a[i] ? b[i] : a[i], x = b[i] > a[i] ? b[i] : a[i]
            lo = m < lo ? m : lo
            hi = x > hi ? x : hi
        }
        return (s, s2, Int32(lo), Int32(hi))
    }

    /// The fifth bits of 16 consecutive elements as lanes of 0 or 16: bytes `offset` and
    /// `offset + 1` of the block's `qh` field spread one bit per lane (x & bit is 0 or a power
    /// of two ≤ 128, and (x + 127) & 128 is 128 exactly when x ≠ 0).
    @inline(__always)
    static func fifthBits(_ block: UnsafeRawPointer, _ offset: Int) -> SIMD16<UInt8> {
        let b0 = block.load(fromByteOffset: offset, as: UInt8.self)
        let b1 = block.load(fromByteOffset: offset &+ 1, as: UInt8.self)
        let spread = SIMD16<UInt8>(b0, b0, b0, b0, b0, b0, b0, b0, b1, b1, b1, b1, b1, b1, b1, b1)
        let bits = spread & SIMD16<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)
        return ((bits &+ 0x7F) & 0x80) &>> 3
    }
}
