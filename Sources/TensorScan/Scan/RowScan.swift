import CheckpointIO
import Dispatch
import SafetensorsFormat
import StrictJSON

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
/// Pages are released behind the scan, in batches of 8 MiB of finished items (`PageRelease`):
/// a scan of a checkpoint larger than memory does not grow the process to the file's size, and
/// the page table teardown that an exit or `munmap` would otherwise do at the end, on one core
/// (~40 ms per GB here), happens during the scan on all cores.
///
/// Results do not depend on the schedule: each row is cut into the same pieces and chunks
/// (`TensorView.rowPieceElements`, `MomentKernels.chunkElements`) and pieces are merged in
/// order; fingerprint blocks are hashed independently and folded in order.
public enum RowScan {
    /// What to compute for one tensor, without the tensor: `run(_:_:finish:)` takes one per
    /// view.
    ///
    /// Why apart from the view: a job holding its `TensorView` made the job list of a
    /// 50,000-tensor audit a second 7 MB copy of the tensor table; this is 40 bytes.
    public struct Work: Sendable, Equatable {
        /// Rows to reduce, or `nil` for no statistics.
        let rows: Range<Int>?
        let fingerprint: Bool
        /// Index of the job whose bytes this one's are compared with during the scan (its
        /// "twin"), or `nil`. See `comparingBytes(withJob:)`.
        var twin: Int? = nil

        /// Statistics of `rows` of `view` (all rows when `nil`, clamped to the tensor); none
        /// for dtypes without statistics (C64).
        public static func statistics(of view: TensorView, rows: Range<Int>? = nil) -> Work {
            let all = 0..<view.rowCount
            return Work(rows: view.hasStatistics ? (rows ?? all).clamped(to: all) : nil, fingerprint: false)
        }

        /// Statistics of every row (when the dtype has them) and the fingerprint of the bytes.
        public static func statisticsAndFingerprint(of view: TensorView) -> Work {
            Work(rows: view.hasStatistics ? 0..<view.rowCount : nil, fingerprint: true)
        }

        /// Nothing: the tensor's bytes are not read.
        public static let nothing = Work(rows: nil, fingerprint: false)

        /// Only the fingerprint of the bytes.
        public static let fingerprint = Work(rows: nil, fingerprint: true)

        /// This work, whose bytes are also compared with those of job `leader` (a tensor of the
        /// same size) in the same pass: the two tensors' items are read together, piece by
        /// piece, and each piece of this tensor is compared with the leader's while both are in
        /// cache (`Output.sameBytesAsTwin`).
        ///
        /// Why: confirming a tied copy with `memcmp` after the scan read both copies a second
        /// time — 40% of an F32 audit with a tied embedding, and both copies mapped at once
        /// (peak RSS 38 → 408 MB). The comparison happens only when both jobs are cut into the
        /// same items (same dtype, same rows, both with or without statistics) and the leader
        /// has no twin itself; otherwise `sameBytesAsTwin` is `nil` and the caller compares.
        public func comparingBytes(withJob leader: Int) -> Work {
            var work = self
            work.twin = leader
            return work
        }
    }

    /// What to compute for one tensor, with the tensor (`Work` and its view).
    public struct Job: Sendable {
        let view: TensorView
        var work: Work

        /// Statistics of `rows` (all rows when `nil`, clamped to the tensor); none for dtypes
        /// without statistics (C64).
        public static func statistics(of view: TensorView, rows: Range<Int>? = nil) -> Job {
            Job(view: view, work: .statistics(of: view, rows: rows))
        }

        /// Statistics of every row (when the dtype has them) and the fingerprint of the bytes.
        public static func statisticsAndFingerprint(of view: TensorView) -> Job {
            Job(view: view, work: .statisticsAndFingerprint(of: view))
        }

        /// Nothing: the tensor's bytes are not read.
        public static func nothing(of view: TensorView) -> Job {
            Job(view: view, work: .nothing)
        }

        /// Only the fingerprint of the bytes.
        public static func fingerprint(of view: TensorView) -> Job {
            Job(view: view, work: .fingerprint)
        }

        /// This job, compared in passing with job `leader` (`Work.comparingBytes(withJob:)`).
        public func comparingBytes(withJob leader: Int) -> Job {
            Job(view: view, work: work.comparingBytes(withJob: leader))
        }
    }

    /// What a job computed.
    public struct Output: Sendable {
        /// Statistics of the job's rows in row order; `nil` when the job asked for none or the
        /// dtype has none.
        public var rows: RowMomentsList?
        /// `TensorView.fingerprint()`'s value, when the job asked for it.
        public var fingerprint: UInt64?
        /// Whether the bytes equal those of the twin job (`Job.comparingBytes(withJob:)`);
        /// `nil` when the job has no twin or the scan could not compare them in passing.
        public var sameBytesAsTwin: Bool?
        /// The earlier job whose output this is, when this job reads the very bytes, layout and
        /// work of that one (views of one torch storage under many names): it was not read again.
        public var readingOf: Int? = nil
        /// Whether later jobs take this output as theirs (their `readingOf` is this job): what a
        /// `finish` derives from it can be kept for them.
        ///
        /// Why: a file of 65,536 names for one 65,536-row storage read it once, but each name's
        /// `finish` summarised the 65,536 rows again: `audit` took 19 s and `rows` 39 s of a
        /// 395 KB file.
        public var isReadAgain = false
    }

    /// Runs every job and returns `finish(jobIndex, output)` for each, in job order. `finish`
    /// runs once per job, on any thread, possibly while other jobs are still being read.
    public static func run<Result: Sendable>(_ jobs: [Job],
                                             finish: @Sendable (Int, Output) -> Result) -> [Result] {
        run(jobs.map(\.view), jobs.map(\.work), finish: finish)
    }

    /// Runs `work[i]` on `views[i]` for every `i` (one per view) and returns
    /// `finish(i, output)` for each, in order. `finish` runs once per job, on any thread,
    /// possibly while other jobs are still being read.
    ///
    /// Results are written where they belong as jobs finish: collecting them as optionals and
    /// copying them out afterwards held two arrays of them at once (14 MB for a 50,000-tensor
    /// audit).
    public static func run<Result: Sendable>(_ views: [TensorView], _ work: [Work],
                                             finish: @Sendable (Int, Output) -> Result) -> [Result] {
        // A job that reads the very bytes, layout and work of an earlier one (views of one torch
        // storage under many names) is not read again: it takes that job's output once the scan
        // is done. Twins and their leaders keep their own jobs (they are compared in passing).
        let copyOf = sameReadings(views, work)
        var scanned = work
        for (j, first) in copyOf.enumerated() where first != nil { scanned[j] = .nothing }
        TensorView.makeCopies(for: views)
        let plan = ScanPlan(views: views, work: scanned)
        let count = work.count
        let finished = UnsafeMutableBufferPointer<Bool>.allocate(capacity: count)
        finished.initialize(repeating: false)
        defer { finished.deallocate() }
        // The outputs of jobs that others copy, kept until the copies take them.
        let copied = Set(copyOf.compactMap { $0 })
        // Only a scan with copies keeps outputs (none for a checkpoint without shared storage).
        let kept = UnsafeMutableBufferPointer<Output?>.allocate(capacity: copied.isEmpty ? 0 : count)
        kept.initialize(repeating: nil)
        defer { kept.deinitialize().deallocate() }
        return [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UncheckedSendable((results: buffer, finished: finished, kept: kept))
            @Sendable func store(_ j: Int, _ output: Output) {
                var output = output
                if copied.contains(j) {
                    output.isReadAgain = true
                    target.value.kept[j] = output
                }
                target.value.results.initializeElement(at: j, to: finish(j, output))
                target.value.finished[j] = true
            }
            // Jobs without bytes to read finish right away (copies wait for their original).
            for j in 0..<count where plan.itemCount(j) == 0 && copyOf[j] == nil {
                store(j, plan.output(j, moments: nil, hashes: nil).output)
            }
            let cores = plan.totalBytes < 1 << 20 ? 1 : ParallelWork.cores
            if cores == 1 {
                plan.drain(store)
            } else {
                DispatchQueue.concurrentPerform(iterations: cores) { _ in plan.drain(store) }
            }
            // Every item is taken once, so every job's count reaches zero and `finish` ran; should
            // one not have, it is computed again here, alone, rather than trapping.
            for j in 0..<count where !finished[j] && copyOf[j] == nil {
                store(j, plan.outputAlone(j))
            }
            for j in 0..<count where !finished[j] {
                guard let first = copyOf[j], var output = kept[first] else { continue }
                output.readingOf = first
                output.isReadAgain = false
                store(j, output)
            }
            initialized = count
        }
    }

    /// For each job, the first earlier job reading the same file bytes (path and range), dtype,
    /// shape and work, or nil. Jobs with a twin, and the leaders twins name, are never copies
    /// (they are read, to be compared in passing); a leader may be the job others copy.
    static func sameReadings(_ views: [TensorView], _ work: [Work]) -> [Int?] {
        struct Reading: Hashable {
            let type: String
            let shape: [UInt64]
            let rows: Range<Int>?
            let fingerprint: Bool
        }
        let leaders = Set(work.compactMap(\.twin))
        var copyOf = [Int?](repeating: nil, count: work.count)
        let eligible = work.indices.filter { j in
            work[j].twin == nil && (work[j].rows != nil || work[j].fingerprint) && views[j].info.byteCount > 0
        }
        let earlier = TensorView.earlierReadings(views, among: eligible) { j in
            Reading(type: views[j].elementType.rawValue, shape: views[j].shape, rows: work[j].rows, fingerprint: work[j].fingerprint)
        }
        for (j, first) in earlier where !leaders.contains(j) { copyOf[j] = first }
        return copyOf
    }
}

extension TensorView {
    /// Elements of a row reduced as one work piece; longer rows are cut into such pieces.
    static let rowPieceElements = MomentKernels.chunkElements * 512
}
