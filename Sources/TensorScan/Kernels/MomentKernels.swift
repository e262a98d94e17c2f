import CheckpointIO
/// SIMD loops behind `RowMoments`: one chunk (≤ `chunkElements` values) at a time.
///
/// Measured on this machine (2 vCPU, baseline x86-64): `SIMD16<Float>` loads with `*`/`+` run
/// near memory speed, while `addingProduct` becomes a libcall per lane (2.4 GB/s), so the
/// loops use separate multiply and add. Products and sums are formed in `Double`: a float
/// times a float is exact in a double, which keeps sums within ~1e-15 of numpy's float64.
/// The fast path assumes finite data; a chunk whose sums come out non-finite is re-run by a
/// scalar loop that counts NaN/±Inf and ignores NaN in min/max (rare, so its speed is moot).
enum MomentKernels {
    /// Elements per chunk: 8 KiB of F32, small enough that a second (centring) pass over the
    /// chunk, when one is needed, reads from L1. The F32/BF16/F16 kernel is in
    /// FloatMomentKernel.swift.
    static let chunkElements = 2048

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
}
