import CheckpointIO
import CMomentKernels

/// The one-pass moment kernel for every dtype that widens to `Float` in registers (F32, BF16,
/// F16): eight values per step, read straight from the mapped bytes (no scratch copy).
///
/// Why it looks like this (measured on this machine, 2 vCPU AMD EPYC, baseline x86-64 = SSE2,
/// one core, 2048-value chunks in cache): the previous kernel made two passes per chunk
/// (sums, then Σ(x − mean)²) with `SIMD8` state that LLVM spilled to the stack every step, and
/// decoded BF16/F16 through a scratch buffer with an out-of-line `SIMD16` integer widening:
/// 0.79 ns/value F32, 1.25 BF16, 1.99 F16. This kernel keeps its state in exactly the
/// SSE registers (four `SIMD2<Double>` sums, four sums of squares, one `SIMD4<Float>` min and
/// max), widens BF16/F16 from `UInt32` pairs with shifts and masks, and makes one pass.
///
/// One pass without losing accuracy: Σx and Σx² are accumulated in `Double` (a float and its
/// square are exact there), and the centred sum is `Σx² − Σx·mean`. That difference loses
/// about log2(Σx² / Σ(x − mean)²) bits; when it would lose more than 10 (|mean| > ~32 std, a
/// constant row, LayerNorm weights near 1), the chunk — still in L1 — gets the exact second
/// pass instead, so a constant row keeps std exactly 0 and the error bound stays near 1e-11
/// relative in both cases. Non-finite values are not tested per element: a NaN or ±Inf makes
/// the sums non-finite, and only such a chunk is re-run by the scalar counting loop.
protocol FloatLanes {
    var base: UnsafeRawPointer { get }
    /// Bytes per element.
    static var stride: Int { get }
    /// Elements `i ..< i + 8` as two vectors, in any fixed lane order (the reductions are
    /// order-independent; the order only has to be the same for every chunk).
    func eight(_ i: Int) -> (SIMD4<Float>, SIMD4<Float>)
    /// Element `i` as a lane (the value times `1 / scale`).
    func one(_ i: Int) -> Float
    /// Element `i` as a value (NaN and ±Inf included).
    func value(_ i: Int) -> Double
    /// Lanes hold values divided by this power of two.
    static var scale: Double { get }
    /// Whether lanes with these extremes are all finite values (when the sums are finite).
    static func finite(lowest: Float, highest: Float) -> Bool
    /// The AVX2 (`avx512`: AVX-512) version of `chunk`'s eight-wide loop: its raw sums over the
    /// leading `count & ~7` elements (call only on a CPU that runs that path).
    func wideSums(_ count: Int, avx512: Bool) -> cmk_lane_sums
}

extension FloatLanes {
    static var scale: Double { 1 }

    @inline(__always)
    func value(_ i: Int) -> Double { Double(one(i)) }

    /// NaN and ±Inf lanes make Σx non-finite, so the extremes need no check.
    @inline(__always)
    static func finite(lowest: Float, highest: Float) -> Bool { true }
}

struct F32Lanes: FloatLanes {
    static let stride = 4
    let base: UnsafeRawPointer

    @inline(__always)
    func eight(_ i: Int) -> (SIMD4<Float>, SIMD4<Float>) {
        (base.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self),
         base.loadUnaligned(fromByteOffset: i &* 4 &+ 16, as: SIMD4<Float>.self))
    }

    @inline(__always)
    func one(_ i: Int) -> Float { base.loadUnaligned(fromByteOffset: i &* 4, as: Float.self) }

    @inline(__always)
    func wideSums(_ count: Int, avx512: Bool) -> cmk_lane_sums { avx512 ? cmk_f32_sums_avx512(base, count) : cmk_f32_sums_avx2(base, count) }
}

/// bfloat16 is the top half of a binary32: a `UInt32` holding two of them (little-endian) gives
/// the even element as `word << 16` and the odd one as `word & 0xFFFF_0000`.
struct BF16Lanes: FloatLanes {
    static let stride = 2
    let base: UnsafeRawPointer

    @inline(__always)
    func eight(_ i: Int) -> (SIMD4<Float>, SIMD4<Float>) {
        let w = base.loadUnaligned(fromByteOffset: i &* 2, as: SIMD4<UInt32>.self)
        return (unsafeBitCast(w &<< 16, to: SIMD4<Float>.self),
                unsafeBitCast(w & 0xFFFF_0000, to: SIMD4<Float>.self))
    }

    @inline(__always)
    func one(_ i: Int) -> Float {
        Float(bitPattern: UInt32(base.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)) << 16)
    }

    @inline(__always)
    func wideSums(_ count: Int, avx512: Bool) -> cmk_lane_sums { avx512 ? cmk_bf16_sums_avx512(base, count) : cmk_bf16_sums_avx2(base, count) }
}

/// binary16 from `UInt32` pairs, placed in a binary32 without rescaling: sign to bit 31,
/// exponent and mantissa shifted left by 13. The lane then holds x · 2^-112 exactly (normals
/// and subnormals alike), so sums, squares and extremes are those of x scaled by a power of two
/// and are rescaled once per chunk, bit-identical to converting each value. Inf/NaN codes
/// become large finite lanes; they are found from the chunk's extremes instead (see
/// `finite(lowest:highest:)`). This is 5 integer operations per four values; the full
/// per-value conversion (`f16Bits` in lanes) costs twice that and was the F16 bottleneck.
struct F16Lanes: FloatLanes {
    static let stride = 2
    static let scale = 0x1p112
    /// The lane of the code 0x7C00 (+Inf); every NaN code is above it.
    static let infinityLane = Float(bitPattern: 0x7C00 << 13)
    let base: UnsafeRawPointer

    @inline(__always)
    func eight(_ i: Int) -> (SIMD4<Float>, SIMD4<Float>) {
        let w = base.loadUnaligned(fromByteOffset: i &* 2, as: SIMD4<UInt32>.self)
        let even = ((w &<< 16) & 0x8000_0000) | ((w &<< 13) & 0x0FFF_E000)
        let odd = (w & 0x8000_0000) | ((w &>> 3) & 0x0FFF_E000)
        return (unsafeBitCast(even, to: SIMD4<Float>.self), unsafeBitCast(odd, to: SIMD4<Float>.self))
    }

    @inline(__always)
    func one(_ i: Int) -> Float {
        let h = UInt32(base.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))
        return Float(bitPattern: ((h & 0x8000) << 16) | ((h & 0x7FFF) << 13))
    }

    @inline(__always)
    func value(_ i: Int) -> Double {
        Double(Float(bitPattern: MomentKernels.f16Bits(base.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))))
    }

    @inline(__always)
    static func finite(lowest: Float, highest: Float) -> Bool {
        highest < infinityLane && lowest > -infinityLane
    }

    @inline(__always)
    func wideSums(_ count: Int, avx512: Bool) -> cmk_lane_sums { avx512 ? cmk_f16_lane_sums_avx512(base, count) : cmk_f16_lane_sums_avx2(base, count) }
}

extension MomentKernels {
    /// Accepted loss of the one-pass centred sum, as a power of two: Σx² may exceed
    /// Σ(x − mean)² by at most 2^10 before the chunk is re-read with the exact second pass.
    static let cancellationLimit = 1024.0

    /// Whether this CPU runs the AVX2 + FMA loops of CMomentKernels (checked once). The binary
    /// targets baseline x86-64, where the Swift loop converts and sums two doubles per
    /// instruction; the AVX2 loop does four and fuses the square-and-add.
    static let hasAVX2 = cmk_has_avx2() != 0

    /// The loop that computes a chunk's raw sums. AVX2 and AVX-512 give bit-identical results
    /// (the same additions per double lane, in the same order: the reports do not depend on
    /// the CPU among those two); the portable loop sums in another order (equal to rounding).
    enum Path: CaseIterable, Sendable {
        case portable, avx2, avx512

        /// The fastest path this CPU runs (checked once). AVX-512 widens eight floats per
        /// instruction and keeps a pair of AVX2 accumulators in one register: measured 12.3 ->
        /// 15.7 GB/s over the mapped 0.6 GB BF16 bench file on two Zen 4 threads.
        static let best: Path = cmk_has_avx512() != 0 ? .avx512 : (hasAVX2 ? .avx2 : .portable)

        /// Whether this CPU runs the path.
        var isAvailable: Bool {
            switch self {
            case .portable: true
            case .avx2: MomentKernels.hasAVX2
            case .avx512: Path.best == .avx512
            }
        }
    }

    /// `path` picks the loop (tests compare the paths on the same machine; `.best` otherwise).
    static func floatChunk(_ base: UnsafeRawPointer, _ count: Int, path: Path = .best) -> RowMoments {
        chunk(F32Lanes(base: base), count, path: path)
    }

    static func bf16Chunk(_ base: UnsafeRawPointer, _ count: Int, path: Path = .best) -> RowMoments {
        chunk(BF16Lanes(base: base), count, path: path)
    }

    static func f16Chunk(_ base: UnsafeRawPointer, _ count: Int, path: Path = .best) -> RowMoments {
        chunk(F16Lanes(base: base), count, path: path)
    }

    /// The same chunks written to `destination` (uninitialized) rather than returned: the scan
    /// reloaded a returned 80-byte value from the stack with 16-byte loads across the callee's
    /// 8-byte stores, a store-forwarding stall per row (`TensorView.moments(…into:)`).
    static func floatChunk(_ base: UnsafeRawPointer, _ count: Int, into destination: UnsafeMutablePointer<RowMoments>) {
        destination.initialize(to: chunk(F32Lanes(base: base), count, path: .best))
    }

    static func bf16Chunk(_ base: UnsafeRawPointer, _ count: Int, into destination: UnsafeMutablePointer<RowMoments>) {
        destination.initialize(to: chunk(BF16Lanes(base: base), count, path: .best))
    }

    static func f16Chunk(_ base: UnsafeRawPointer, _ count: Int, into destination: UnsafeMutablePointer<RowMoments>) {
        destination.initialize(to: chunk(F16Lanes(base: base), count, path: .best))
    }

    /// binary16 → binary32 bits without branches: exponent and mantissa placed in a float's
    /// bits and rescaled by 2^112 (exact for normals and subnormals), the exponent forced to
    /// all-ones for Inf/NaN codes with integer arithmetic. `Float(Float16)` is a libcall per
    /// value at the baseline CPU. Used off the hot path (the F16 lanes skip the rescaling).
    @inline(__always)
    static func f16Bits(_ half: UInt16) -> UInt32 {
        let h = UInt32(half)
        let magnitude = h & 0x7FFF
        let scaled = (Float(bitPattern: magnitude << 13) * 0x1p112).bitPattern
        let special = (0 &- ((magnitude &+ 0x0400) >> 15)) & 0x7F80_0000
        return scaled | special | ((h & 0x8000) << 16)
    }

    /// Float lanes → Double lanes written out: compiles to `cvtps2pd` (the generic SIMD
    /// conversion initializers are out-of-line calls here).
    @inline(__always)
    static func low(_ v: SIMD4<Float>) -> SIMD2<Double> { SIMD2(Double(v[0]), Double(v[1])) }

    @inline(__always)
    static func high(_ v: SIMD4<Float>) -> SIMD2<Double> { SIMD2(Double(v[2]), Double(v[3])) }

    /// Lane-wise minimum as a ternary per lane, which compiles to `minps` (`pointwiseMin` is a
    /// per-lane IEEE call, and SIMD mask selects are slow here). NaN never reaches it on the
    /// fast path: a chunk holding NaN is re-run by `scalarChunk`.
    @inline(__always)
    static func lanesMin(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        SIMD4(a[0] < b[0] ? a[0] : b[0], a[1] < b[1] ? a[1] : b[1],
              a[2] < b[2] ? a[2] : b[2], a[3] < b[3] ? a[3] : b[3])
    }

    @inline(__always)
    static func lanesMax(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        SIMD4(a[0] > b[0] ? a[0] : b[0], a[1] > b[1] ? a[1] : b[1],
              a[2] > b[2] ? a[2] : b[2], a[3] > b[3] ? a[3] : b[3])
    }

    /// Whether `count` bytes are all zero: a wide OR, no per-element branch (zero-filled
    /// tensors are common enough that a scalar loop here was measurable).
    static func allBytesZero(_ base: UnsafeRawPointer, _ count: Int) -> Bool {
        var bits = SIMD2<UInt64>()
        var i = 0
        while i &+ 16 <= count {
            bits |= base.loadUnaligned(fromByteOffset: i, as: SIMD2<UInt64>.self)
            i &+= 16
        }
        var rest = bits[0] | bits[1]
        while i < count {
            rest |= UInt64(base.load(fromByteOffset: i, as: UInt8.self))
            i &+= 1
        }
        return rest == 0
    }

    /// The portable eight-wide loop: raw sums and lane extremes of the leading `count & ~7`
    /// elements, in the 16 SSE registers.
    @inline(__always)
    static func eightWide<Lanes: FloatLanes>(_ lanes: Lanes, _ count: Int) -> (Double, Double, Float, Float) {
        var s0 = SIMD2<Double>(), s1 = SIMD2<Double>(), s2 = SIMD2<Double>(), s3 = SIMD2<Double>()
        var q0 = SIMD2<Double>(), q1 = SIMD2<Double>(), q2 = SIMD2<Double>(), q3 = SIMD2<Double>()
        var mn = SIMD4<Float>(repeating: .infinity), mx = SIMD4<Float>(repeating: -.infinity)
        var i = 0
        while i &+ 8 <= count {
            let (a, b) = lanes.eight(i)
            let a0 = low(a), a1 = high(a), b0 = low(b), b1 = high(b)
            s0 += a0
            s1 += a1
            s2 += b0
            s3 += b1
            q0 += a0 * a0
            q1 += a1 * a1
            q2 += b0 * b0
            q3 += b1 * b1
            mn = lanesMin(lanesMin(a, b), mn)
            mx = lanesMax(lanesMax(a, b), mx)
            i &+= 8
        }
        let sums = (s0 + s1) + (s2 + s3), quads = (q0 + q1) + (q2 + q3)
        return (sums[0] + sums[1], quads[0] + quads[1],
                Swift.min(Swift.min(mn[0], mn[1]), Swift.min(mn[2], mn[3])),
                Swift.max(Swift.max(mx[0], mx[1]), Swift.max(mx[2], mx[3])))
    }

    /// The eight-wide loop (on `path`) gives the raw sums and lane extremes of the leading
    /// `count & ~7` elements; the tail and every decision below are shared by every path.
    @inline(__always)
    static func chunk<Lanes: FloatLanes>(_ lanes: Lanes, _ count: Int, path: Path) -> RowMoments {
        var sum: Double, squares: Double, lowest: Float, highest: Float
        if path != .portable {
            let sums = lanes.wideSums(count, avx512: path == .avx512)
            (sum, squares, lowest, highest) = (sums.sum, sums.squares, sums.lowest, sums.highest)
        } else {
            (sum, squares, lowest, highest) = eightWide(lanes, count)
        }
        var i = count & ~7
        while i < count {
            let x = lanes.one(i)
            let d = Double(x)
            sum += d
            squares += d * d
            lowest = x < lowest ? x : lowest
            highest = x > highest ? x : highest
            i &+= 1
        }
        let scale = Lanes.scale
        guard sum.isFinite && squares.isFinite && Lanes.finite(lowest: lowest, highest: highest) else {
            var sumOfValues = 0.0, sumOfSquares = 0.0
            for k in 0..<count {
                let x = lanes.value(k)
                sumOfValues += x
                sumOfSquares += x * x
            }
            return scalarChunk(count: count, sum: sumOfValues, squares: sumOfSquares) { lanes.value($0) }
        }
        let mean = sum / Double(count)
        var centered = squares - sum * mean
        if !(centered * cancellationLimit >= squares) {
            centered = 0
            var c0 = SIMD2<Double>(), c1 = SIMD2<Double>()
            let m = SIMD2<Double>(repeating: mean)
            i = 0
            while i &+ 8 <= count {
                let (a, b) = lanes.eight(i)
                let a0 = low(a) - m, a1 = high(a) - m, b0 = low(b) - m, b1 = high(b) - m
                c0 += a0 * a0 + b0 * b0
                c1 += a1 * a1 + b1 * b1
                i &+= 8
            }
            let c = c0 + c1
            centered = c[0] + c[1]
            while i < count {
                let d = Double(lanes.one(i)) - mean
                centered += d * d
                i &+= 1
            }
        }
        // Σx² is zero exactly when every value is ±0 (a nonzero float's square is ≥ 2^-298 in
        // a double); only then are the sign bits worth a look.
        let allBitsZero = squares == 0 && allBytesZero(lanes.base, count &* Lanes.stride)
        return RowMoments(count: count, sum: sum * scale, sumOfSquares: squares * (scale * scale),
                          centeredSquares: centered * (scale * scale),
                          minimum: Double(lowest) * scale, maximum: Double(highest) * scale, nanCount: 0,
                          positiveInfinityCount: 0, negativeInfinityCount: 0, allBitsZero: allBitsZero,
                          allValuesZero: squares == 0)
    }
}
