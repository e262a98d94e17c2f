import Foundation

/// Growth checks for "work linear in the input": times `body(n)` and `body(4n)` and returns the
/// ratio. A linear parse gives about 4, a quadratic one about 16, so the bound tests use (< 8)
/// leaves a factor of two for a busy machine on either side; tests never compare against a
/// wall-clock time.
///
/// Why four times, not two: with a doubling the linear and quadratic answers (2 and 4) sit so
/// close that another process on a 2-core CI machine pushed a linear parse past the bound.
/// Each size is timed best-of-three, and a ratio over `acceptBelow` is measured again (up to
/// `attempts` times, five by default: helpers on a loaded 2-core machine saw three fail) keeping
/// the smallest: load only ever slows one run, it never makes a
/// quadratic parse look linear.
public enum LinearTime {
    public static let growth = 4
    public static let bound = 8.0

    public static func ratio(_ n: Int, attempts: Int = 5, acceptBelow: Double = bound,
                             _ body: (Int) throws -> Void) rethrows -> Double {
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
        var smallest = Double.infinity
        for _ in 0..<max(1, attempts) {
            smallest = min(smallest, try best(growth * n) / best(n))
            if smallest < acceptBelow { break }
        }
        return smallest
    }
}
