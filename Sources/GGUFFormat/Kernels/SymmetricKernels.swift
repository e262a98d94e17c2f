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
            var s: Int32 = 0, s2: Int32 = 0, lo: Int32 = 15, hi: Int32 = 0
            for j in 0 ..< 16 {
                let byte = block.load(fromByteOffset: 2 &+ j, as: UInt8.self)
                let a = Int32(byte & 0x0F), c = Int32(byte >> 4)
                s &+= a &+ c
                s2 &+= a &* a &+ c &* c
                let l = a < c ? a : c, h = a < c ? c : a
                lo = l < lo ? l : lo
                hi = h > hi ? h : hi
            }
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
            let high = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            var s: Int32 = 0, s2: Int32 = 0, lo: Int32 = 31, hi: Int32 = 0
            for j in 0 ..< 16 {
                let byte = UInt32(block.load(fromByteOffset: 6 &+ j, as: UInt8.self))
                let a = Int32((byte & 0x0F) | ((high >> UInt32(j)) & 1) << 4)
                let c = Int32((byte >> 4) | ((high >> UInt32(j &+ 16)) & 1) << 4)
                s &+= a &+ c
                s2 &+= a &* a &+ c &* c
                let l = a < c ? a : c, h = a < c ? c : a
                lo = l < lo ? l : lo
                hi = h > hi ? h : hi
            }
            // Σ(q − 16) = Σq − 512, Σ(q − 16)² = Σq² − 32Σq + 8192 over 32 codes.
            sums.add(scale: HalfFloat.load(block, 0), sum: s &- 512, squares: s2 &- 32 &* s &+ 8192,
                     lowest: lo &- 16, highest: hi &- 16)
        }
        return sums.moments(count: blocks &* 32)
    }
}
