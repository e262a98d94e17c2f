/// The first principal component of a matrix's rows, by power iteration.
///
/// Why power iteration: it needs one pass over the rows per step and memory for two vectors,
/// where a covariance matrix costs dimension² (128 MB at 4096) and rows × dimension² work.
/// Each step computes w = Σᵢ (xᵢ − μ) ((xᵢ − μ) · v) and normalises it; the start vector comes
/// from a fixed seed, so results are repeatable. It stops when a step moves the unit vector by
/// less than `tolerance` (‖v′ − v‖₂, signs aligned), after `maxIterations` steps, or when its
/// rate says it would not get there within them (`stalled`; `converged` says which). Convergence speed is the ratio r of the second to the first
/// eigenvalue, and the direction's remaining error is about the last step's move times
/// r / (1 − r): all-MiniLM-L6-v2's embedding (r ≈ 0.83) takes ~140 steps to 1e-11. When the
/// two eigenvalues are close the direction found is a mix of both and `converged` is false.
/// The sign is fixed so the largest component is positive.
///
/// Why the move and not 1 − |v·v′|: that measure is the square of the move's size, so its old
/// bound (1e-13) stopped at a move of ~4e-7 and left scores ~1e-6 from numpy's SVD (helper
/// review, 2026-12-05), a gap a test on a well-separated toy matrix did not see.
public struct PrincipalComponent: Sendable, Equatable {
    /// Unit vector.
    public var direction: [Double]
    /// Mean row (the data are centred before the component is found).
    public var mean: [Double]
    /// Variance along `direction` (the eigenvalue divided by the row count).
    public var variance: Double
    public var iterations: Int
    public var converged: Bool
    /// The iteration stopped before `maxIterations` because, at the rate its last steps shrank
    /// the move, it could not reach `tolerance` within them (`converged` is then false).
    public var stalled = false

    public static let defaultSeed: UInt64 = 0x5EED_2405_0541_7000
    public static let defaultMaxIterations = 1000
    public static let defaultTolerance = 1e-11

    /// Why `find` found no component.
    public enum Failure: Error, Equatable, Sendable {
        /// Fewer than two rows, or rows without columns.
        case tooFewRows
        /// Every row is the same vector.
        case noSpread
        /// A sum or product of the rows' values overflowed the largest double (~1.8e308), or
        /// the rows hold NaN or ±Inf (`UndertrainedIndicators` leaves such rows out first).
        case overflow
        /// The rows differ, but the products the iteration takes of their differences from the
        /// mean fall below the smallest double (~4.9e-324) and round to zero (values around
        /// 1e-80 and smaller): a direction exists, too small to measure in doubles.
        case underflow
    }

    /// nil when there are fewer than two rows, no columns, or no direction can be measured
    /// (`find` says why).
    public static func first(of rows: some EmbeddingRowSource, maxIterations: Int = defaultMaxIterations,
                             tolerance: Double = defaultTolerance, seed: UInt64 = defaultSeed) -> PrincipalComponent? {
        try? find(of: rows, maxIterations: maxIterations, tolerance: tolerance, seed: seed)
    }

    /// The first principal component, or why there is none. Why the reasons are told apart:
    /// a note that said "every row is the same vector, or their spread overflows" was given for
    /// an F64 matrix of values around 1e-200, whose rows differ and nothing overflowed.
    public static func find(of rows: some EmbeddingRowSource, maxIterations: Int = defaultMaxIterations,
                            tolerance: Double = defaultTolerance, seed: UInt64 = defaultSeed) throws(Failure) -> PrincipalComponent {
        let n = rows.rowCount, d = rows.dimension
        guard n >= 2, d >= 1 else { throw .tooFewRows }
        // Checked on the rows, not on the centred rows: the mean of equal rows summed in doubles
        // may miss them by an ulp (48 × 0.1 / 48 = 0.1 − 2.8e-17), and the power iteration then
        // found a "component" in the rounding, and scores from it, for a constant F64 matrix.
        guard !rowsAreEqual(rows) else { throw .noSpread }
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n {
            let row = rows.row(i)
            for j in 0..<d { mean[j] += row[j] }
        }
        for j in 0..<d { mean[j] /= Double(n) }

        var state = seed
        var v = (0..<d).map { _ in Double(splitMix64(&state) >> 11) / Double(1 << 53) * 2 - 1 }
        // A start vector of zeros would need all 53-bit draws to be exactly half the range.
        guard normalize(&v) > 0 else { throw .noSpread }
        var iterations = 0, converged = false, eigenvalue = 0.0, stalled = false
        // The last moves, to see how fast the iteration converges (the move shrinks by about
        // r = λ₂/λ₁ per step): when the eigenvalues are close it crawls, and 1,000 passes over a
        // 32,000 × 1,024 untrained matrix took 74 s for a direction that was a mix anyway
        // (hunt-63a M3; now 38 steps). It stops when reaching the tolerance would take more than
        // the steps left, judged by the shrink over the last `window` steps, from step 20 on:
        // all-MiniLM-L6-v2 (r ≈ 0.83) needs ~140 steps and is never stopped.
        var moves: [Double] = []
        let window = 10
        var centred = [Double](repeating: 0, count: d)
        while iterations < maxIterations {
            iterations += 1
            var w = [Double](repeating: 0, count: d)
            // Every buffer held for the whole pass: array subscripts (bounds checks, uniqueness
            // checks) in the two inner loops were most of a step's time.
            centred.withUnsafeMutableBufferPointer { c in
                w.withUnsafeMutableBufferPointer { w in
                    mean.withUnsafeBufferPointer { m in
                        v.withUnsafeBufferPointer { v in
                            for i in 0..<n {
                                rows.withRow(i) { row in
                                    for j in 0..<d { c[j] = row[j] - m[j] }
                                    let dot = Self.dot(UnsafeBufferPointer(c), v)
                                    for j in 0..<d { w[j] += c[j] * dot }
                                }
                            }
                        }
                    }
                }
            }
            eigenvalue = normalize(&w)
            guard eigenvalue.isFinite else { throw .overflow }
            // The rows differ (checked above), so a zero step is products rounded to zero.
            guard eigenvalue > 0 else { throw .underflow }
            var agreement = 0.0
            for j in 0..<d { agreement += w[j] * v[j] }
            let sign = agreement < 0 ? -1.0 : 1.0
            var move = 0.0
            for j in 0..<d { move += (w[j] - sign * v[j]) * (w[j] - sign * v[j]) }
            v = w
            let size = move.squareRoot()
            if size < tolerance {
                converged = true
                break
            }
            moves.append(size)
            if iterations >= 20, moves.count > window {
                // The move after the steps left, at the last window's shrink factor.
                let earlier = moves[moves.count - 1 - window]
                let factor = earlier > 0 ? size / earlier : 1
                var projected = size
                for _ in 0..<((maxIterations - iterations) / window) where projected >= tolerance { projected *= factor }
                if projected >= tolerance {
                    stalled = true
                    break
                }
            }
        }
        if let largest = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[largest] < 0 {
            for j in 0..<d { v[j] = -v[j] }
        }
        return PrincipalComponent(direction: v, mean: mean, variance: eigenvalue / Double(n),
                                  iterations: iterations, converged: converged, stalled: stalled)
    }

    /// Whether every row equals the first by value (−0.0 equals 0.0): then no direction exists.
    /// Usually settled by the second row.
    static func rowsAreEqual(_ rows: some EmbeddingRowSource) -> Bool {
        let first = rows.row(0)
        for i in 1..<rows.rowCount {
            let row = rows.row(i)
            for j in first.indices where row[j] != first[j] { return false }
        }
        return true
    }

    /// Σ a[j] b[j] in four interleaved partial sums (j mod 4), added in a fixed order: one
    /// chain of dependent adds was the loop's whole time. The same bits on every machine.
    @inline(__always)
    static func dot(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = 0
        let count = a.count
        while j + 4 <= count {
            s0 += a[j] * b[j]
            s1 += a[j + 1] * b[j + 1]
            s2 += a[j + 2] * b[j + 2]
            s3 += a[j + 3] * b[j + 3]
            j += 4
        }
        while j < count {
            s0 += a[j] * b[j]
            j += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// Scales `v` to unit length; returns its former length.
    @discardableResult
    static func normalize(_ v: inout [Double]) -> Double {
        var sum = 0.0
        for x in v { sum += x * x }
        let length = sum.squareRoot()
        if length > 0 { for j in v.indices { v[j] /= length } }
        return length
    }

    /// SplitMix64: a small, fixed generator so the start vector is the same on every platform.
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
