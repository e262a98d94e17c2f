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
    }

    /// What a job computed.
    public struct Output: Sendable {
        /// Statistics of the job's rows in row order; `nil` when the job asked for none or the
        /// dtype has none.
        public var rows: [RowMoments]?
        /// `TensorView.fingerprint()`'s value, when the job asked for it.
        public var fingerprint: UInt64?
    }

    /// Runs every job and returns `finish(jobIndex, output)` for each, in job order. `finish`
    /// runs once per job, on any thread, possibly while other jobs are still being read.
    public static func run<Result: Sendable>(_ jobs: [Job],
                                             finish: @Sendable (Int, Output) -> Result) -> [Result] {
        let plan = Plan(jobs)
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

/// The work items of a scan and the shared state the cores take them from.
private final class Plan: @unchecked Sendable {
    /// Pieces (rows or parts of rows) of a statistics job, or fingerprint blocks of a
    /// fingerprint-only job, `units` of job `job`.
    struct Item {
        var job: Int
        var units: Range<Int>
    }

    /// How a job's rows are cut.
    struct Layout {
        var firstRow: Int
        var rowCount: Int
        var rowLength: Int
        var piecesPerRow: Int
        var pieceCount: Int { rowCount * piecesPerRow }
    }

    /// Bytes per work item: large enough that taking one costs nothing, small enough that the
    /// last items of a scan spread over the cores.
    static let itemBytes = 4 << 20

    let jobs: [Job]
    let layouts: [Layout?]
    let items: [Item]
    let itemCount: [Int]
    let totalBytes: Int

    typealias Job = RowScan.Job

    private let lock = NSLock()
    private var next = 0
    private var remaining: [Int]
    private var moments: [UnsafeMutableBufferPointer<RowMoments>?]
    private var hashes: [UnsafeMutableBufferPointer<UInt64>?]

    init(_ jobs: [Job]) {
        self.jobs = jobs
        var layouts: [Layout?] = []
        var items: [Item] = []
        var counts: [Int] = []
        var total = 0
        for (j, job) in jobs.enumerated() {
            let before = items.count
            let view = job.view
            let bytesPerElement = max(1, view.dtype.bitWidth / 8)
            var layout: Layout?
            if let rows = job.rows, !rows.isEmpty, view.rowLength > 0 {
                let length = view.rowLength
                let pieces = (length + TensorView.rowPieceElements - 1) / TensorView.rowPieceElements
                let found = Layout(firstRow: rows.lowerBound, rowCount: rows.count, rowLength: length, piecesPerRow: pieces)
                let pieceBytes = min(length, TensorView.rowPieceElements) * bytesPerElement
                let perItem = max(1, Self.itemBytes / pieceBytes)
                var p = 0
                while p < found.pieceCount {
                    items.append(Item(job: j, units: p..<min(found.pieceCount, p + perItem)))
                    p += perItem
                }
                total += rows.count * length * bytesPerElement
                layout = found
            } else if job.fingerprint {
                let byteCount = Int(view.info.byteCount)
                let blocks = TensorView.fingerprintBlockCount(byteCount)
                let perItem = Self.itemBytes / TensorView.fingerprintBlockBytes
                var b = 0
                while b < blocks {
                    items.append(Item(job: j, units: b..<min(blocks, b + perItem)))
                    b += perItem
                }
                total += byteCount
            }
            layouts.append(layout)
            counts.append(items.count - before)
        }
        self.layouts = layouts
        self.items = items
        itemCount = counts
        totalBytes = total
        remaining = counts
        moments = Array(repeating: nil, count: jobs.count)
        hashes = Array(repeating: nil, count: jobs.count)
    }

    /// Takes items until none is left, calling `done` for every job whose last item this
    /// thread finished.
    func drain(_ done: (Int, RowScan.Output) -> Void) {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: MomentKernels.chunkElements * 8, alignment: 64)
        defer { scratch.deallocate() }
        while case let (item, rows, blocks)? = take() {
            process(item, moments: rows, hashes: blocks, scratch: scratch)
            if let finished = complete(item.job) { done(item.job, finished) }
        }
    }

    /// The next item and its job's result buffers (allocated by the first taker).
    private func take() -> (Item, UnsafeMutableBufferPointer<RowMoments>?, UnsafeMutablePointer<UInt64>?)? {
        lock.lock()
        defer { lock.unlock() }
        guard next < items.count else { return nil }
        let item = items[next]
        next += 1
        let j = item.job
        // Items are taken in order, so a job's first item (unit 0) is taken first.
        if item.units.lowerBound == 0 {
            if let layout = layouts[j] {
                let buffer = UnsafeMutableBufferPointer<RowMoments>.allocate(capacity: layout.pieceCount)
                buffer.initialize(repeating: .empty)
                moments[j] = buffer
            }
            if jobs[j].fingerprint {
                let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(
                    capacity: TensorView.fingerprintBlockCount(Int(jobs[j].view.info.byteCount)))
                buffer.initialize(repeating: 0)
                hashes[j] = buffer
            }
        }
        return (item, moments[j], hashes[j]?.baseAddress)
    }

    /// Counts one finished item; after a job's last one, the job's output (buffers released).
    private func complete(_ j: Int) -> RowScan.Output? {
        lock.lock()
        remaining[j] -= 1
        guard remaining[j] == 0 else {
            lock.unlock()
            return nil
        }
        let rows = moments[j], blocks = hashes[j]
        moments[j] = nil
        hashes[j] = nil
        lock.unlock()
        defer {
            rows?.deallocate()
            blocks?.deallocate()
        }
        return output(j, moments: rows, hashes: blocks)
    }

    /// Job `j` computed alone, on this thread.
    func outputAlone(_ j: Int) -> RowScan.Output {
        let alone = Plan([jobs[j]])
        var result = alone.output(0, moments: nil, hashes: nil)  // what a job without items gives
        alone.drain { _, output in result = output }
        return result
    }

    /// A job's result from its piece statistics and block hashes.
    func output(_ j: Int, moments pieces: UnsafeMutableBufferPointer<RowMoments>?,
                hashes blocks: UnsafeMutableBufferPointer<UInt64>?) -> RowScan.Output {
        let job = jobs[j]
        var rows: [RowMoments]?
        if job.rows != nil { rows = [] }
        if let layout = layouts[j], let pieces {
            let per = layout.piecesPerRow
            rows = per == 1 ? Array(pieces) : (0..<layout.rowCount).map { r in
                pieces[(r * per)..<((r + 1) * per)].reduce(RowMoments.empty) { $0.merged(with: $1) }
            }
        }
        var fingerprint: UInt64?
        if job.fingerprint {
            fingerprint = TensorView.combinedFingerprint(byteCount: Int(job.view.info.byteCount),
                                                         blocks ?? UnsafeMutableBufferPointer(start: nil, count: 0))
        }
        return RowScan.Output(rows: rows, fingerprint: fingerprint)
    }

    /// Reduces an item's pieces (hashing the fingerprint blocks that start inside them as the
    /// scan passes their ends) or hashes its blocks.
    private func process(_ item: Item, moments out: UnsafeMutableBufferPointer<RowMoments>?,
                         hashes: UnsafeMutablePointer<UInt64>?, scratch: UnsafeMutableRawPointer) {
        let view = jobs[item.job].view
        let bytes = view.bytes
        guard let layout = layouts[item.job], let out else {
            guard let hashes else { return }
            var hasher = BlockHasher(bytes: bytes, into: hashes, blocks: item.units)
            hasher.finish()
            let size = TensorView.fingerprintBlockBytes
            view.discardPages(item.units.lowerBound * size..<min(bytes.count, item.units.upperBound * size))
            return
        }
        let dtype = view.dtype
        let bits = dtype.bitWidth
        let pieceElements = TensorView.rowPieceElements
        func startElement(_ piece: Int) -> Int {
            (layout.firstRow + piece / layout.piecesPerRow) * layout.rowLength + (piece % layout.piecesPerRow) * pieceElements
        }
        var hasher: BlockHasher?
        let low = startElement(item.units.lowerBound) * bits / 8
        let high = item.units.upperBound == layout.pieceCount
            ? (layout.firstRow + layout.rowCount) * layout.rowLength * bits / 8 : startElement(item.units.upperBound) * bits / 8
        if let hashes {
            // Fingerprint jobs cover every row, so the last item hashes through the last byte.
            let blockBytes = TensorView.fingerprintBlockBytes
            let end = item.units.upperBound == layout.pieceCount ? bytes.count : high
            hasher = BlockHasher(bytes: bytes, into: hashes,
                                 blocks: ((low + blockBytes - 1) / blockBytes)..<((end + blockBytes - 1) / blockBytes))
        }
        for piece in item.units {
            let offset = (piece % layout.piecesPerRow) * pieceElements
            let count = min(pieceElements, layout.rowLength - offset)
            out[piece] = TensorView.moments(dtype, bytes, start: startElement(piece), count: count,
                                            scratch: scratch, hasher: &hasher)
        }
        hasher?.finish()
        view.discardPages(low..<max(low, high))
    }
}
