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
        let sorted = values.sorted()
        median = Self.quantile(sorted, 0.5)
        quantiles = Self.levels.map { Self.quantile(sorted, $0) }
    }

    /// numpy's default ("linear") quantile of sorted values.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard let first = sorted.first else { return .nan }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        guard lower + 1 < sorted.count else { return sorted[sorted.count - 1] }
        let fraction = position - Double(lower)
        let a = sorted[lower], b = sorted[lower + 1]
        _ = first
        return fraction == 0 ? a : a + (b - a) * fraction
    }

    /// The median of unsorted values (NaN when empty).
    public static func median(_ values: [Double]) -> Double {
        quantile(values.sorted(), 0.5)
    }
}
