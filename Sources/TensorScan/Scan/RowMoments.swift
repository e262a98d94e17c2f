import CheckpointIO
/// The one-pass statistics of a run of elements (a row, or part of one), accumulated in
/// `Double` so they agree with a float64 reference to ~1e-12 relative.
///
/// Why a mergeable value: rows are split into fixed chunks (and long rows into pieces that run
/// on both cores); each part keeps its own centred sum of squares, and parts are combined with
/// Chan et al.'s update, which stays exact for constant data (a row of 1000.0 has std 0) where
/// the textbook `Σx² − n·mean²` loses every digit.
///
/// NaN semantics (documented in the README): `sum`, `sumOfSquares`, and everything derived
/// from them follow IEEE arithmetic like numpy (one NaN makes the norm, mean and std NaN; an
/// infinity makes the norm infinite and the std NaN). `minimum`/`maximum` ignore NaN like
/// `numpy.nanmin`/`nanmax` and are NaN only when every element is NaN or there is none.
/// NaN and infinities are also counted separately.
///
/// `BitwiseCopyable`: the scan writes results into buffers it did not initialize
/// (`ScanPlan.take`), which for such a type is initializing them.
public struct RowMoments: Sendable, Equatable, BitwiseCopyable {
    public internal(set) var count: Int
    public internal(set) var sum: Double
    public internal(set) var sumOfSquares: Double
    /// Σ(x − mean)² of this part.
    public internal(set) var centeredSquares: Double
    public internal(set) var minimum: Double
    public internal(set) var maximum: Double
    public internal(set) var nanCount: Int
    public internal(set) var positiveInfinityCount: Int
    public internal(set) var negativeInfinityCount: Int
    /// Every element's bit pattern is zero.
    public internal(set) var allBitsZero: Bool
    /// Every element equals zero by value (−0.0 counts as zero).
    public internal(set) var allValuesZero: Bool

    /// The statistics of no elements; the identity of `merge`.
    public static let empty = RowMoments(count: 0, sum: 0, sumOfSquares: 0, centeredSquares: 0,
                                         minimum: .nan, maximum: .nan, nanCount: 0,
                                         positiveInfinityCount: 0, negativeInfinityCount: 0,
                                         allBitsZero: true, allValuesZero: true)

    public init(count: Int, sum: Double, sumOfSquares: Double, centeredSquares: Double, minimum: Double,
                maximum: Double, nanCount: Int, positiveInfinityCount: Int, negativeInfinityCount: Int,
                allBitsZero: Bool, allValuesZero: Bool) {
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
        self.centeredSquares = centeredSquares
        self.minimum = minimum
        self.maximum = maximum
        self.nanCount = nanCount
        self.positiveInfinityCount = positiveInfinityCount
        self.negativeInfinityCount = negativeInfinityCount
        self.allBitsZero = allBitsZero
        self.allValuesZero = allValuesZero
    }

    /// √Σx².
    @inlinable public var l2Norm: Double { sumOfSquares.squareRoot() }
    /// Σx / n; NaN for no elements.
    @inlinable public var mean: Double { count == 0 ? .nan : sum / Double(count) }
    /// Population standard deviation (numpy's default `ddof=0`); NaN for no elements.
    @inlinable public var standardDeviation: Double {
        count == 0 ? .nan : (centeredSquares / Double(count)).squareRoot()
    }
    /// NaN, +Inf and −Inf elements together.
    @inlinable public var nonFiniteCount: Int { nanCount + positiveInfinityCount + negativeInfinityCount }

    /// Combines the statistics of two adjacent parts (Chan, Golub & LeVeque).
    public func merged(with other: RowMoments) -> RowMoments {
        if other.count == 0 { return self }
        if count == 0 { return other }
        let n = count + other.count
        let delta = other.sum / Double(other.count) - sum / Double(count)
        var out = self
        out.count = n
        out.sum = sum + other.sum
        out.sumOfSquares = sumOfSquares + other.sumOfSquares
        out.centeredSquares = centeredSquares + other.centeredSquares
            + delta * delta * (Double(count) * Double(other.count) / Double(n))
        out.minimum = Self.nanMin(minimum, other.minimum)
        out.maximum = Self.nanMax(maximum, other.maximum)
        out.nanCount += other.nanCount
        out.positiveInfinityCount += other.positiveInfinityCount
        out.negativeInfinityCount += other.negativeInfinityCount
        out.allBitsZero = allBitsZero && other.allBitsZero
        out.allValuesZero = allValuesZero && other.allValuesZero
        return out
    }

    static func nanMin(_ a: Double, _ b: Double) -> Double {
        if a.isNaN { return b }
        if b.isNaN { return a }
        return b < a ? b : a
    }

    static func nanMax(_ a: Double, _ b: Double) -> Double {
        if a.isNaN { return b }
        if b.isNaN { return a }
        return b > a ? b : a
    }
}
