import Dispatch

/// Splits `count` independent work items over the cores.
///
/// Why: one core reads a mapped file at ~10 GB/s warm; the statistics and hashing loops are
/// cheap enough that using both vCPUs nearly doubles throughput on large tensors. Small jobs
/// run inline, where a dispatch would cost more than the work.
package enum ParallelWork {
    package static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

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
}

/// Carries a raw pointer into a `@Sendable` closure; callers guarantee disjoint writes.
package struct UncheckedSendable<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}

import FoundationEssentials
