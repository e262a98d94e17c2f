import CMomentKernels
import CheckpointIO
import GGUFFormat
import SafetensorsFormat

/// The work items of a scan and the shared state the cores take them from.
///
/// Each job is cut the same way whenever asked (`Cut`: how a tensor's rows are cut into
/// pieces, pieces grouped into ~4 MiB items, ~1 MiB in the last `tailBytes` of the scan); the
/// cores `drain` the items in reading order (`readingOrder`: file order, the largest matrices first). The lock guards only the next-item position, the result buffers of the jobs being read and the
/// twin verdicts.
///
/// Twins (`RowScan.Job.comparingBytes(withJob:)`): a job merged into its leader has no items
/// of its own; each leader item also reads the same units of every merged follower, piece by
/// piece (or fingerprint block by block), and compares each follower piece with the leader's
/// right after the leader's was reduced, while it is in cache; an equal follower piece is not
/// reduced again but takes the leader's statistics (`TwinUnits`).
final class ScanPlan: @unchecked Sendable {
    /// Pieces (rows or parts of rows) of a statistics job, or fingerprint blocks of a
    /// fingerprint-only job, `units` of job `job` (and of the jobs merged into it).
    struct Item {
        var job: Int
        var units: Range<Int>
        /// The job's last item (its twins' too: they are cut the same way).
        var finishesJob = false
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

    /// How one job is cut into work items: its `units` (pieces of its layout, or fingerprint
    /// blocks), `unitsPerItem` of them per item, in unit order.
    ///
    /// Why computed from the job when needed rather than stored per job: the plan of a
    /// 50,000-tensor checkpoint kept an array of item ranges per job (5 MB in 50,000 small
    /// arrays) and a list of all items; a cut is a few divisions, so the plan now keeps per
    /// job only what the scan changes (items left, result buffers), and only while the job
    /// is being read.
    struct Cut: Equatable {
        var layout: Layout?
        var unitCount = 0
        var unitsPerItem = 1
        /// Bytes the job's items read.
        var bytes = 0

        var itemCount: Int { (unitCount + unitsPerItem - 1) / unitsPerItem }

        init(_ work: RowScan.Work, _ view: TensorView) {
            let bytesPerElement = max(1, view.dtype.bitWidth / 8)
            if let rows = work.rows, !rows.isEmpty, view.rowLength > 0, case .blocks(let type) = view.elementType {
                // Whole quantized rows (the GGUF reader checked that rows are whole blocks).
                let rowBytes = view.rowBits / 8
                unitCount = rows.count
                unitsPerItem = max(1, ScanPlan.itemBytes / max(1, rowBytes))
                bytes = rows.count * rowBytes
                layout = Layout(firstRow: rows.lowerBound, rowCount: rows.count, rowLength: view.rowLength,
                                piecesPerRow: 1, blockType: type, rowBytes: rowBytes)
            } else if let rows = work.rows, !rows.isEmpty, view.rowLength > 0 {
                let length = view.rowLength
                let pieces = (length + TensorView.rowPieceElements - 1) / TensorView.rowPieceElements
                let found = Layout(firstRow: rows.lowerBound, rowCount: rows.count, rowLength: length, piecesPerRow: pieces)
                let pieceBytes = min(length, TensorView.rowPieceElements) * bytesPerElement
                unitCount = found.pieceCount
                unitsPerItem = max(1, ScanPlan.itemBytes / pieceBytes)
                bytes = rows.count * length * bytesPerElement
                layout = found
            } else if work.fingerprint {
                let byteCount = Int(view.info.byteCount)
                unitCount = TensorView.fingerprintBlockCount(byteCount)
                unitsPerItem = ScanPlan.itemBytes / TensorView.fingerprintBlockBytes
                bytes = byteCount
            }
        }
    }

    /// One job of an item, with its result buffers.
    struct Target {
        var job: Int
        var moments: UnsafeMutableBufferPointer<RowMoments>?
        var hashes: UnsafeMutablePointer<UInt64>?
        /// The item's statistics are already in `moments` (the leader read again as the bytes a
        /// follower is compared with): they are read, not computed.
        var computed = false
    }

    /// A job being read: items left and its result buffers (allocated by the taker of its
    /// first item, handed to `output` by the finisher of its last).
    private struct Progress {
        /// Units of the job not yet finished.
        var remaining: Int
        var moments: RowMomentsBuffer?
        var hashes: UnsafeMutableBufferPointer<UInt64>?
        /// Units of a merged job whose bytes equalled the leader's: their statistics were not
        /// computed nor written (`TwinUnits`).
        var borrowed = TwinUnits()
    }

    /// Bytes per work item: large enough that taking one costs nothing, small enough that the
    /// last items of a scan spread over the cores.
    static let itemBytes = 4 << 20

    /// Bytes per work item once at most `tailBytes` of the scan are left to take.
    ///
    /// Why: the scan ends when the last item does, and the other core, done with its own, waits
    /// up to an item's time: 4 MiB of Q8_0 rows take ~1 ms on one core here, which was most of
    /// the one-core stretch at the end of the Q8_0 bench audit. Smaller items only at the end
    /// keep the per-item costs of the rest of the scan; results do not depend on how units are
    /// grouped into items (pieces and fingerprint blocks are fixed by the tensor).
    static let tailItemBytes = 1 << 20
    /// The last bytes of a scan read in `tailItemBytes` items: a few per core.
    static var tailBytes: Int { 4 * ParallelWork.cores * tailItemBytes }

    /// The tensor of each job, and what to compute for it.
    let views: [TensorView]
    let work: [RowScan.Work]
    let totalBytes: Int
    /// Jobs merged into a leader (its twins read with it), for leaders that have any.
    let followers: [Int: [Int]]
    /// The leader each merged job is read with.
    let mergedInto: [Int: Int]

    private let lock = ThreadLock()
    /// The jobs in the order their items are taken (`readingOrder`).
    let order: [Int]
    /// The next item to take starts at unit `nextUnit` of job `order[nextPosition]`, whose cut
    /// is `nextCut`.
    private var nextPosition = 0
    private var nextUnit = 0
    private var nextCut: Cut?
    /// Bytes of the items taken so far (their jobs' and followers'), against `totalBytes`.
    private var takenBytes = 0
    /// Jobs whose first item was taken and whose last item is not finished.
    private var reading: [Int: Progress] = [:]
    /// Merged jobs whose bytes differed from their leader's in some item.
    private var differs: Set<Int> = []
    /// Items taken so far (an item's sequence number is the count before it).
    private(set) var taken = 0
    /// The pages read behind the finished items, released in batches (`PageRelease`).
    private var release = PageRelease<MappedFile>(batchBytes: ScanPlan.releaseBatchBytes)

    /// Bytes of finished items kept mapped before they are released (see `PageRelease`).
    /// Measured on the 1.2 GB F32 bench file (`chrt -f 50`, medians of 11 alternating runs):
    /// 0 (a call per finished item, 2 MiB-aligned) 74 ms, 8 MiB 70.5 ms / 46 MB peak RSS,
    /// 16 MiB 70 ms / 58 MB, 32 MiB 70 ms / 66 MB; releasing each 4 MiB item as before: 76 ms, 39 MB.
    static let releaseBatchBytes: UInt64 = 8 << 20

    init(views: [TensorView], work: [RowScan.Work]) {
        precondition(views.count == work.count, "one work description per view")
        self.views = views
        self.work = work
        var total = 0
        var cuts: [Int: Cut] = [:]  // twins and their leaders only
        var followers: [Int: [Int]] = [:]
        var mergedInto: [Int: Int] = [:]
        var rows = [Int](repeating: 0, count: work.count)  // of statistics jobs without a twin
        for j in work.indices {
            let cut = Cut(work[j], views[j])
            total += cut.bytes
            if work[j].twin != nil { cuts[j] = cut } else { rows[j] = cut.layout?.rowCount ?? 0 }
        }
        // Twins read together: same dtype and size, every byte covered, the same cut.
        for j in work.indices {
            guard let l = work[j].twin, l != j, work.indices.contains(l), work[l].twin == nil, let cut = cuts[j] else { continue }
            let leaderCut = cuts[l] ?? Cut(work[l], views[l])
            cuts[l] = leaderCut
            let a = views[l], b = views[j]
            guard a.elementType == b.elementType, a.info.byteCount == b.info.byteCount, cut.unitCount > 0,
                  cut == leaderCut, Self.coversAll(work[j], cut, b), Self.coversAll(work[l], leaderCut, a) else { continue }
            followers[l, default: []].append(j)
            mergedInto[j] = l
        }
        self.followers = followers
        self.mergedInto = mergedInto
        totalBytes = total
        order = Self.readingOrder(rows: rows)
    }

    /// Rows from which a job's reduction is read early (`readingOrder`): a vocabulary-sized
    /// matrix's, not a layer's.
    static let earlyRows = 8192

    /// Jobs in file order, except that the statistics jobs with the most rows (at least
    /// `earlyRows`) come first; `rows[j]`: job j's rows (0 for a twin or a job without rows).
    ///
    /// Why: a job's `finish` (the audit's row summary: order statistics, duplicate rows, token
    /// names over every row) runs on the core that read its last item, and a core that runs out
    /// of items waits for the others. Files commonly end with the output matrix (llama.cpp's
    /// `output.weight`, an untied `lm_head`), the largest summary of the checkpoint, so the
    /// scan ended on one core for its whole summary. Read first, that summary runs while the
    /// other core scans (Q4_K_M bench audit 39.3 → 37.0 ms, medians of 11 alternating runs of
    /// `Benchmarks/alternate.py`). Results do not depend on the order: every job's output is its
    /// own, stored by job index.
    static func readingOrder(rows: [Int]) -> [Int] {
        guard let most = rows.max(), most >= earlyRows else { return Array(rows.indices) }
        return rows.indices.filter { rows[$0] == most } + rows.indices.filter { rows[$0] != most }
    }

    /// Whether a job reads every byte of its tensor (all rows, or every fingerprint block).
    private static func coversAll(_ work: RowScan.Work, _ cut: Cut, _ view: TensorView) -> Bool {
        guard let layout = cut.layout else { return work.fingerprint }
        return layout.firstRow == 0 && layout.rowCount == view.rowCount
    }

    /// Items that finish job `j` (a merged twin counts its leader's); 0 for a job that reads
    /// nothing.
    func itemCount(_ j: Int) -> Int {
        let source = mergedInto[j] ?? j
        return Cut(work[source], views[source]).itemCount
    }

    /// Takes items until none is left, calling `done` for every job whose last item this
    /// thread finished.
    func drain(_ done: (Int, RowScan.Output) -> Void) {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: MomentKernels.chunkElements * 8, alignment: 64)
        defer { scratch.deallocate() }
        let copies = FollowerCopies()
        while case let (item, sequence, layout, targets)? = take() {
            let (same, read, borrowed) = process(item, layout, targets, scratch: scratch, copies: copies)
            for (j, output) in complete(item, sequence, same: same, read: read, borrowed: borrowed) { done(j, output) }
        }
        // The thread that leaves last releases what the finished items still hold.
        let rest: [PageRelease<MappedFile>.Span] = lock.withLock { release.frontier == taken ? release.releaseAll() : [] }
        Self.discard(rest)
    }

    /// Drops the pages of `spans` from the process (`MappedFile.discardBehind`).
    private static func discard(_ spans: [PageRelease<MappedFile>.Span]) {
        for span in spans {
            span.mapping.discardBehind(offset: span.range.lowerBound, end: span.range.upperBound)
        }
    }

    /// The next item, its sequence number, its job's layout and its jobs' result buffers
    /// (allocated by the first taker), leader first. Items come in reading order, each job's in unit
    /// order, `unitsPerItem` units each (fewer at the end of the scan: `tailItemBytes`); merged
    /// jobs and jobs that read nothing have none of their own.
    private func take() -> (Item, Int, Layout?, [Target])? {
        lock.lock()
        defer { lock.unlock() }
        while nextPosition < order.count {
            let nextJob = order[nextPosition]
            let cut = nextCut ?? Cut(work[nextJob], views[nextJob])
            guard mergedInto[nextJob] == nil, nextUnit < cut.unitCount else {
                nextPosition += 1
                nextUnit = 0
                nextCut = nil
                continue
            }
            nextCut = cut
            let group = [nextJob] + (followers[nextJob] ?? [])
            let inTail = totalBytes - takenBytes <= Self.tailBytes
            let count = inTail ? max(1, cut.unitsPerItem * Self.tailItemBytes / Self.itemBytes) : cut.unitsPerItem
            var item = Item(job: nextJob, units: nextUnit..<min(cut.unitCount, nextUnit + count))
            item.finishesJob = item.units.upperBound == cut.unitCount
            nextUnit = item.units.upperBound
            takenBytes += cut.bytes / cut.unitCount * item.units.count * group.count
            // Items are taken in order, so a job's first item is taken first.
            if item.units.lowerBound == 0 {
                for j in group {
                    var progress = Progress(remaining: cut.unitCount)
                    if let layout = cut.layout {
                        // Not filled with `.empty` here, under the lock: the scan writes every piece
                        // before `output` reads any. Why: filling a fresh buffer faulted it in
                        // and had the kernel zero it while the other core waited for the lock
                        // (two 2.6 MB buffers of a tied 32,768-row embedding: ~1,360 page
                        // faults, ~2 ms of the Q4_0 audit's one-core start). The scan now
                        // touches each page first, on both cores. `RowMoments` is
                        // `BitwiseCopyable`, so assigning into the raw memory is initializing it.
                        progress.moments = RowMomentsBuffer(count: layout.pieceCount)
                    }
                    if work[j].fingerprint {
                        let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(
                            capacity: TensorView.fingerprintBlockCount(Int(views[j].info.byteCount)))
                        buffer.initialize(repeating: 0)
                        progress.hashes = buffer
                    }
                    reading[j] = progress
                }
            }
            let targets = group.map { j in
                Target(job: j, moments: reading[j]?.moments?.rows, hashes: reading[j]?.hashes?.baseAddress)
            }
            taken += 1
            return (item, taken - 1, cut.layout, targets)
        }
        return nil
    }

    /// Counts one finished item of its job (and of the job's followers, with whether each one's
    /// bytes equalled the leader's in it), releases the pages behind the finished items when a
    /// batch is due; the output of every job whose last item it was (buffers released).
    ///
    /// A follower whose bytes equalled its leader's in every item has the leader's rows (the
    /// same array: its own buffer was never written); one that differed somewhere first gets
    /// the leader's statistics of the units it borrowed (`process`).
    private func complete(_ item: Item, _ sequence: Int, same: [Bool], read: [PageRelease<MappedFile>.Span],
                          borrowed: [TwinUnits]) -> [(Int, RowScan.Output)] {
        let leader = item.job
        var finished: [(job: Int, progress: Progress, differs: Bool)] = []
        lock.lock()
        let due = release.finish(sequence, read: read)
        for (k, j) in ([leader] + (followers[leader] ?? [])).enumerated() {
            if k > 0 && !same[k] { differs.insert(j) }
            guard var progress = reading[j] else { continue }
            progress.remaining -= item.units.count
            if k > 0 { progress.borrowed.append(borrowed[k]) }
            if progress.remaining == 0 {
                finished.append((j, progress, differs.contains(j)))
                reading[j] = nil
            } else {
                reading[j] = progress
            }
        }
        lock.unlock()
        Self.discard(due)
        // Buffers not adopted by an output's rows (`output`), freed when the outputs are made.
        var unadopted: [RowMomentsBuffer] = []
        defer {
            for buffer in unadopted { buffer.deallocate() }
            for (_, progress, _) in finished { progress.hashes?.deallocate() }
        }
        // Twins finish with their leader, in the same item. Followers that differed somewhere
        // take their borrowed units from the leader's buffer first, before the leader's rows
        // adopt it.
        if let source = finished.first(where: { $0.job == leader })?.progress.moments {
            for (j, progress, differed) in finished where j != leader && differed {
                if let target = progress.moments { progress.borrowed.copy(from: source.rows, to: target.rows) }
            }
        }
        var leaderRows: RowMomentsList?
        return finished.map { j, progress, differed in
            // A follower equal to its leader everywhere shares the leader's rows (its own buffer
            // was never written).
            let sharing = j != leader && !differed && progress.moments != nil ? leaderRows : nil
            let (result, adopted) = output(j, moments: sharing == nil ? progress.moments : nil, hashes: progress.hashes, sharing: sharing)
            if !adopted, let buffer = progress.moments { unadopted.append(buffer) }
            if j == leader { leaderRows = result.rows }
            return (j, result)
        }
    }

    /// Job `j` computed alone, on this thread (without its twin: no comparison).
    func outputAlone(_ j: Int) -> RowScan.Output {
        var alone = work[j]
        alone.twin = nil
        let plan = ScanPlan(views: [views[j]], work: [alone])
        var result = plan.output(0, moments: nil, hashes: nil).output  // what a job without items gives
        plan.drain { _, output in result = output }
        return result
    }

    /// A job's result from its piece statistics and block hashes, and whether its rows adopted
    /// `buffer` (`RowMomentsList(adopting:)`: a job whose pieces are its rows; the caller then
    /// must not free them). `sharing`: the rows, already made (a twin's whose bytes equal its
    /// leader's).
    func output(_ j: Int, moments buffer: RowMomentsBuffer?,
                hashes blocks: UnsafeMutableBufferPointer<UInt64>?, sharing shared: RowMomentsList? = nil)
        -> (output: RowScan.Output, adopted: Bool) {
        let job = work[j]
        var rows: RowMomentsList?
        var adopted = false
        if job.rows != nil { rows = [] }
        if let shared {
            rows = shared
        } else if let buffer, let layout = Cut(job, views[j]).layout {
            let per = layout.piecesPerRow
            let pieces = buffer.rows
            if per == 1 {
                rows = RowMomentsList(adopting: buffer)
                adopted = true
            } else {
                rows = RowMomentsList((0..<layout.rowCount).lazy.map { r in
                    pieces[(r * per)..<((r + 1) * per)].reduce(RowMoments.empty) { $0.merged(with: $1) }
                })
            }
        }
        var fingerprint: UInt64?
        if job.fingerprint {
            fingerprint = TensorView.combinedFingerprint(byteCount: Int(views[j].info.byteCount),
                                                         blocks ?? UnsafeMutableBufferPointer(start: nil, count: 0))
        }
        // Read under the lock by the thread that finished the job's last item, or after the scan.
        let same: Bool? = mergedInto[j] == nil ? nil : lock.withLock { !differs.contains(j) }
        return (RowScan.Output(rows: rows, fingerprint: fingerprint, sameBytesAsTwin: same), adopted)
    }

    /// Reduces an item's pieces (hashing the fingerprint blocks that start inside them as the
    /// scan passes their ends) or hashes its blocks, for the leader and each follower; returns,
    /// per target, whether its bytes in the item equal the leader's (the leader: true), and the
    /// bytes the item read that are left to release behind the scan.
    ///
    /// Followers read whole in one item are read after the leader one at a time, and
    /// each one's pages are dropped as soon as it is compared, as the whole huge pages it lies
    /// in — or, when it is small and read whole in this item, it is copied with `pread`
    /// (`FollowerCopies`) and maps nothing. Why: a copy lies anywhere in the file, and touching
    /// it maps the whole page-cache folio around it (Linux maps a large folio at once; a file
    /// read by `cat` sits in 2 MiB folios), which stayed mapped until the scan passed that place
    /// in file order. Read together, the 37 copies of one small pattern mapped 37 folios on each
    /// core: 142–168 MB peak RSS for `Benchmarks/scattered_copies.py`'s file, 43–47 MB since (README
    /// "Scattered copies"). Read in turn, a copy holds at most one folio while it is read; the leader's
    /// bytes are read again for each comparison (from cache for a small tensor). A lone follower
    /// that continues into later items (a tied embedding read alongside its leader) stays
    /// interleaved with it piece by piece; two or more are read in turn in every item.
    ///
    /// Also returns, per target, the units whose statistics a follower borrowed from the leader
    /// (`TwinUnits`): where its bytes are equal, the comparison comes first and the follower is
    /// not reduced.
    private func process(_ item: Item, _ layout: Layout?, _ targets: [Target], scratch: UnsafeMutableRawPointer,
                         copies: FollowerCopies)
        -> (same: [Bool], read: [PageRelease<MappedFile>.Span], borrowed: [TwinUnits]) {
        let views = targets.map { self.views[$0.job] }
        let allBytes = views.map(\.bytes)
        /// Reads the item's units of `targets` (the leader first) in `bytes`, comparing each
        /// follower with the leader into `same`; the bytes read, as offsets into each tensor.
        func pass(_ targets: [Target], _ bytes: [UnsafeRawBufferPointer], _ same: inout [Bool],
                  _ borrowed: inout [TwinUnits]) -> Range<Int> {
            guard let layout else { return processBlocks(item, targets, bytes: bytes, same: &same) }
            if let type = layout.blockType {
                return processRows(item, targets, bytes: bytes, same: &same, borrowed: &borrowed, layout: layout, type: type)
            }
            return processPieces(item, targets, bytes: bytes, same: &same, borrowed: &borrowed, layout: layout,
                                 dtype: views[0].dtype, scratch: scratch)
        }
        var same = Array(repeating: true, count: targets.count)
        var borrowed = Array(repeating: TwinUnits(), count: targets.count)
        // Followers read whole in this item (small tensors) are read in turn; an item of a long
        // twin stays interleaved: rereading a 4 MiB leader item cost the tied F32 bench audit
        // ~0.5 ms. But not with two or more long followers: read together, each one's item
        // stayed mapped until its release batch, 32 identical 256 MiB tensors peaked at 278 MB
        // (31 followers × 4 MiB items × 2 cores); in turn, one follower's item at a time.
        let readWhole = item.finishesJob && item.units.lowerBound == 0
        guard targets.count > 2 || (readWhole && targets.count > 1) else {
            let range = pass(targets, allBytes, &same, &borrowed)
            return (same, views.map { $0.span(range) }, borrowed)
        }
        let range = pass([targets[0]], [allBytes[0]], &same, &borrowed)
        // The leader again, as the bytes each follower is compared with: its statistics are
        // read (for a follower to borrow), not computed again, and it hashes nothing.
        let reference = Target(job: targets[0].job, moments: targets[0].moments, hashes: nil, computed: true)
        for k in targets.indices.dropFirst() {
            var pair = [true, true]
            var pairBorrowed = [TwinUnits(), TwinUnits()]
            defer {
                same[k] = pair[1]
                borrowed[k] = pairBorrowed[1]
            }
            // A small follower is copied with `pread`: it maps nothing.
            if let copy = copies.copy(views[k]) {
                _ = pass([reference, targets[k]], [allBytes[0], copy], &pair, &pairBorrowed)
                continue
            }
            let read = views[k].span(pass([reference, targets[k]], [allBytes[0], allBytes[k]], &pair, &pairBorrowed))
            let window = FolioRelease.window
            let low = read.range.lowerBound / window * window
            read.mapping.discard(offset: low, length: (read.range.upperBound + window - 1) / window * window - low)
        }
        return (same, [views[0].span(range)], borrowed)
    }

    /// Whether follower `k` borrows the leader's statistics of `units` (bytes `range` of both):
    /// it does when its bytes equalled the leader's so far in the item and still do in `range`,
    /// which this compares; then the follower's hasher is advanced to `hashedTo` instead.
    @inline(__always)
    private static func borrows(_ k: Int, _ units: Range<Int>, _ range: Range<Int>, _ targets: [Target],
                                _ bytes: [UnsafeRawBufferPointer], _ same: inout [Bool], _ borrowed: inout [TwinUnits],
                                _ hashers: inout [BlockHasher?], hashedTo: Int) -> Bool {
        guard k > 0, same[k], targets[0].moments != nil, targets[k].moments != nil else { return false }
        compare(k, range, bytes, &same)
        guard same[k] else { return false }
        borrowed[k].append(units)
        hashers[k]?.advance(to: hashedTo)
        return true
    }

    /// Compares bytes `range` of follower `k` with the leader's (`bytes[0]`), unless it already
    /// differed (`same[k]`).
    @inline(__always)
    private static func compare(_ k: Int, _ range: Range<Int>, _ bytes: [UnsafeRawBufferPointer], _ same: inout [Bool]) {
        guard k > 0, same[k], !range.isEmpty else { return }
        same[k] = memcmpEqual(UnsafeRawBufferPointer(rebasing: bytes[0][range]),
                              UnsafeRawBufferPointer(rebasing: bytes[k][range]))
    }

    /// `process` for a fingerprint-only item: hashes blocks `item.units` of `targets` and
    /// compares them with the leader's; returns the bytes read.
    private func processBlocks(_ item: Item, _ targets: [Target], bytes allBytes: [UnsafeRawBufferPointer],
                               same: inout [Bool]) -> Range<Int> {
        let size = TensorView.fingerprintBlockBytes
        let count = allBytes[0].count
        var hashers = targets.indices.map { k in targets[k].hashes.map { BlockHasher(bytes: allBytes[k], into: $0, blocks: item.units) } }
        for block in item.units {
            let range = block * size..<min(count, (block + 1) * size)
            for k in targets.indices {
                hashers[k]?.advance(to: range.upperBound)
                Self.compare(k, range, allBytes, &same)
            }
        }
        for k in hashers.indices { hashers[k]?.finish() }
        return item.units.lowerBound * size..<min(count, item.units.upperBound * size)
    }

    /// `process` for pieces of element rows (F32, BF16, ...) of `targets`; returns the bytes
    /// read.
    private func processPieces(_ item: Item, _ targets: [Target], bytes allBytes: [UnsafeRawBufferPointer],
                               same: inout [Bool], borrowed: inout [TwinUnits], layout: Layout, dtype: DType,
                               scratch: UnsafeMutableRawPointer) -> Range<Int> {
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
        let end = isLast ? allBytes[0].count : high
        var hashers: [BlockHasher?] = targets.indices.map { k in
            guard let hashes = targets[k].hashes else { return nil }
            let blockBytes = TensorView.fingerprintBlockBytes
            return BlockHasher(bytes: allBytes[k], into: hashes,
                               blocks: ((low + blockBytes - 1) / blockBytes)..<((end + blockBytes - 1) / blockBytes))
        }
        // The piece's row and part of it, advanced piece by piece: `startElement`'s divisions
        // for every piece were most of this loop's own time (rows of 1,024 F32 values).
        var row = layout.firstRow + item.units.lowerBound / layout.piecesPerRow
        var part = item.units.lowerBound % layout.piecesPerRow
        var first = startElement(item.units.lowerBound)
        for piece in item.units {
            let count = min(pieceElements, layout.rowLength - part * pieceElements)
            part += 1
            if part == layout.piecesPerRow {
                part = 0
                row += 1
            }
            let next = row * layout.rowLength + part * pieceElements  // startElement(piece + 1)
            defer { first = next }
            let pieceEnd = piece + 1 == item.units.upperBound ? end : next * bits / 8
            let range = (first * bits / 8)..<max(first * bits / 8, pieceEnd)
            // Every byte the piece reads: a row of packed codes (F4, F6) can end inside a byte
            // that `range` leaves to the next piece.
            let read = range.lowerBound..<max(range.upperBound, ((first + count) * bits + 7) / 8)
            // The twins' bytes of this piece start loading while the leader's kernel reads its
            // own; they are compared right after it (`compare`).
            for k in targets.indices.dropFirst() where same[k] && !range.isEmpty {
                if let base = allBytes[k].baseAddress { cmk_prefetch_bytes(base + range.lowerBound, range.count) }
            }
            for k in targets.indices {
                guard let out = targets[k].moments, !targets[k].computed else { continue }
                if Self.borrows(k, piece..<piece + 1, read, targets, allBytes, &same, &borrowed, &hashers,
                                hashedTo: (first + count) * bits / 8) { continue }
                guard let slots = out.baseAddress else { continue }  // never: `piece` is in `out`
                TensorView.moments(dtype, allBytes[k], start: first, count: count, scratch: scratch, hasher: &hashers[k],
                                   into: slots + piece)
                Self.compare(k, range, allBytes, &same)
            }
        }
        for k in hashers.indices { hashers[k]?.finish() }
        return low..<max(low, end)
    }

    /// `process` for whole quantized rows of `targets`: runs of rows decoded by the block
    /// kernels (`BlockRowScan.moments(ofRows:…)`), then the fingerprint blocks they complete
    /// hashed and the run compared with the leader's, while it is in cache; returns the bytes
    /// read.
    private func processRows(_ item: Item, _ targets: [Target], bytes allBytes: [UnsafeRawBufferPointer],
                             same: inout [Bool], borrowed: inout [TwinUnits], layout: Layout, type: GGMLType) -> Range<Int> {
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
                guard let out = targets[k].moments, !targets[k].computed else { continue }
                if Self.borrows(k, pieces, start..<max(start, runEnd), targets, allBytes, &same, &borrowed, &hashers,
                                hashedTo: stop) { continue }
                BlockRowScan.moments(ofRows: UnsafeRawBufferPointer(rebasing: allBytes[k][start..<stop]), rowBytes: rowBytes,
                                     type: type, into: UnsafeMutableBufferPointer(rebasing: out[pieces]))
                hashers[k]?.advance(to: stop)
                Self.compare(k, start..<max(start, runEnd), allBytes, &same)
            }
            run = pieces.upperBound
        }
        for k in hashers.indices { hashers[k]?.finish() }
        return low..<max(low, end)
    }
}

extension TensorView {
    /// Bytes `range` of the tensor as a span of its mapping, for `PageRelease`.
    func span(_ range: Range<Int>) -> PageRelease<MappedFile>.Span {
        let start = dataStart + info.begin
        return PageRelease.Span(mapping: mapping, range: (start + UInt64(range.lowerBound))..<(start + UInt64(range.upperBound)))
    }
}
