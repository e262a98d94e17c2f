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
///
/// Time is the calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), not the wall clock: with
/// other agents' builds on the machine a wall-clock ratio of a linear selection reached 13 (the
/// thread waited for a core), while the CPU time a thread spends is what grows with its input.
/// A body that runs its work elsewhere (a child process) asks for `.wall`: its thread's CPU time
/// would stay near zero and no ratio could fail.
public enum LinearTime {
    public static let growth = 4
    public static let bound = 8.0

    /// What a run's time is.
    public enum Clock: Sendable {
        /// CPU time of the calling thread: for bodies that do their work on it.
        case callingThread
        /// Elapsed time: for bodies that wait for work done elsewhere.
        case wall
    }

    public static func ratio(_ n: Int, attempts: Int = 5, acceptBelow: Double = bound, clock: Clock = .callingThread,
                             _ body: (Int) throws -> Void) rethrows -> Double {
        func now() -> Double {
            switch clock {
            case .callingThread: threadCPUNanoseconds()
            case .wall: Double(DispatchTime.now().uptimeNanoseconds)
            }
        }
        func best(_ size: Int) throws -> Double {
            var times: [Double] = []
            for _ in 0..<3 {
                let start = now()
                try body(size)
                times.append(now() - start)
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

    /// CPU time of the calling thread, in nanoseconds.
    static func threadCPUNanoseconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) * 1e9 + Double(now.tv_nsec)
    }
}
