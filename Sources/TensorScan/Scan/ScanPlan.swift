import CheckpointIO
import Foundation
import GGUFFormat
import SafetensorsFormat

/// The work items of a scan and the shared state the cores take them from.
///
/// Built once from the jobs (how each tensor's rows are cut into pieces, pieces grouped into
/// ~4 MiB items in file order); the cores then `drain` it. The lock guards only the next-item
/// counter, the per-job result buffers and the twin verdicts; the items themselves are read-only.
///
/// Twins (`RowScan.Job.comparingBytes(withJob:)`): a job merged into its leader has no items
/// of its own; each leader item also reads the same units of every merged follower, piece by
/// piece (or fingerprint block by block), and compares each follower piece with the leader's
/// right after both were reduced, while they are in cache.
final class ScanPlan: @unchecked Sendable {
    /// Pieces (rows or parts of rows) of a statistics job, or fingerprint blocks of a
    /// fingerprint-only job, `units` of job `job` (and of the jobs merged into it).
    struct Item {
        var job: Int
        var units: Range<Int>
    }

    /// How a job's rows are cut.
    ///
    /// Rows of ggml block-quantized tensors (`blockType`) are one piece each, `rowBytes` long:
    /// a quantized row decodes only as whole blocks with their scales, and the block kernels'
    /// sums run through the row in one order, so a row is never split between cores.
    struct Layout: Equatable {
        var firstRow: Int
        var rowCount: Int
        var rowLength: Int
        var piecesPerRow: Int
        var blockType: GGMLType? = nil
        var rowBytes = 0
        var pieceCount: Int { rowCount * piecesPerRow }
    }

    /// One job of an item, with its result buffers.
    struct Target {
        var job: Int
        var moments: UnsafeMutableBufferPointer<RowMoments>?
        var hashes: UnsafeMutablePointer<UInt64>?
    }

    /// Bytes per work item: large enough that taking one costs nothing, small enough that the
    /// last items of a scan spread over the cores.
    static let itemBytes = 4 << 20

    let jobs: [Job]
    let layouts: [Layout?]
    let items: [Item]
    /// Items that finish each job (a merged twin counts its leader's).
    let itemCount: [Int]
    let totalBytes: Int
    /// Jobs merged into each job (its twins read with it).
    let followers: [[Int]]
    /// The leader each merged job is read with.
    let mergedInto: [Int?]

    typealias Job = RowScan.Job

    private let lock = NSLock()
    private var next = 0
    private var remaining: [Int]
    private var moments: [UnsafeMutableBufferPointer<RowMoments>?]
    private var hashes: [UnsafeMutableBufferPointer<UInt64>?]
    /// A merged job whose bytes differed from its leader's in some item.
    private var differs: [Bool]

    init(_ jobs: [Job]) {
        self.jobs = jobs
        var layouts: [Layout?] = []
        var units: [[Range<Int>]] = []
        var total = 0
        for job in jobs {
            var ranges: [Range<Int>] = []
            let view = job.view
            let bytesPerElement = max(1, view.dtype.bitWidth / 8)
            var layout: Layout?
            if let rows = job.rows, !rows.isEmpty, view.rowLength > 0, case .blocks(let type) = view.elementType {
                // Whole quantized rows (the GGUF reader checked that rows are whole blocks).
                let rowBytes = view.rowBits / 8
                let perItem = max(1, Self.itemBytes / max(1, rowBytes))
                var r = 0
                while r < rows.count {
                    ranges.append(r..<min(rows.count, r + perItem))
                    r += perItem
                }
                total += rows.count * rowBytes
                layout = Layout(firstRow: rows.lowerBound, rowCount: rows.count, rowLength: view.rowLength,
                                piecesPerRow: 1, blockType: type, rowBytes: rowBytes)
            } else if let rows = job.rows, !rows.isEmpty, view.rowLength > 0 {
                let length = view.rowLength
                let pieces = (length + TensorView.rowPieceElements - 1) / TensorView.rowPieceElements
                let found = Layout(firstRow: rows.lowerBound, rowCount: rows.count, rowLength: length, piecesPerRow: pieces)
                let pieceBytes = min(length, TensorView.rowPieceElements) * bytesPerElement
                let perItem = max(1, Self.itemBytes / pieceBytes)
                var p = 0
                while p < found.pieceCount {
                    ranges.append(p..<min(found.pieceCount, p + perItem))
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
                    ranges.append(b..<min(blocks, b + perItem))
                    b += perItem
                }
                total += byteCount
            }
            layouts.append(layout)
            units.append(ranges)
        }
        // Twins read together: same dtype and size, every byte covered, the same cut.
        var followers = Array(repeating: [Int](), count: jobs.count)
        var mergedInto = [Int?](repeating: nil, count: jobs.count)
        func coversAll(_ j: Int) -> Bool {
            guard let layout = layouts[j] else { return jobs[j].fingerprint }
            return layout.firstRow == 0 && layout.rowCount == jobs[j].view.rowCount
        }
        for (j, job) in jobs.enumerated() {
            guard let l = job.twin, l != j, jobs.indices.contains(l), jobs[l].twin == nil else { continue }
            let a = jobs[l].view, b = job.view
            guard a.elementType == b.elementType, a.info.byteCount == b.info.byteCount, !units[j].isEmpty,
                  units[j] == units[l], layouts[j] == layouts[l], coversAll(j), coversAll(l) else { continue }
            followers[l].append(j)
            mergedInto[j] = l
        }
        var items: [Item] = []
        var counts = units.map(\.count)
        for j in jobs.indices where mergedInto[j] == nil {
            items += units[j].map { Item(job: j, units: $0) }
        }
        for j in jobs.indices { if let l = mergedInto[j] { counts[j] = units[l].count } }
        self.layouts = layouts
        self.items = items
        self.followers = followers
        self.mergedInto = mergedInto
        itemCount = counts
        totalBytes = total
        remaining = counts
        moments = Array(repeating: nil, count: jobs.count)
        hashes = Array(repeating: nil, count: jobs.count)
        differs = Array(repeating: false, count: jobs.count)
    }

    /// Takes items until none is left, calling `done` for every job whose last item this
    /// thread finished.
    func drain(_ done: (Int, RowScan.Output) -> Void) {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: MomentKernels.chunkElements * 8, alignment: 64)
        defer { scratch.deallocate() }
        while case let (item, targets)? = take() {
            let same = process(item, targets, scratch: scratch)
            for (j, output) in complete(item.job, same: same) { done(j, output) }
        }
    }

    /// The next item and its jobs' result buffers (allocated by the first taker), leader first.
    private func take() -> (Item, [Target])? {
        lock.lock()
        defer { lock.unlock() }
        guard next < items.count else { return nil }
        let item = items[next]
        next += 1
        let group = [item.job] + followers[item.job]
        // Items are taken in order, so a job's first item (unit 0) is taken first.
        if item.units.lowerBound == 0 {
            for j in group {
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
        }
        return (item, group.map { Target(job: $0, moments: moments[$0], hashes: hashes[$0]?.baseAddress) })
    }

    /// Counts one finished item of `leader` (and of its followers, with whether each one's
    /// bytes equalled the leader's in it); the output of every job whose last item it was
    /// (buffers released).
    private func complete(_ leader: Int, same: [Bool]) -> [(Int, RowScan.Output)] {
        var finished: [(Int, UnsafeMutableBufferPointer<RowMoments>?, UnsafeMutableBufferPointer<UInt64>?)] = []
        lock.lock()
        for (k, j) in ([leader] + followers[leader]).enumerated() {
            if k > 0 && !same[k] { differs[j] = true }
            remaining[j] -= 1
            if remaining[j] == 0 {
                finished.append((j, moments[j], hashes[j]))
                moments[j] = nil
                hashes[j] = nil
            }
        }
        lock.unlock()
        return finished.map { j, rows, blocks in
            defer {
                rows?.deallocate()
                blocks?.deallocate()
            }
            return (j, output(j, moments: rows, hashes: blocks))
        }
    }

    /// Job `j` computed alone, on this thread (without its twin: no comparison).
    func outputAlone(_ j: Int) -> RowScan.Output {
        var job = jobs[j]
        job.twin = nil
        let alone = ScanPlan([job])
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
        // Read under the lock by the thread that finished the job's last item, or after the scan.
        let same: Bool? = mergedInto[j] == nil ? nil : lock.withLock { !differs[j] }
        return RowScan.Output(rows: rows, fingerprint: fingerprint, sameBytesAsTwin: same)
    }

    /// Reduces an item's pieces (hashing the fingerprint blocks that start inside them as the
    /// scan passes their ends) or hashes its blocks, for the leader and each follower in turn;
    /// returns, per target, whether its bytes in the item equal the leader's (the leader: true).
    private func process(_ item: Item, _ targets: [Target], scratch: UnsafeMutableRawPointer) -> [Bool] {
        var same = Array(repeating: true, count: targets.count)
        let views = targets.map { jobs[$0.job].view }
        let allBytes = views.map(\.bytes)
        let leaderBytes = allBytes[0]
        /// Compares bytes `range` of follower `k` with the leader's, unless it already differed.
        func compare(_ k: Int, _ range: Range<Int>) {
            guard k > 0, same[k], !range.isEmpty else { return }
            same[k] = memcmpEqual(UnsafeRawBufferPointer(rebasing: leaderBytes[range]),
                                  UnsafeRawBufferPointer(rebasing: allBytes[k][range]))
        }
        guard let layout = layouts[item.job] else {
            // Fingerprint blocks only.
            let size = TensorView.fingerprintBlockBytes
            var hashers = targets.indices.map { k in
                targets[k].hashes.map { BlockHasher(bytes: allBytes[k], into: $0, blocks: item.units) }
            }
            for block in item.units {
                let range = block * size..<min(leaderBytes.count, (block + 1) * size)
                for k in targets.indices {
                    hashers[k]?.advance(to: range.upperBound)
                    compare(k, range)
                }
            }
            for k in targets.indices {
                hashers[k]?.finish()
                views[k].discardPages(item.units.lowerBound * size..<min(allBytes[k].count, item.units.upperBound * size))
            }
            return same
        }
        if let type = layout.blockType {
            processRows(item, targets, views: views, bytes: allBytes, layout: layout, type: type, compare: compare)
            return same
        }
        let dtype = views[0].dtype
        let bits = dtype.bitWidth
        let pieceElements = TensorView.rowPieceElements
        func startElement(_ piece: Int) -> Int {
            (layout.firstRow + piece / layout.piecesPerRow) * layout.rowLength + (piece % layout.piecesPerRow) * pieceElements
        }
        let isLast = item.units.upperBound == layout.pieceCount
        let low = startElement(item.units.lowerBound) * bits / 8
        let high = isLast ? (layout.firstRow + layout.rowCount) * layout.rowLength * bits / 8 : startElement(item.units.upperBound) * bits / 8
        // Fingerprint jobs cover every row, so the last item hashes through the last byte;
        // twins cover every row too, and the last item compares through the last byte.
        let end = isLast ? leaderBytes.count : high
        var hashers: [BlockHasher?] = targets.indices.map { k in
            guard let hashes = targets[k].hashes else { return nil }
            let blockBytes = TensorView.fingerprintBlockBytes
            return BlockHasher(bytes: allBytes[k], into: hashes,
                               blocks: ((low + blockBytes - 1) / blockBytes)..<((end + blockBytes - 1) / blockBytes))
        }
        for piece in item.units {
            let offset = (piece % layout.piecesPerRow) * pieceElements
            let count = min(pieceElements, layout.rowLength - offset)
            let first = startElement(piece)
            let pieceEnd = piece + 1 == item.units.upperBound ? end : startElement(piece + 1) * bits / 8
            for k in targets.indices {
                guard let out = targets[k].moments else { continue }
                out[piece] = TensorView.moments(dtype, allBytes[k], start: first, count: count,
                                                scratch: scratch, hasher: &hashers[k])
                compare(k, (first * bits / 8)..<max(first * bits / 8, pieceEnd))
            }
        }
        for k in targets.indices {
            hashers[k]?.finish()
            views[k].discardPages(low..<max(low, end))
        }
        return same
    }

    /// `process` for whole quantized rows: runs of rows of each target decoded by the block
    /// kernels (`BlockRowScan.moments(ofRows:…)`), then the fingerprint blocks they complete
    /// hashed and the run compared with the leader's, while it is in cache.
    private func processRows(_ item: Item, _ targets: [Target], views: [TensorView], bytes allBytes: [UnsafeRawBufferPointer],
                             layout: Layout, type: GGMLType, compare: (Int, Range<Int>) -> Void) {
        let rowBytes = layout.rowBytes
        let low = (layout.firstRow + item.units.lowerBound) * rowBytes
        let high = (layout.firstRow + item.units.upperBound) * rowBytes
        // As for element pieces: the last item hashes and compares through the last byte.
        let end = item.units.upperBound == layout.pieceCount ? allBytes[0].count : high
        var hashers: [BlockHasher?] = targets.indices.map { k in
            guard let hashes = targets[k].hashes else { return nil }
            let blockBytes = TensorView.fingerprintBlockBytes
            return BlockHasher(bytes: allBytes[k], into: hashes,
                               blocks: ((low + blockBytes - 1) / blockBytes)..<((end + blockBytes - 1) / blockBytes))
        }
        // Runs of rows of at most `runBytes` (at least one row): small enough to be hashed and
        // compared from L2 after the kernels read them.
        let runRows = max(1, BlockRowScan.runBytes / max(1, rowBytes))
        var run = item.units.lowerBound
        while run < item.units.upperBound {
            let pieces = run..<min(item.units.upperBound, run + runRows)
            let start = (layout.firstRow + pieces.lowerBound) * rowBytes
            let stop = (layout.firstRow + pieces.upperBound) * rowBytes
            let runEnd = pieces.upperBound == item.units.upperBound ? end : stop
            for k in targets.indices {
                guard let out = targets[k].moments else { continue }
                BlockRowScan.moments(ofRows: UnsafeRawBufferPointer(rebasing: allBytes[k][start..<stop]), rowBytes: rowBytes,
                                     type: type, into: UnsafeMutableBufferPointer(rebasing: out[pieces]))
                hashers[k]?.advance(to: stop)
                compare(k, start..<max(start, runEnd))
            }
            run = pieces.upperBound
        }
        for k in targets.indices {
            hashers[k]?.finish()
            views[k].discardPages(low..<max(low, end))
        }
    }
}
