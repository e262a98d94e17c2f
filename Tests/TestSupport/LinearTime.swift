import Foundation

/// Growth checks for "work linear in the input": times `body(n)` and `body(2n)` (best of three
/// runs each, so a busy machine inflates neither) and returns the ratio. A linear parse gives
/// about 2, a quadratic one about 4; tests allow a generous bound (< 3.2 or so) and never
/// compare against a wall-clock time.
public enum LinearTime {
    public static func doublingRatio(_ n: Int, _ body: (Int) throws -> Void) rethrows -> Double {
        func best(_ size: Int) throws -> Double {
            var times: [Double] = []
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                try body(size)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start))
            }
            return max(1, times.min() ?? 1)
        }
        try body(n)  // warm-up: first-touch allocations and caches
        return try best(2 * n) / best(n)
    }
}
