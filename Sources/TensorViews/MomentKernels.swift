/// SIMD loops behind `RowMoments`: one chunk (≤ `chunkElements` values) at a time.
///
/// Measured on this machine (2 vCPU, baseline x86-64): `SIMD16<Float>` loads with `*`/`+` run
/// near memory speed, while `addingProduct` becomes a libcall per lane (2.4 GB/s), so the
/// loops use separate multiply and add. Products and sums are formed in `Double`: a float
/// times a float is exact in a double, which keeps sums within ~1e-15 of numpy's float64.
/// The fast path assumes finite data; a chunk whose sums come out non-finite is re-run by a
/// scalar loop that counts NaN/±Inf and ignores NaN in min/max (rare, so its speed is moot).
enum MomentKernels {
    /// Elements per chunk: 8 KiB of F32, small enough that the second (centring) pass over the
    /// chunk reads from L1.
    static let chunkElements = 2048

    // MARK: F32

    /// Float → Double lanes written out: the generic `SIMD8<Double>(_:)` conversion is an
    /// out-of-line call here, this form compiles to `cvtps2pd`.
    @inline(__always)
    static func widen(_ v: SIMD8<Float>) -> SIMD8<Double> {
        SIMD8(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3]),
              Double(v[4]), Double(v[5]), Double(v[6]), Double(v[7]))
    }

    @inline(__always)
    static func floatChunk(_ base: UnsafeRawPointer, _ count: Int) -> RowMoments {
        // State sized to the 16 SSE registers of the baseline CPU: two SIMD16 Double
        // accumulator pairs plus SIMD16 min/max spilled to the stack on every step (measured
        // 3x slower); eight floats per step keep everything in registers.
        var s0 = SIMD8<Double>(), q0 = SIMD8<Double>()
        var mn = SIMD8<Float>(repeating: .infinity), mx = SIMD8<Float>(repeating: -.infinity)
        var bits = SIMD8<UInt32>()
        var i = 0
        while i + 8 <= count {
            let v = base.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            let d = widen(v)
            s0 += d
            q0 += d * d
            // Lane loops with a ternary compile to minps/maxps; `pointwiseMin` does not
            // (it is a per-lane IEEE `minimum` call with NaN branches: 0.3 GB/s here).
            for lane in 0..<8 {
                mn[lane] = v[lane] < mn[lane] ? v[lane] : mn[lane]
                mx[lane] = v[lane] > mx[lane] ? v[lane] : mx[lane]
            }
            bits |= unsafeBitCast(v, to: SIMD8<UInt32>.self)
            i &+= 8
        }
        let s1 = SIMD8<Double>(), q1 = SIMD8<Double>()
        var sum = (s0 + s1).sum(), squares = (q0 + q1).sum()
        var low = mn.min(), high = mx.max()
        var orBits: UInt32 = 0
        for lane in 0..<8 { orBits |= bits[lane] }
        while i < count {
            let x = base.loadUnaligned(fromByteOffset: i &* 4, as: Float.self)
            let d = Double(x)
            sum += d
            squares += d * d
            low = Swift.min(low, x)
            high = Swift.max(high, x)
            orBits |= x.bitPattern
            i &+= 1
        }
        guard sum.isFinite && squares.isFinite else {
            return scalarChunk(count: count, sum: sum, squares: squares) {
                Double(base.loadUnaligned(fromByteOffset: $0 &* 4, as: Float.self))
            }
        }
        let mean = SIMD8<Double>(repeating: sum / Double(count))
        var c0 = SIMD8<Double>(), c1 = SIMD8<Double>()
        i = 0
        while i + 16 <= count {
            let lo = widen(base.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)) - mean
            let hi = widen(base.loadUnaligned(fromByteOffset: i &* 4 &+ 32, as: SIMD8<Float>.self)) - mean
            c0 += lo * lo
            c1 += hi * hi
            i &+= 16
        }
        var centered = (c0 + c1).sum()
        while i < count {
            let d = Double(base.loadUnaligned(fromByteOffset: i &* 4, as: Float.self)) - mean[0]
            centered += d * d
            i &+= 1
        }
        return RowMoments(count: count, sum: sum, sumOfSquares: squares, centeredSquares: centered,
                          minimum: Double(low), maximum: Double(high), nanCount: 0, positiveInfinityCount: 0,
                          negativeInfinityCount: 0, allBitsZero: orBits == 0,
                          allValuesZero: orBits & 0x7FFF_FFFF == 0)
    }

    // MARK: F64 (and integers decoded to Double)

    @inline(__always)
    static func doubleChunk(_ base: UnsafeRawPointer, _ count: Int) -> RowMoments {
        var s0 = SIMD8<Double>(), q0 = SIMD8<Double>()
        var mn = SIMD8<Double>(repeating: .infinity), mx = SIMD8<Double>(repeating: -.infinity)
        var bits = SIMD8<UInt64>()
        var i = 0
        while i + 8 <= count {
            let v = base.loadUnaligned(fromByteOffset: i &* 8, as: SIMD8<Double>.self)
            s0 += v
            q0 += v * v
            for lane in 0..<8 {
                mn[lane] = v[lane] < mn[lane] ? v[lane] : mn[lane]
                mx[lane] = v[lane] > mx[lane] ? v[lane] : mx[lane]
            }
            bits |= unsafeBitCast(v, to: SIMD8<UInt64>.self)
            i &+= 8
        }
        var sum = s0.sum(), squares = q0.sum()
        var low = mn.min(), high = mx.max()
        var orBits: UInt64 = 0
        for lane in 0..<8 { orBits |= bits[lane] }
        while i < count {
            let x = base.loadUnaligned(fromByteOffset: i &* 8, as: Double.self)
            sum += x
            squares += x * x
            low = Swift.min(low, x)
            high = Swift.max(high, x)
            orBits |= x.bitPattern
            i &+= 1
        }
        guard sum.isFinite && squares.isFinite else {
            return scalarChunk(count: count, sum: sum, squares: squares) {
                base.loadUnaligned(fromByteOffset: $0 &* 8, as: Double.self)
            }
        }
        let mean = SIMD8<Double>(repeating: sum / Double(count))
        var c0 = SIMD8<Double>()
        i = 0
        while i + 8 <= count {
            let d = base.loadUnaligned(fromByteOffset: i &* 8, as: SIMD8<Double>.self) - mean
            c0 += d * d
            i &+= 8
        }
        var centered = c0.sum()
        while i < count {
            let d = base.loadUnaligned(fromByteOffset: i &* 8, as: Double.self) - mean[0]
            centered += d * d
            i &+= 1
        }
        return RowMoments(count: count, sum: sum, sumOfSquares: squares, centeredSquares: centered,
                          minimum: low, maximum: high, nanCount: 0, positiveInfinityCount: 0,
                          negativeInfinityCount: 0, allBitsZero: orBits == 0,
                          allValuesZero: orBits & 0x7FFF_FFFF_FFFF_FFFF == 0)
    }

    // MARK: Slow path

    /// Exact bookkeeping for a chunk that holds NaN/±Inf (or whose squares overflow).
    static func scalarChunk(count: Int, sum: Double, squares: Double, _ value: (Int) -> Double) -> RowMoments {
        var moments = RowMoments.empty
        moments.count = count
        moments.sum = sum
        moments.sumOfSquares = squares
        for i in 0..<count {
            let x = value(i)
            if x.isNaN {
                moments.nanCount += 1
            } else {
                if x == .infinity { moments.positiveInfinityCount += 1 }
                if x == -.infinity { moments.negativeInfinityCount += 1 }
                moments.minimum = RowMoments.nanMin(moments.minimum, x)
                moments.maximum = RowMoments.nanMax(moments.maximum, x)
            }
            if x.bitPattern != 0 { moments.allBitsZero = false }
            if x != 0 { moments.allValuesZero = false }
        }
        if sum.isFinite {
            let mean = sum / Double(count)
            var centered = 0.0
            for i in 0..<count {
                let d = value(i) - mean
                centered += d * d
            }
            moments.centeredSquares = centered
        } else {
            moments.centeredSquares = .nan
        }
        return moments
    }

    // MARK: Decoding into a Float scratch chunk

    /// bfloat16 is the top half of a binary32: widen and shift, 16 lanes at a time.
    @inline(__always)
    static func decodeBF16(_ source: UnsafeRawPointer, _ count: Int, into scratch: UnsafeMutableRawPointer) {
        var i = 0
        while i + 16 <= count {
            let h = source.loadUnaligned(fromByteOffset: i &* 2, as: SIMD16<UInt16>.self)
            let w = SIMD16<UInt32>(truncatingIfNeeded: h) &<< 16
            scratch.storeBytes(of: w, toByteOffset: i &* 4, as: SIMD16<UInt32>.self)
            i &+= 16
        }
        while i < count {
            let h = source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
            scratch.storeBytes(of: UInt32(h) << 16, toByteOffset: i &* 4, as: UInt32.self)
            i &+= 1
        }
    }

    /// binary16 → binary32 without branches or lane masks: place exponent and mantissa in a
    /// float's bits and rescale by 2^112 (exact for normals and subnormals), then force the
    /// exponent to all-ones for Inf/NaN codes with integer arithmetic. `Float(Float16)` would
    /// be a libcall per value at the baseline CPU (0.25 GB/s).
    @inline(__always)
    static func decodeF16(_ source: UnsafeRawPointer, _ count: Int, into scratch: UnsafeMutableRawPointer) {
        let scale = SIMD16<Float>(repeating: 0x1p112)
        var i = 0
        while i + 16 <= count {
            let h = SIMD16<UInt32>(truncatingIfNeeded: source.loadUnaligned(fromByteOffset: i &* 2, as: SIMD16<UInt16>.self))
            let magnitude = h & 0x7FFF
            let scaled = unsafeBitCast(unsafeBitCast(magnitude &<< 13, to: SIMD16<Float>.self) * scale,
                                       to: SIMD16<UInt32>.self)
            let special = (SIMD16<UInt32>(repeating: 0) &- ((magnitude &+ 0x0400) &>> 15)) & 0x7F80_0000
            let w = scaled | special | ((h & 0x8000) &<< 16)
            scratch.storeBytes(of: w, toByteOffset: i &* 4, as: SIMD16<UInt32>.self)
            i &+= 16
        }
        while i < count {
            let h = source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
            scratch.storeBytes(of: f16Bits(h), toByteOffset: i &* 4, as: UInt32.self)
            i &+= 1
        }
    }

    /// The scalar form of `decodeF16`'s lane computation.
    @inline(__always)
    static func f16Bits(_ half: UInt16) -> UInt32 {
        let h = UInt32(half)
        let magnitude = h & 0x7FFF
        let scaled = (Float(bitPattern: magnitude << 13) * 0x1p112).bitPattern
        let special = (0 &- ((magnitude &+ 0x0400) >> 15)) & 0x7F80_0000
        return scaled | special | ((h & 0x8000) << 16)
    }
}
