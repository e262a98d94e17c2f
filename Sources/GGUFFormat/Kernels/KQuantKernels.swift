/// The 256-element "K" super-blocks (ggml `block_q4_K`, `block_q5_K`, `block_q6_K`; gguf-py
/// `quants.py` is the numeric reference).

/// The 6-bit sub-block scales and minimums of Q4_K and Q5_K, packed into 12 bytes: for
/// sub-blocks 0–3 the low 6 bits of bytes j and j + 4; for 4–7 a nibble of byte j + 4 plus
/// the top two bits of bytes j − 4 and j.
@inline(__always)
func kScaleAndMin(_ scales: UnsafeRawPointer, _ j: Int) -> (scale: Float, min: Float) {
    @inline(__always) func byte(_ i: Int) -> UInt8 { scales.load(fromByteOffset: i, as: UInt8.self) }
    if j < 4 {
        return (Float(byte(j) & 63), Float(byte(j &+ 4) & 63))
    }
    let scale = (byte(j &+ 4) & 0x0F) | ((byte(j &- 4) >> 6) << 4)
    let min = (byte(j &+ 4) >> 4) | ((byte(j) >> 6) << 4)
    return (Float(scale), Float(min))
}

/// Q4_K, 144 bytes: d, dmin (f16), 12 bytes of scales, 128 bytes of nibbles. Sub-block j
/// (32 values) is d·scale_j × q − dmin·min_j; bytes 32c ..< 32c + 32 hold sub-block 2c in
/// their low nibbles and 2c + 1 in their high nibbles.
enum Q4_KKernel: BlockKernel {
    static let type = GGMLType.q4_K

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.load(block, 0), dmin = HalfFloat.load(block, 2)
        let codes = block + 16
        for c in 0 ..< 4 {
            let (s0, m0) = kScaleAndMin(block + 4, 2 &* c), (s1, m1) = kScaleAndMin(block + 4, 2 &* c &+ 1)
            let d0 = d * s0, o0 = dmin * m0, d1 = d * s1, o1 = dmin * m1
            let bytes = codes + 32 &* c, lowOut = out + 64 &* c, highOut = lowOut + 32
            for l in 0 ..< 32 {
                let byte = bytes.load(fromByteOffset: l, as: UInt8.self)
                lowOut[l] = d0 * Float(byte & 0x0F) - o0
                highOut[l] = d1 * Float(byte >> 4) - o1
            }
        }
    }
}

/// Q5_K, 176 bytes: d, dmin, 12 bytes of scales, 32 bytes of fifth bits (bit j of byte l is
/// element l of sub-block j), 128 bytes of nibbles laid out as in Q4_K.
enum Q5_KKernel: BlockKernel {
    static let type = GGMLType.q5_K

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.load(block, 0), dmin = HalfFloat.load(block, 2)
        let highBits = block + 16, codes = block + 48
        for c in 0 ..< 4 {
            let j0 = 2 &* c, j1 = j0 &+ 1
            let (s0, m0) = kScaleAndMin(block + 4, j0), (s1, m1) = kScaleAndMin(block + 4, j1)
            let d0 = d * s0, o0 = dmin * m0, d1 = d * s1, o1 = dmin * m1
            let bytes = codes + 32 &* c, lowOut = out + 64 &* c, highOut = lowOut + 32
            for l in 0 ..< 32 {
                let byte = bytes.load(fromByteOffset: l, as: UInt8.self)
                let h = highBits.load(fromByteOffset: l, as: UInt8.self)
                let a = (byte & 0x0F) | ((h >> UInt8(j0)) & 1) << 4
                let b = (byte >> 4) | ((h >> UInt8(j1)) & 1) << 4
                lowOut[l] = d0 * Float(a) - o0
                highOut[l] = d1 * Float(b) - o1
            }
        }
    }
}

/// Q6_K, 210 bytes: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 int8 sub-block
/// scales, d (f16) last. In each 128-value half h, for l in 0..<32 the codes are
/// (ql[l] low | qh[l] bits 0–1), (ql[l+32] low | bits 2–3), (ql[l] high | bits 4–5),
/// (ql[l+32] high | bits 6–7) for values l, l+32, l+64, l+96, each minus 32; value i uses
/// scale i / 16. A value is (d·scale) × q, exact in float32 (≤ 18 + 5 significant bits).
enum Q6_KKernel: BlockKernel {
    static let type = GGMLType.q6_K

    @inline(__always)
    static func code(_ low: UInt8, _ high: UInt8) -> Int32 { Int32(low | high << 4) &- 32 }

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.load(block, 208)
        for h in 0 ..< 2 {
            let ql = block + 64 &* h, qh = block + (128 &+ 32 &* h), o = out + 128 &* h
            for l in 0 ..< 32 {
                let a = ql.load(fromByteOffset: l, as: UInt8.self), b = ql.load(fromByteOffset: l &+ 32, as: UInt8.self)
                let c = qh.load(fromByteOffset: l, as: UInt8.self)
                // Value 128h + 32k + l uses scale (128h + 32k + l) / 16 = 8h + 2k + l / 16.
                let sub = 8 &* h &+ l / 16
                @inline(__always) func scale(_ k: Int) -> Float {
                    d * Float(block.load(fromByteOffset: 192 &+ sub &+ 2 &* k, as: Int8.self))
                }
                o[l] = scale(0) * Float(code(a & 0x0F, c & 3))
                o[l &+ 32] = scale(1) * Float(code(b & 0x0F, (c >> 2) & 3))
                o[l &+ 64] = scale(2) * Float(code(a >> 4, (c >> 4) & 3))
                o[l &+ 96] = scale(3) * Float(code(b >> 4, (c >> 6) & 3))
            }
        }
    }

    /// Per 16-value sub-block: Σq, Σq², extremes of the codes, then `ScaledIntegerSums`.
    ///
    /// The 16 codes of a sub-block are built as one `SIMD16<UInt8>` (shifts and masks on bytes),
    /// split into even and odd bytes as two `SIMD8<UInt16>` by reinterpreting the bits (the
    /// generic SIMD conversions are out-of-line calls at the baseline CPU), squared in 16-bit
    /// lanes (16 × 63² = 63,504 fits), and reduced once per sub-block. Codes are unsigned here;
    /// the −32 offset is applied to the sums: Σ(q − 32) = Σq − 512, Σ(q − 32)² = Σq² − 64Σq + 16,384.
    static func fastMoments(_ row: UnsafeRawPointer, blocks: Int) -> GGUFRowMoments? {
        var sums = ScaledIntegerSums()
        let lowMask = SIMD16<UInt8>(repeating: 0x0F), pairMask = SIMD16<UInt8>(repeating: 3)
        for b in 0 ..< blocks {
            let block = row + b &* 210
            let d = HalfFloat.load(block, 208)
            for h in 0 ..< 2 {
                let ql = block + 64 &* h, qh = block + (128 &+ 32 &* h)
                for g in 0 ..< 2 {
                    let a = ql.loadUnaligned(fromByteOffset: 16 &* g, as: SIMD16<UInt8>.self)
                    let bb = ql.loadUnaligned(fromByteOffset: 32 &+ 16 &* g, as: SIMD16<UInt8>.self)
                    let c = qh.loadUnaligned(fromByteOffset: 16 &* g, as: SIMD16<UInt8>.self)
                    @inline(__always) func add(_ q: SIMD16<UInt8>, _ k: Int) {
                        let words = unsafeBitCast(q, to: SIMD8<UInt16>.self)
                        let even = words & 0x00FF, odd = words &>> 8
                        let s = Int32((even &+ odd).wrappedSum())
                        let s2 = Int32((even &* even &+ odd &* odd).wrappedSum())
                        var lo = q[0], hi = q[0]
                        for i in 1 ..< 16 {
                            lo = q[i] < lo ? q[i] : lo
                            hi = q[i] > hi ? q[i] : hi
                        }
                        let sub = 8 &* h &+ 2 &* k &+ g
                        let scale = d * Float(block.load(fromByteOffset: 192 &+ sub, as: Int8.self))
                        sums.add(scale: scale, sum: s &- 512, squares: s2 &- 64 &* s &+ 16_384,
                                 lowest: Int32(lo) &- 32, highest: Int32(hi) &- 32)
                    }
                    add((a & lowMask) | ((c & pairMask) &<< 4), 0)
                    add((bb & lowMask) | (((c &>> 2) & pairMask) &<< 4), 1)
                    add((a &>> 4) | (((c &>> 4) & pairMask) &<< 4), 2)
                    add((bb &>> 4) | ((c &>> 6) &<< 4), 3)
                }
            }
        }
        return sums.moments(count: blocks &* 256)
    }
}
