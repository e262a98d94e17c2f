/// Summary of a list of numbers (row norms): what a person scans to see whether one row stands
/// out. Quantiles interpolate linearly between order statistics, as `numpy.quantile` does by
/// default; `std` is the population standard deviation (two passes).
public struct Distribution: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var std: Double
    public var median: Double
    public var minimum: Double
    /// Position (row index) of the first minimum.
    public var argmin: Int
    public var maximum: Double
    /// Position (row index) of the first maximum.
    public var argmax: Int
    /// Quantile levels reported: 1 %, 5 %, 25 %, 75 %, 95 %, 99 %.
    public static let levels: [Double] = [0.01, 0.05, 0.25, 0.75, 0.95, 0.99]
    /// Values at `levels`, same order.
    public var quantiles: [Double]

    /// `values[i]` belongs to row `positions[i]`; `nil` when `values` is empty. Values must be
    /// finite (callers filter NaN/Inf and count them separately).
    public init?(values: [Double], positions: [Int]) {
        guard !values.isEmpty, values.count == positions.count else { return nil }
        count = values.count
        let n = Double(values.count)
        mean = values.reduce(0, +) / n
        let m = mean
        std = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
        var low = 0, high = 0
        for i in values.indices {
            if values[i] < values[low] { low = i }
            if values[i] > values[high] { high = i }
        }
        minimum = values[low]
        argmin = positions[low]
        maximum = values[high]
        argmax = positions[high]
        let size = values.count
        let wanted = ([0.5] + Self.levels).flatMap { Self.ranks(count: size, q: $0) }
        let picked = OrderStatistics.values(atSortedRanks: wanted, of: values)
        func at(_ rank: Int) -> Double { picked[wanted.firstIndex(of: rank) ?? 0] }
        median = Self.interpolate(count: size, q: 0.5, at: at)
        quantiles = Self.levels.map { Self.interpolate(count: size, q: $0, at: at) }
    }

    /// numpy's default ("linear") quantile of sorted values.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        interpolate(count: sorted.count, q: q) { sorted[$0] }
    }

    /// The median of unsorted values (NaN when empty). Selects the middle order statistics
    /// instead of sorting (same value as sorting, see `OrderStatistics`).
    public static func median(_ values: [Double]) -> Double {
        let wanted = ranks(count: values.count, q: 0.5)
        let picked = OrderStatistics.values(atSortedRanks: wanted, of: values)
        return interpolate(count: values.count, q: 0.5) { picked[wanted.firstIndex(of: $0) ?? 0] }
    }

    /// The sorted ranks `interpolate` reads for level `q`.
    static func ranks(count: Int, q: Double) -> [Int] {
        guard count > 0 else { return [] }
        let lower = Int((q * Double(count - 1)).rounded(.down))
        return lower + 1 < count ? [lower, lower + 1] : [count - 1]
    }

    /// The linear quantile at level `q` of `count` values whose sorted rank `k` is `at(k)`;
    /// reads only the ranks `ranks(count:q:)` names.
    static func interpolate(count: Int, q: Double, at: (Int) -> Double) -> Double {
        guard count > 0 else { return .nan }
        let position = q * Double(count - 1)
        let lower = Int(position.rounded(.down))
        guard lower + 1 < count else { return at(count - 1) }
        let fraction = position - Double(lower)
        let a = at(lower), b = at(lower + 1)
        return fraction == 0 ? a : a + (b - a) * fraction
    }
}
