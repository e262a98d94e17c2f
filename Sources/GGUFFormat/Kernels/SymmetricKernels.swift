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
            // Four codes per step in SIMD4<Int32> lanes, built lane by lane from one u32 load
            // (sign-extended by shifts), which the compiler keeps in SSE registers.
            var s = SIMD4<Int32>(), s2 = SIMD4<Int32>()
            var lo = SIMD4<Int32>(repeating: 127), hi = SIMD4<Int32>(repeating: -128)
            for j in 0 ..< 8 {
                let w = Int32(bitPattern: UInt32(littleEndian: codes.loadUnaligned(fromByteOffset: j &* 4, as: UInt32.self)))
                let q = SIMD4<Int32>(w &<< 24, w &<< 16, w &<< 8, w) &>> 24
                s &+= q
                s2 &+= q &* q
                lo = SIMD4(q[0] < lo[0] ? q[0] : lo[0], q[1] < lo[1] ? q[1] : lo[1],
                           q[2] < lo[2] ? q[2] : lo[2], q[3] < lo[3] ? q[3] : lo[3])
                hi = SIMD4(q[0] > hi[0] ? q[0] : hi[0], q[1] > hi[1] ? q[1] : hi[1],
                           q[2] > hi[2] ? q[2] : hi[2], q[3] > hi[3] ? q[3] : hi[3])
            }
            let low = min(min(lo[0], lo[1]), min(lo[2], lo[3])), high = max(max(hi[0], hi[1]), max(hi[2], hi[3]))
            sums.add(scale: HalfFloat.load(block, 0), sum: s.wrappedSum(), squares: s2.wrappedSum(), lowest: low, highest: high)
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
