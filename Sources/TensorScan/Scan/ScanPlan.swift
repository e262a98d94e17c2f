import CheckpointIO
import Foundation
import SafetensorsFormat

/// The work items of a scan and the shared state the cores take them from.
///
/// Built once from the jobs (how each tensor's rows are cut into pieces, pieces grouped into
/// ~4 MiB items in file order); the cores then `drain` it. The lock guards only the next-item
/// counter and the per-job result buffers; the items themselves are read-only.
final class ScanPlan: @unchecked Sendable {
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
        let alone = ScanPlan([jobs[j]])
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
