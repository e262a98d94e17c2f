/// The one-pass statistics of a row of decoded values, accumulated in `Double`.
///
/// Semantics follow the house's `RowMoments` (TensorViews), so phase 2 can convert one into the
/// other: `sum` and `sumOfSquares` follow IEEE arithmetic (one NaN makes them NaN, an infinity
/// makes them infinite); `minimum`/`maximum` ignore NaN and are NaN only for a row with no
/// non-NaN value; NaN and infinities are also counted.
public struct GGUFRowMoments: Sendable, Equatable {
    public var count: Int
    public var sum: Double
    public var sumOfSquares: Double
    public var minimum: Double
    public var maximum: Double
    public var nanCount: Int
    public var positiveInfinityCount: Int
    public var negativeInfinityCount: Int

    public init(count: Int, sum: Double, sumOfSquares: Double, minimum: Double, maximum: Double,
                nanCount: Int = 0, positiveInfinityCount: Int = 0, negativeInfinityCount: Int = 0) {
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
        self.minimum = minimum
        self.maximum = maximum
        self.nanCount = nanCount
        self.positiveInfinityCount = positiveInfinityCount
        self.negativeInfinityCount = negativeInfinityCount
    }

    public static let empty = GGUFRowMoments(count: 0, sum: 0, sumOfSquares: 0, minimum: .nan, maximum: .nan)

    /// √Σx².
    public var l2Norm: Double { sumOfSquares.squareRoot() }

    /// The plain one-value-at-a-time statistics: the reference the kernels are tested against,
    /// and the path taken for a row holding NaN or an infinity (rare, so speed does not matter).
    public init<Values: Sequence<Float>>(values: Values) {
        self = .empty
        for value in values {
            let x = Double(value)
            count += 1
            sum += x
            sumOfSquares += x * x
            if x.isNaN {
                nanCount += 1
                continue
            }
            if x == .infinity { positiveInfinityCount += 1 }
            if x == -.infinity { negativeInfinityCount += 1 }
            if minimum.isNaN || x < minimum { minimum = x }
            if maximum.isNaN || x > maximum { maximum = x }
        }
    }
}
