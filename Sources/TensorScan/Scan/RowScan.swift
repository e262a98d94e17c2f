import CheckpointIO
import Foundation
import SafetensorsFormat

/// One read of many tensors' bytes on all cores: row statistics, fingerprints, or both, with a
/// per-tensor completion step that runs on whichever core finished the tensor.
///
/// Why one queue for the whole checkpoint instead of a fork/join per tensor: with a join after
/// every tensor, the per-tensor work that follows (summaries, digests, findings) ran on one
/// core while the other waited, and each join idled a core on the slowest slice — in a profile
/// of `audit` on a 1 GB checkpoint the second core did a third of the work. Here the cores take
/// ~4 MiB work items from one list in file order, and the core that finishes a tensor's last
/// item runs `finish` for it while the other core reads on.
///
/// Pages are released as soon as an item is read (`TensorView.discardPages`): a scan of a
/// checkpoint larger than memory does not grow the process to the file's size, and the page
/// table teardown that an exit or `munmap` would otherwise do at the end, on one core (~40 ms
/// per GB here), happens during the scan on all cores.
///
/// Results do not depend on the schedule: each row is cut into the same pieces and chunks
/// (`TensorView.rowPieceElements`, `MomentKernels.chunkElements`) and pieces are merged in
/// order; fingerprint blocks are hashed independently and folded in order.
public enum RowScan {
    /// What to compute for one tensor.
    public struct Job: Sendable {
        let view: TensorView
        /// Rows to reduce, or `nil` for no statistics.
        let rows: Range<Int>?
        let fingerprint: Bool
        /// Index of the job whose bytes this one's are compared with during the scan (its
        /// "twin"), or `nil`. See `comparingBytes(withJob:)`.
        var twin: Int? = nil

        /// Statistics of `rows` (all rows when `nil`, clamped to the tensor); none for dtypes
        /// without statistics (C64).
        public static func statistics(of view: TensorView, rows: Range<Int>? = nil) -> Job {
            let all = 0..<view.rowCount
            return Job(view: view, rows: view.hasStatistics ? (rows ?? all).clamped(to: all) : nil, fingerprint: false)
        }

        /// Statistics of every row (when the dtype has them) and the fingerprint of the bytes.
        public static func statisticsAndFingerprint(of view: TensorView) -> Job {
            Job(view: view, rows: view.hasStatistics ? 0..<view.rowCount : nil, fingerprint: true)
        }

        /// Nothing: the tensor's bytes are not read.
        public static func nothing(of view: TensorView) -> Job {
            Job(view: view, rows: nil, fingerprint: false)
        }

        /// Only the fingerprint of the bytes.
        public static func fingerprint(of view: TensorView) -> Job {
            Job(view: view, rows: nil, fingerprint: true)
        }

        /// This job, whose bytes are also compared with those of job `leader` (a tensor of the
        /// same size) in the same pass: the two tensors' items are read together, piece by
        /// piece, and each piece of this tensor is compared with the leader's while both are in
        /// cache (`Output.sameBytesAsTwin`).
        ///
        /// Why: confirming a tied copy with `memcmp` after the scan read both copies a second
        /// time — 40% of an F32 audit with a tied embedding, and both copies mapped at once
        /// (peak RSS 38 → 408 MB). The comparison happens only when both jobs are cut into the
        /// same items (same dtype, same rows, both with or without statistics) and the leader
        /// has no twin itself; otherwise `sameBytesAsTwin` is `nil` and the caller compares.
        public func comparingBytes(withJob leader: Int) -> Job {
            var job = self
            job.twin = leader
            return job
        }
    }

    /// What a job computed.
    public struct Output: Sendable {
        /// Statistics of the job's rows in row order; `nil` when the job asked for none or the
        /// dtype has none.
        public var rows: [RowMoments]?
        /// `TensorView.fingerprint()`'s value, when the job asked for it.
        public var fingerprint: UInt64?
        /// Whether the bytes equal those of the twin job (`Job.comparingBytes(withJob:)`);
        /// `nil` when the job has no twin or the scan could not compare them in passing.
        public var sameBytesAsTwin: Bool?
    }

    /// Runs every job and returns `finish(jobIndex, output)` for each, in job order. `finish`
    /// runs once per job, on any thread, possibly while other jobs are still being read.
    public static func run<Result: Sendable>(_ jobs: [Job],
                                             finish: @Sendable (Int, Output) -> Result) -> [Result] {
        let plan = ScanPlan(jobs)
        let results = UnsafeMutableBufferPointer<Result?>.allocate(capacity: jobs.count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let target = UncheckedSendable(results)
        // Jobs without bytes to read finish right away.
        for j in jobs.indices where plan.itemCount[j] == 0 {
            target.value[j] = finish(j, plan.output(j, moments: nil, hashes: nil))
        }
        let cores = plan.totalBytes < 1 << 20 ? 1 : ParallelWork.cores
        if cores == 1 {
            plan.drain { j, output in target.value[j] = finish(j, output) }
        } else {
            DispatchQueue.concurrentPerform(iterations: cores) { _ in
                plan.drain { j, output in target.value[j] = finish(j, output) }
            }
        }
        // Every item is taken once, so every job's count reaches zero and `finish` ran; should
        // one not have, it is computed again here, alone, rather than trapping.
        return jobs.indices.map { j in target.value[j] ?? finish(j, plan.outputAlone(j)) }
    }
}

extension TensorView {
    /// Elements of a row reduced as one work piece; longer rows are cut into such pieces.
    static let rowPieceElements = MomentKernels.chunkElements * 512
}
