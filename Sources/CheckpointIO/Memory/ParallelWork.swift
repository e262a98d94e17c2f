import Dispatch

/// Splits `count` independent work items over the cores.
///
/// Why: one core reads a mapped file at ~10 GB/s warm; the statistics and hashing loops are
/// cheap enough that using both vCPUs nearly doubles throughput on large tensors. Small jobs
/// run inline, where a dispatch would cost more than the work.
package enum ParallelWork {
    /// The cores to use (`ProcessorCount`: the affinity mask under the cgroup's CPU quota).
    package static let cores = ProcessorCount.available()

    /// Starts the dispatch worker pool now, so it is running when the first parallel scan asks
    /// for it.
    ///
    /// Why: on Linux the pool is created on first use, and the first worker took 3–4 ms from
    /// that moment to its first instruction of work (libdispatch sets up its manager thread and
    /// event loop first; measured with `perf record -e task:task_newtask` on the bench's
    /// bf16.safetensors: the thread is created as the scan starts and runs 3.5 ms later), while
    /// the main thread scanned alone. Started before the command line is parsed, the pool is
    /// ready by the time a header is read. Measured (40 alternating runs each, warm page cache):
    /// the bench's BF16 audit median 52.0 → 49.0 ms, Q8_0 42.3 → 40.8 ms; the best runs, where
    /// the new thread happened to start at once, are unchanged (45 ms, 33 ms). The cost where
    /// no scan follows (`audit --help`, a usage error) is one idle thread; `--version`, `--help`
    /// and `help` do not call this (`TensorAudit.runsACommand`).
    package static func startWorkers() {
        guard cores > 1 else { return }
        DispatchQueue.global().async {}
    }

    /// Calls `body(range)` for contiguous slices of `0..<count`, in parallel when `workBytes`
    /// is large enough to pay for it.
    package static func forEachSlice(count: Int, workBytes: Int, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let slices = workBytes < 1 << 20 ? 1 : min(count, cores * 4)
        if slices == 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: slices) { s in
            body((s * count / slices)..<((s + 1) * count / slices))
        }
    }

    /// `body` of each of `items`, the cores taking the next item as they finish one (items of
    /// very different sizes balance), results in `items`' order.
    package static func map<T: Sendable>(_ items: [Int], _ body: @Sendable (Int) -> T) -> [T] {
        guard items.count > 1, cores > 1 else { return items.map(body) }
        let shared = SharedResults<T>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: min(cores, items.count)) { _ in
            while true {
                let index: Int = shared.lock.withLock {
                    defer { shared.next += 1 }
                    return shared.next
                }
                guard index < items.count else { return }
                let result = body(items[index])
                shared.lock.withLock { shared.results[index] = result }
            }
        }
        return shared.results.compactMap { $0 }
    }
}

/// `ParallelWork.map`'s next item and results, behind a lock.
private final class SharedResults<T>: @unchecked Sendable {
    let lock = ThreadLock()
    var next = 0
    var results: [T?]
    init(count: Int) { results = Array(repeating: nil, count: count) }
}

/// Carries a raw pointer into a `@Sendable` closure; callers guarantee disjoint writes.
package struct UncheckedSendable<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}
