/// Σx, Σx² in `Double` and the extremes in `Float`, eight values per step.
///
/// Why this shape (the house's FloatMomentKernel measured it): at the baseline x86-64 target
/// the generic SIMD conversion initializers are out-of-line calls, so Float → Double is
/// written lane by lane (it compiles to `cvtps2pd`), and min/max are per-lane ternaries
/// (`minps`), not `pointwiseMin`. A float and its square are exact in `Double`, so the only
/// rounding is in the additions. NaN never needs a test here: it makes the sums NaN, and the
/// caller then recomputes the row with the scalar reference.
struct DoubleAccumulator {
    var s0 = SIMD2<Double>(), s1 = SIMD2<Double>(), s2 = SIMD2<Double>(), s3 = SIMD2<Double>()
    var q0 = SIMD2<Double>(), q1 = SIMD2<Double>(), q2 = SIMD2<Double>(), q3 = SIMD2<Double>()
    var lowest = SIMD4<Float>(repeating: .infinity), highest = SIMD4<Float>(repeating: -.infinity)
    var tailSum = 0.0, tailSquares = 0.0

    @inline(__always)
    static func low(_ v: SIMD4<Float>) -> SIMD2<Double> { SIMD2(Double(v[0]), Double(v[1])) }
    @inline(__always)
    static func high(_ v: SIMD4<Float>) -> SIMD2<Double> { SIMD2(Double(v[2]), Double(v[3])) }

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

    @inline(__always)
    mutating func add(_ a: SIMD4<Float>, _ b: SIMD4<Float>) {
        let a0 = Self.low(a), a1 = Self.high(a), b0 = Self.low(b), b1 = Self.high(b)
        s0 += a0
        s1 += a1
        s2 += b0
        s3 += b1
        q0 += a0 * a0
        q1 += a1 * a1
        q2 += b0 * b0
        q3 += b1 * b1
        lowest = Self.lanesMin(Self.lanesMin(a, b), lowest)
        highest = Self.lanesMax(Self.lanesMax(a, b), highest)
    }

    /// `count` floats at any alignment (eight at a time, then one at a time).
    @inline(__always)
    mutating func add(_ raw: UnsafeRawPointer, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            add(raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self),
                raw.loadUnaligned(fromByteOffset: i &* 4 &+ 16, as: SIMD4<Float>.self))
            i &+= 8
        }
        while i < count {
            let x = raw.loadUnaligned(fromByteOffset: i &* 4, as: Float.self)
            tailSum += Double(x)
            tailSquares += Double(x) * Double(x)
            lowest[0] = x < lowest[0] ? x : lowest[0]
            highest[0] = x > highest[0] ? x : highest[0]
            i &+= 1
        }
    }

    /// Σx, Σx² and the extremes as accumulated (for callers whose lanes are scaled values).
    func totals() -> (sum: Double, squares: Double, lowest: Float, highest: Float) {
        let sums = (s0 + s1) + (s2 + s3), squares = (q0 + q1) + (q2 + q3)
        return (sums[0] + sums[1] + tailSum, squares[0] + squares[1] + tailSquares,
                min(min(lowest[0], lowest[1]), min(lowest[2], lowest[3])),
                max(max(highest[0], highest[1]), max(highest[2], highest[3])))
    }

    /// The finished statistics, or nil when a sum is not finite (the row holds NaN or ±Inf
    /// and must be recounted by the caller).
    func moments(count: Int) -> GGUFRowMoments? {
        let sums = (s0 + s1) + (s2 + s3), squares = (q0 + q1) + (q2 + q3)
        let sum = sums[0] + sums[1] + tailSum, sumOfSquares = squares[0] + squares[1] + tailSquares
        guard sum.isFinite, sumOfSquares.isFinite else { return nil }
        guard count > 0 else { return .empty }
        let low = min(min(lowest[0], lowest[1]), min(lowest[2], lowest[3]))
        let high = max(max(highest[0], highest[1]), max(highest[2], highest[3]))
        return GGUFRowMoments(count: count, sum: sum, sumOfSquares: sumOfSquares,
                              minimum: Double(low), maximum: Double(high))
    }
}
