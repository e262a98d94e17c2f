import CheckpointIO
import Dispatch
import CMomentKernels
import SafetensorsFormat

/// Compares many pairs of tensors (A the reference, B the copy) in one read of both on all
/// cores, with bounded memory: value differences (`DifferenceStatistics`) and, for pairs of the
/// same dtype and shape, whether the bytes are identical.
///
/// Why: `diff` of a 1.2 GB F32 checkpoint against its BF16 export ran on one core, decoded
/// every element through a per-element branchy loop, and mapped both files whole (1.7 GB peak
/// RSS). Here each pair's rows are cut into fixed chunks (`DifferenceKernel.chunkElements`,
/// from each row's start), chunks are grouped into ~4 MiB items in pair order, the cores take
/// items from one list, and the pages of both sides are released behind each item.
///
/// Results do not depend on the schedule: the items are fixed by the shapes, each item's sums
/// are formed in chunk order, and items are merged in order.
public enum DifferenceScan {
    /// What one pair gave.
    public struct Result: Sendable {
        /// Same dtype, same shape, same bytes.
        public var identicalBytes: Bool
        /// Value differences; `nil` when the values cannot be compared element-wise (complex
        /// facing real, quantized blocks without a decoder, different layouts).
        public var statistics: DifferenceStatistics?
    }

    /// Compares `pairs[k].0` (reference) with `pairs[k].1`, keeping the `topRows` most
    /// different rows of each.
    /// `statisticsOfIdentical`: measure pairs with identical bytes too (else their
    /// `statistics` is `nil`: nothing moved).
    /// `rowOrders[k]`, when given and not nil, pairs row `i` of `pairs[k].0` with row
    /// `indexInB(i)` of `pairs[k].1` (elements, for a vector): a converter's head permutation
    /// undone. Such a pair is compared by value only (its bytes differ by construction), and
    /// its `topRows` are numbered as A's rows. An order that does not fit the tensor's rows
    /// (`RowInterleave.applies`) is ignored; callers check it first and say so.
    /// `shifts[k]`, when given and not nil: amounts taken off each side's values
    /// (`ValueShift`); such a pair (a handful of norm vectors) is measured one value at a time,
    /// by value only.
    /// `transposes[k]`, when given and true: `pairs[k].1` holds `pairs[k].0`'s matrix transposed
    /// (`isTransposedLayout`), and is measured that way, one value at a time; a pair whose
    /// shapes are not each other's reverse is measured as stored.
    public static func run(_ pairs: [(TensorView, TensorView)], topRows: Int, statisticsOfIdentical: Bool = false,
                           rowOrders: [RowInterleave?] = [], shifts: [ValueShift?] = [], transposes: [Bool] = []) -> [Result] {
        func at<T>(_ list: [T?], _ k: Int) -> T? { k < list.count ? list[k] : nil }
        let transposed = Set(pairs.indices.filter { k in
            k < transposes.count && transposes[k] && isTransposedLayout(pairs[k].0, pairs[k].1)
        })
        if !transposed.isEmpty {
            let others = pairs.indices.filter { !transposed.contains($0) }
            var results = Array(repeating: Result(identicalBytes: false, statistics: nil), count: pairs.count)
            let measured = run(others.map { pairs[$0] }, topRows: topRows, statisticsOfIdentical: statisticsOfIdentical,
                               rowOrders: others.map { at(rowOrders, $0) }, shifts: others.map { at(shifts, $0) })
            for (k, result) in zip(others, measured) { results[k] = result }
            for k in transposed.sorted() {
                results[k].statistics = ScaledDifference.statistics(pairs[k].0, pairs[k].1, order: nil, topRows: topRows,
                                                                    shift: at(shifts, k) ?? ValueShift(a: 0, b: 0), transposed: true)
            }
            return results
        }
        TensorView.makeCopies(for: pairs.flatMap { [$0.0, $0.1] })
        let orders = pairs.indices.map { k -> RowInterleave? in
            guard k < rowOrders.count, let order = rowOrders[k] else { return nil }
            return order.applies(toCount: pairs[k].0.permutedCount) && pairs[k].0.shape == pairs[k].1.shape ? order : nil
        }
        // First pass: scalar pairs by value, anything else by bytes (a pair of one quantized
        // type: identical bytes need no decoding).
        var results = runPlan(pairs, topRows: topRows, statisticsOfIdentical: statisticsOfIdentical, rowOrders: orders)
        // Pairs with an F64 side whose squares left double's range, again with scaled norms.
        for k in pairs.indices {
            guard let statistics = results[k].statistics,
                  ScaledDifference.needsScaledPass(pairs[k].0, pairs[k].1, statistics) else { continue }
            results[k].statistics = ScaledDifference.statistics(pairs[k].0, pairs[k].1, order: orders[k], topRows: topRows)
        }
        // Second pass: pairs with a quantized side, by value in whole rows (QuantizedDifference).
        let quantized = pairs.indices.filter {
            QuantizedDifference.applies(pairs[$0].0, pairs[$0].1) && (!results[$0].identicalBytes || statisticsOfIdentical)
        }
        // Shifted pairs, one value at a time: a pair a core (Falcon-H1's multipliers touch nearly
        // every matrix, so these can be most of a model).
        let shifted = pairs.indices.filter { k in
            guard k < shifts.count, let shift = shifts[k], !shift.isNone else { return false }
            return QuantizedDifference.readableByValue(pairs[k].0, pairs[k].1)
        }
        let shiftedResults = ParallelWork.map(shifted) { k in
            ScaledDifference.statistics(pairs[k].0, pairs[k].1, order: orders[k], topRows: topRows, shift: shifts[k] ?? ValueShift(a: 0, b: 0))
        }
        for (k, statistics) in zip(shifted, shiftedResults) { results[k] = Result(identicalBytes: false, statistics: statistics) }
        guard !quantized.isEmpty else { return results }
        let measured = runPlan(quantized.map { pairs[$0] }, topRows: topRows, statisticsOfIdentical: statisticsOfIdentical,
                               rowOrders: quantized.map { orders[$0] }, byQuantizedRows: true)
        for (k, result) in zip(quantized, measured) where k >= shifts.count || (shifts[k]?.isNone ?? true) {
            results[k].statistics = result.statistics
            // An F64 side against a quantized one: its squares can leave double's range too.
            if let statistics = result.statistics, ScaledDifference.needsScaledPass(pairs[k].0, pairs[k].1, statistics) {
                results[k].statistics = ScaledDifference.statistics(pairs[k].0, pairs[k].1, order: orders[k], topRows: topRows)
            }
        }
        return results
    }

    /// Whether `b` can be read as `a`'s matrix transposed: both 2-D, `b`'s shape `a`'s reversed,
    /// both readable value by value, and a quantized `b` no larger than `transposedDecodeLimit`.
    public static func isTransposedLayout(_ a: TensorView, _ b: TensorView) -> Bool {
        a.info.shape.count == 2 && b.info.shape == Array(a.info.shape.reversed()) && a.elementCount == b.elementCount
            && a.rowCount == b.rowLength && QuantizedDifference.isReadableByValue(a) && QuantizedDifference.isReadableByValue(b)
            && !exceedsTransposedDecodeLimit(b)
    }

    /// Values of a quantized side read transposed, which is dequantized whole first (four bytes
    /// a value): 2^26, 256 MiB. GPT-2 XL's largest matrix holds 10.2 million; a file declaring
    /// a larger one is compared as stored instead of allocating without bound.
    public static let transposedDecodeLimit = 1 << 26

    /// Whether `view` is quantized and holds more values than `transposedDecodeLimit`.
    public static func exceedsTransposedDecodeLimit(_ view: TensorView) -> Bool {
        view.info.dtype.scalar == nil && view.elementCount > transposedDecodeLimit
    }

    /// `run` over pairs the plan compares (scalars by value, anything else by bytes; with
    /// `byQuantizedRows`, every pair by value in whole rows).
    static func runPlan(_ pairs: [(TensorView, TensorView)], topRows: Int, statisticsOfIdentical: Bool,
                        rowOrders: [RowInterleave?], byQuantizedRows: Bool = false) -> [Result] {
        let plan = DifferencePlan(pairs, topRows: topRows, statisticsOfIdentical: statisticsOfIdentical, rowOrders: rowOrders,
                                  byQuantizedRows: byQuantizedRows)
        let cores = plan.totalBytes < 1 << 20 ? 1 : ParallelWork.cores
        if cores == 1 {
            plan.drain()
        } else {
            DispatchQueue.concurrentPerform(iterations: cores) { _ in plan.drain() }
        }
        return plan.results()
    }
}

extension TensorView {
    /// Compares the values of `self` (the reference) and `other`, row by row; `nil` when the
    /// two cannot be compared element-wise (different element counts or row layouts, a
    /// complex tensor facing a real one, or quantized blocks without a decoder; decoded ones go
    /// through `QuantizedDifference`). C64 values are compared as complex numbers: the
    /// maximum is the modulus |a − b|, counts are per complex value.
    public func differenceStatistics(from other: TensorView, topRows: Int = 5) -> DifferenceStatistics? {
        DifferenceScan.run([(self, other)], topRows: topRows, statisticsOfIdentical: true)[0].statistics
    }
}

/// The items of a `DifferenceScan` and the per-item results, merged per pair at the end.
final class DifferencePlan: @unchecked Sendable {
    struct Pair {
        var a: TensorView
        var b: TensorView
        /// Compare values (else bytes only, or nothing).
        var values: Bool
        /// Compare bytes (same dtype and shape).
        var bytes: Bool
        /// B's row (2-D and up) or element (a vector) for each of A's, when a converter
        /// permuted them; `nil` for the same order.
        var order: RowInterleave?
        /// Values per row (C64: float parts) and chunks per row.
        var rowLength: Int
        var chunksPerRow: Int
        var rows: Int
        var chunkCount: Int { rows * chunksPerRow }
    }

    struct Item {
        var pair: Int
        var chunks: Range<Int>
    }

    /// One row's share within an item: sums in chunk order.
    struct RowPart {
        var row: Int
        var squares: Double
        var maxAbs: Double
    }

    /// What one item found.
    struct Part {
        var reference = 0.0
        var maxAbs = 0.0
        var differing = 0
        var nanMismatches = 0
        var sameBytes = true
        /// The first and last rows the item touches (possibly partial, merged across items).
        var first: RowPart?
        var last: RowPart?
        /// Rows wholly inside the item with a non-zero difference, pruned to the worst, and
        /// the sum of all their squares (in row order).
        var inner: WorstRows
        var innerSquares = 0.0

        init(inner: WorstRows) { self.inner = inner }
    }

    static let itemBytes = 4 << 20

    let pairs: [Pair]
    let items: [Item]
    let keep: Int
    let totalBytes: Int
    let statisticsOfIdentical: Bool
    /// Every pair compared by value in whole rows (`QuantizedDifference`): items are row ranges.
    let byQuantizedRows: Bool
    private let lock = ThreadLock()
    private var next = 0
    /// Each pair's items folded so far, in order, the parts finished ahead of the first
    /// unfinished item, and the number of items folded.
    private var merges: [DifferenceMerge]
    private var ahead: [Int: Part] = [:]
    private var merged = 0
    /// The most parts held at once, waiting to be folded (for tests: bounded by the items in
    /// flight, not by the items).
    private(set) var mostHeld = 0
    /// Pairs of bytes-only items known to differ: their later items are skipped.
    private var differs: Set<Int> = []
    /// Items' pages, released behind the finished prefix in batches (`PageRelease`).
    ///
    /// Why not each item its own pages, as the first pass did: a release rounds inward to whole
    /// pages, so the page an item boundary falls in was released by neither item, and a fault
    /// on it mapped the whole 2 MiB folio around it again, pages the neighbouring item had
    /// already released included, until the end of the scan. Safetensors data rarely starts on
    /// a page: `diff` of two 16 GiB F16 files peaked at 588 MB (579 MB of it file pages), of an
    /// F16 and an F32 one at 4 GB (adversarial review, 2026-12-06); page-aligned, 34 MB.
    private var release = PageRelease<MappedFile>(batchBytes: ScanPlan.releaseBatchBytes)
    private var finished = 0

    init(_ input: [(TensorView, TensorView)], topRows: Int, statisticsOfIdentical: Bool, rowOrders: [RowInterleave?] = [],
         byQuantizedRows: Bool = false, itemValues: Int = QuantizedDifference.itemValues) {
        self.statisticsOfIdentical = statisticsOfIdentical
        self.byQuantizedRows = byQuantizedRows
        var pairs: [Pair] = []
        var items: [Item] = []
        var total = 0
        keep = max(0, topRows)
        for (a, b) in input where byQuantizedRows {
            // Items of whole rows; `chunks` are row numbers (one "chunk" per row).
            let order = pairs.count < rowOrders.count ? rowOrders[pairs.count] : nil
            let rows = a.rowCount, length = rows == 0 ? 0 : a.rowLength
            let pair = Pair(a: a, b: b, values: true, bytes: false, order: order, rowLength: length, chunksPerRow: 1, rows: rows)
            // Permuted rows: whole heads per item (a permuted vector is one row).
            let unit = order.map { a.info.shape.count <= 1 ? 1 : $0.groupSize(rows) } ?? 1
            let perItem = QuantizedDifference.rowsPerItem(length: length, unit: unit, itemValues: itemValues)
            var r = 0
            while r < rows && length > 0 {
                items.append(Item(pair: pairs.count, chunks: r..<min(rows, r + perItem)))
                r += perItem
            }
            total += Int(a.info.byteCount + b.info.byteCount)
            pairs.append(pair)
        }
        for (a, b) in input where !byQuantizedRows {
            let order = pairs.count < rowOrders.count ? rowOrders[pairs.count] : nil
            let scalar = a.info.dtype.scalar != nil && b.info.dtype.scalar != nil
            let values = scalar && a.elementCount == b.elementCount && a.rowCount == b.rowCount
                && (a.dtype == .c64) == (b.dtype == .c64) && (order == nil || a.dtype != .c64)
            // Permuted rows differ in bytes by construction: values only.
            let bytes = a.elementType == b.elementType && a.shape == b.shape && order == nil
            let factor = a.dtype == .c64 ? 2 : 1
            let rows = a.rowCount
            let length = rows == 0 ? 0 : a.rowLength * factor
            let chunk = DifferenceKernel.chunkElements
            var pair = Pair(a: a, b: b, values: values, bytes: bytes, order: order, rowLength: length,
                            chunksPerRow: length == 0 ? 0 : (length + chunk - 1) / chunk, rows: rows)
            let index = pairs.count
            if values && pair.chunkCount > 0 {
                let width = max(1, max(a.dtype.bitWidth, b.dtype.bitWidth) / 8 / factor)
                var perItem = max(1, Self.itemBytes / (min(length, chunk) * width))
                if let order {
                    // Items hold whole heads, so B's rows of an item are A's rows of it (each head
                    // maps onto itself) and the pages released behind it are done with; a
                    // permuted vector is one item.
                    let unit = a.info.shape.count <= 1 ? pair.chunkCount : pair.chunksPerRow * order.groupSize(rows)
                    perItem = max(unit, perItem / unit * unit)
                }
                var c = 0
                while c < pair.chunkCount {
                    items.append(Item(pair: index, chunks: c..<min(pair.chunkCount, c + perItem)))
                    c += perItem
                }
                total += Int(a.info.byteCount + b.info.byteCount)
            } else if bytes && a.info.byteCount > 0 {
                // Not comparable as values (quantized blocks): compare bytes in ~4 MiB pieces.
                pair.values = false
                let count = Int(a.info.byteCount)
                var c = 0
                while c < count {
                    items.append(Item(pair: index, chunks: c..<min(count, c + Self.itemBytes)))
                    c += Self.itemBytes
                }
                total += 2 * count
            }
            pairs.append(pair)
        }
        self.pairs = pairs
        self.items = items
        totalBytes = total
        let kept = keep
        merges = pairs.map { DifferenceMerge($0, keep: kept, statisticsOfIdentical: statisticsOfIdentical) }
    }

    /// Takes items until none is left.
    func drain() {
        if byQuantizedRows {
            drainQuantized()
            return
        }
        let scratchA = UnsafeMutablePointer<Double>.allocate(capacity: DifferenceKernel.chunkElements)
        let scratchB = UnsafeMutablePointer<Double>.allocate(capacity: DifferenceKernel.chunkElements)
        defer {
            scratchA.deallocate()
            scratchB.deallocate()
        }
        let copies = (a: FollowerCopies(), b: FollowerCopies())
        while let k = take(atMost: 1)?.lowerBound {
            let (part, read) = process(items[k], scratchA, scratchB, copies: copies)
            let due = lock.withLock {
                store(part, at: k)
                finished += 1
                var due = release.finish(k, read: read)
                if finished == items.count { due += release.releaseAll() }
                return due
            }
            for span in due { span.mapping.discardBehind(offset: span.range.lowerBound, end: span.range.upperBound) }
        }
    }

    /// Quantized items a thread takes at once, at most (fewer in the last part of the scan).
    ///
    /// Why batches: an item (~2^15 values, `QuantizedDifference.itemValues`) is also a unit of
    /// the sums, merged in order, so its size fixes the last digits of every result and stays
    /// (items of 2^20 values gave other last digits). But taken one by one, the cores worked on
    /// neighbouring items: per 34 KB of a Q8_0 side a take, a store and a page-release entry
    /// under the lock, a sort of the item's worst rows, retains of the pair's views, and both
    /// cores faulting pages under the same page-table lock (~5% of the F32/Q8_0 bench `diff` in
    /// `__pv_queued_spin_lock_slowpath`). Batches of 32 items (~1 Mi values, 4 MiB of an F32
    /// side, the scan's item size), each run of one pair processed at once
    /// (`processQuantized(_:_:)`), keep the cores megabytes apart: that `diff` 72.0 → 57.7 ms
    /// (`Benchmarks/alternate.py --diff-with`, medians of 7), the same bits, peak RSS 31 → 42 MB.
    static let quantizedBatchItems = 32

    /// The next run of consecutive items: at most `limit`, fewer once fewer than four runs of that
    /// size a core are left, so the last ones spread over the cores (quantized items are taken
    /// `quantizedBatchItems` at a time, the others one by one).
    private func take(atMost limit: Int) -> Range<Int>? {
        lock.withLock {
            guard next < items.count else { return nil }
            let remaining = items.count - next
            let count = max(1, min(limit, remaining / (4 * ParallelWork.cores)))
            next += count
            return (next - count) ..< next
        }
    }

    /// `drain` for quantized pairs: each run's pages go to `release`; the thread that finishes
    /// the last item releases the rest. Items come in batches (`take(atMost:)`), each item still its
    /// own part.
    private func drainQuantized() {
        let scratch = QuantizedScratch(rowLength: pairs.map(\.rowLength).max() ?? 0)
        defer { scratch.deallocate() }
        while let batch = take(atMost: Self.quantizedBatchItems) {
            // Runs of the batch's items by pair, each processed at once (its worst rows kept once).
            var results: [(parts: [Part], read: [PageRelease<MappedFile>.Span])] = []
            var start = batch.lowerBound
            for k in batch where k + 1 == batch.upperBound || items[k + 1].pair != items[start].pair {
                results.append(processQuantized(start ..< k + 1, scratch))
                start = k + 1
            }
            let due = lock.withLock {
                var due: [PageRelease<MappedFile>.Span] = []
                var k = batch.lowerBound
                for (runParts, read) in results {
                    for (offset, part) in runParts.enumerated() {
                        store(part, at: k)
                        finished += 1
                        // A run's bytes are reported with its last item (the others read none of
                        // their own): with the first, a batch finished ahead of the one before
                        // it left the run stamped behind the frontier, so `PageRelease` released
                        // it whole, ending inside a huge page instead of at a 2 MiB boundary.
                        due += release.finish(k, read: offset == runParts.count - 1 ? read : [])
                        k += 1
                    }
                }
                if finished == items.count { due += release.releaseAll() }
                return due
            }
            for span in due { span.mapping.discardBehind(offset: span.range.lowerBound, end: span.range.upperBound) }
        }
    }

    /// One item of the first pass. A pair that is one item of at most
    /// `FollowerCopies.largestBytes` a side is read with `pread` (`copies`), not through the
    /// mappings.
    ///
    /// Why: such pairs are mostly the 1-D norms between a checkpoint's large matrices; with the
    /// files in the page cache in 2 MiB folios, reading a 4 KiB norm through the mapping mapped
    /// the whole folio on each side, and releasing the norm's own pages left the rest mapped
    /// until the quantized pass reached it. `diff` of the F32 bench file against its Q8_0 GGUF
    /// (29 norm pairs) held ~60 MB of such folios: peak RSS 82-83 MB (now 44 MB), goal 64 MB.
    /// Returns the item's part and the bytes it read through the mappings (for `release`).
    private func process(_ item: Item, _ scratchA: UnsafeMutablePointer<Double>, _ scratchB: UnsafeMutablePointer<Double>,
                         copies: (a: FollowerCopies, b: FollowerCopies)) -> (Part, [PageRelease<MappedFile>.Span]) {
        let pair = pairs[item.pair]
        let wholePair = item.chunks.lowerBound == 0 && item.chunks.upperBound == (pair.values ? pair.chunkCount : pair.a.bytes.count)
        let copiedA = wholePair ? copies.a.copy(pair.a) : nil
        let copiedB = wholePair ? copies.b.copy(pair.b) : nil
        let a = copiedA ?? pair.a.bytes, b = copiedB ?? pair.b.bytes
        var part = Part(inner: WorstRows(keep: keep))
        guard pair.values else {
            // Bytes only: `chunks` are byte offsets. Once an item of the pair differed, the
            // answer is known: later items compare nothing (the first item in order differs
            // first, so the result does not depend on the schedule: some item is false).
            if lock.withLock({ differs.contains(item.pair) }) {
                part.sameBytes = false
                return (part, [])
            }
            let range = item.chunks
            part.sameBytes = memcmpEqual(UnsafeRawBufferPointer(rebasing: a[range]), UnsafeRawBufferPointer(rebasing: b[range]))
            if !part.sameBytes { lock.withLock { _ = differs.insert(item.pair) } }
            return (part, Self.spans(pair, range, range, copiedA: copiedA != nil, copiedB: copiedB != nil))
        }
        let chunk = DifferenceKernel.chunkElements
        let length = pair.rowLength
        let bitsA = pair.a.dtype.bitWidth / (pair.a.dtype == .c64 ? 2 : 1)
        let bitsB = pair.b.dtype.bitWidth / (pair.b.dtype == .c64 ? 2 : 1)
        var current: RowPart?
        func close(_ row: RowPart) {
            if part.first == nil {
                part.first = row
                return
            }
            part.innerSquares += row.squares
            if row.squares > 0 {
                part.inner.add(.init(row: row.row, l2: row.squares.squareRoot(), maxAbs: row.maxAbs))
            }
        }
        let startValue = { (c: Int) in (c / pair.chunksPerRow) * length + (c % pair.chunksPerRow) * chunk }
        let vector = pair.a.info.shape.count <= 1
        for c in item.chunks {
            let row = c / pair.chunksPerRow
            let offset = (c % pair.chunksPerRow) * chunk
            let count = min(chunk, length - offset)
            let sums: cmk_difference_sums
            if let order = pair.order, vector {
                // A vector's elements are permuted: gather B's into A's order.
                for i in 0 ..< count { scratchB[i] = decodeElement(pair.b.dtype, b, order.indexInB(offset + i, count: length)) }
                sums = DifferenceKernel.sums(a, pair.a.dtype, start: offset, count: count, decodedB: scratchB, scratchA: scratchA)
            } else {
                let rowB = pair.order.map { $0.indexInB(row, count: pair.rows) } ?? row
                var found = DifferenceKernel.sums(a, pair.a.dtype, b, pair.b.dtype, start: row * length + offset, count: count,
                                                  startB: rowB * length + offset, scratchA: scratchA, scratchB: scratchB)
                // Both sides C64 (a complex side faces only a complex one, in the same order):
                // values are complex, counted and measured as such (chunks hold whole values).
                if pair.a.dtype == .c64 {
                    DifferenceKernel.complexValueSums(a, b, start: row * length + offset, count: count, into: &found)
                }
                sums = found
            }
            part.reference += sums.reference_squares
            part.differing += Int(sums.differing)
            part.nanMismatches += Int(sums.nan_mismatches)
            if sums.max_abs > part.maxAbs { part.maxAbs = sums.max_abs }
            if let open = current, open.row != row {
                close(open)
                current = nil
            }
            var r = current ?? RowPart(row: row, squares: 0, maxAbs: 0)
            r.squares += sums.difference_squares
            if sums.max_abs > r.maxAbs { r.maxAbs = sums.max_abs }
            current = r
        }
        if let open = current {
            if part.first == nil { part.first = open } else { part.last = open }
        }
        // Byte ranges of the item on each side (packed dtypes: the bytes holding its values).
        let low = startValue(item.chunks.lowerBound)
        let isEnd = item.chunks.upperBound == pair.chunkCount
        let high = isEnd ? pair.rows * length : startValue(item.chunks.upperBound)
        let rangeA = low * bitsA / 8..<(isEnd ? a.count : high * bitsA / 8)
        let rangeB = low * bitsB / 8..<(isEnd ? b.count : high * bitsB / 8)
        if pair.bytes {
            part.sameBytes = memcmpEqual(UnsafeRawBufferPointer(rebasing: a[rangeA]), UnsafeRawBufferPointer(rebasing: b[rangeA]))
        }
        part.inner.compact()
        return (part, Self.spans(pair, rangeA, rangeB, copiedA: copiedA != nil, copiedB: copiedB != nil))
    }

    /// The spans an item read through the mappings: bytes `rangeA` of A and `rangeB` of B,
    /// but not a side copied with `pread`.
    private static func spans(_ pair: Pair, _ rangeA: Range<Int>, _ rangeB: Range<Int>, copiedA: Bool, copiedB: Bool)
        -> [PageRelease<MappedFile>.Span] {
        (copiedA ? [] : [pair.a.span(rangeA)]) + (copiedB ? [] : [pair.b.span(rangeB)])
    }

    /// Every pair's result, its items merged in order (items no core ran are run here first).
    func results() -> [DifferenceScan.Result] {
        if merged < items.count { drain() }
        return merges.map { $0.result() }
    }

    /// Records item `k`'s part and folds every part now in order into its pair's merge
    /// (`DifferenceMerge`); the caller holds `lock`.
    private func store(_ part: Part, at k: Int) {
        ahead[k] = part
        mostHeld = max(mostHeld, ahead.count)
        while let next = ahead.removeValue(forKey: merged) {
            merges[items[merged].pair].fold(next)
            merged += 1
        }
    }
}
