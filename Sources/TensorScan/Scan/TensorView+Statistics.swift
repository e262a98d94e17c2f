import CheckpointIO
import GGUFFormat
import SafetensorsFormat

extension TensorView {
    /// Most rows a tensor may have for per-row statistics.
    ///
    /// Why: every row's statistics take `MemoryLayout<RowMoments>.stride` (80) bytes, so a
    /// hostile `[N, 1]` U8 tensor would need 80 times the file's size in memory (a 10 MB file
    /// took 1.6 GB before this limit). Real first dimensions are far below it: vocabularies
    /// reach ~262k rows, other matrices tens of thousands. At the limit a tensor's statistics
    /// take 80 MiB.
    public static let maxStatisticsRows = 1 << 20

    /// Why `rowMoments` returns `nil` for this tensor, or `nil` when it has statistics.
    public var statisticsUnavailableReason: String? {
        if case .blocks(let type) = elementType, let reason = GGUFRowDecoding.skipReason(for: type) {
            return reason
        }
        if elementType == .scalar(.c64) { return "statistics are not computed for C64 (complex) tensors" }
        if rowCount > Self.maxStatisticsRows {
            return "statistics are not computed for tensors of more than \(Self.maxStatisticsRows) rows "
                + "(this one has \(rowCount); each row's statistics take \(MemoryLayout<RowMoments>.stride) bytes of memory)"
        }
        if statisticsEntries > Self.maxStatisticsRows {
            return "statistics are not computed for tensors whose rows take more than \(Self.maxStatisticsRows) pieces "
                + "of up to \(Self.rowPieceElements) values (this one has \(rowCount) row\(rowCount == 1 ? "" : "s") of \(rowLength) values; "
                + "each piece's statistics take \(MemoryLayout<RowMoments>.stride) bytes of memory)"
        }
        return nil
    }

    /// Entries of the scan's result buffer this tensor's statistics take (80 bytes each): one a
    /// row, and for rows longer than `rowPieceElements` values (not ggml block rows, which are
    /// one piece each) one per piece of that many values.
    ///
    /// Why it is limited like the row count: a row of 2^40 values in a sparse file is one row
    /// but 2^20 entries (84 MB), and nothing bounded the entries of such rows until 2026-12-06.
    var statisticsEntries: Int {
        if case .blocks = elementType { return rowCount }
        let pieces = rowLength > Self.rowPieceElements ? (rowLength - 1) / Self.rowPieceElements + 1 : 1
        let (entries, overflow) = rowCount.multipliedReportingOverflow(by: pieces)
        return overflow ? .max : entries
    }

    /// Rows of data bytes that earn one row of statistics in a whole-checkpoint scan
    /// (`statisticsSkipReasons`): 16.
    public static let bytesPerBudgetedRow = 16

    /// Rows of per-row statistics a scan of `views` computes at most: max(`maxStatisticsRows`,
    /// data bytes / `bytesPerBudgetedRow`) (see `statisticsSkipReasons`).
    public static func rowBudget(_ views: [TensorView]) -> Int {
        let bytes = views.reduce(UInt64(0)) { $0 &+ $1.info.byteCount }
        return max(maxStatisticsRows, Int(clamping: bytes / UInt64(bytesPerBudgetedRow)))
    }

    /// Why each of `views` gets no per-row statistics in a scan of all of them (`nil`: it gets
    /// them): its own reason (`statisticsUnavailableReason`), or the checkpoint's row budget.
    ///
    /// Why a budget: a row costs ~80 bytes of memory and ~0.5 µs whatever its length, so a file
    /// of 50 U8 `[1048576, 1]` tensors (52 MB) took 12 s and 900 MB. The budget is
    /// max(`maxStatisticsRows`, data bytes / `bytesPerBudgetedRow`) rows, spent in file order (a
    /// row longer than `rowPieceElements` values spends one per piece, `statisticsEntries`):
    /// real checkpoints have rows of hundreds of bytes and never reach it, and a file of tiny
    /// rows costs time and memory in proportion to its size. Every name spends its rows, also a
    /// name reading the very bytes of another (the scan reads and summarises those once,
    /// `RowScan`): each is reported in full, and with such names free a file of 65,536 names of
    /// one storage wrote 4.5 GB of `rows --json`, while counting their bytes once left a
    /// reshaped view to spend what other tensors' bytes had earned, skipping a NaN (reviews,
    /// 2026-12-05).
    public static func statisticsSkipReasons(_ views: [TensorView]) -> [String?] {
        let budget = rowBudget(views)
        var used = 0
        return views.map { view in
            if let reason = view.statisticsUnavailableReason { return reason }
            let (total, overflow) = used.addingReportingOverflow(view.statisticsEntries)
            guard !overflow, total <= budget else {
                return "statistics are not computed: the scan's budget of \(budget) rows "
                    + "(one per \(bytesPerBudgetedRow) data bytes, at least \(maxStatisticsRows)) is spent, "
                    + "and this tensor has \(view.rowCount) rows of \(view.info.byteCount / UInt64(max(1, view.rowCount))) bytes"
            }
            used = total
            return nil
        }
    }

    /// Whether `rowMoments` can describe this tensor. C64 cannot: a complex number has no
    /// order and its "norm" would mix two parts; neither can a tensor over
    /// `maxStatisticsRows`. The commands say why (`statisticsUnavailableReason`) instead of
    /// guessing.
    public var hasStatistics: Bool { statisticsUnavailableReason == nil }

    /// Statistics of each row in `rows` (all rows when `nil`; the range is clamped to the
    /// tensor), or `nil` for tensors without statistics (`statisticsUnavailableReason`).
    ///
    /// One read of the bytes on all cores (`RowScan`): every row is cut into 2048-element
    /// chunks (the same cut for every row, so identical rows give bit-identical results), long
    /// rows into 1M-element pieces.
    public func rowMoments(in rows: Range<Int>? = nil) -> RowMomentsList? {
        RowScan.run([.statistics(of: self, rows: rows)]) { $1.rows }[0]
    }

    /// Statistics of every row and the fingerprint of the bytes (`fingerprint()`'s value), from
    /// one read: each fingerprint block is hashed right after the rows covering it were
    /// reduced, while it is still in cache. `rows` is `nil` for dtypes without statistics (C64).
    public func rowMomentsAndFingerprint() -> (rows: RowMomentsList?, fingerprint: UInt64) {
        RowScan.run([.statisticsAndFingerprint(of: self)]) { ($1.rows, $1.fingerprint ?? 0) }[0]
    }

    /// Statistics of all elements together (a 0-d or empty tensor included), or `nil` for C64.
    public func moments() -> RowMoments? {
        guard hasStatistics else { return nil }
        guard elementCount > 0 else { return .empty }
        if rowCount == 1 { return rowMoments()?.first }
        return rowMoments()?.reduce(RowMoments.empty) { $0.merged(with: $1) }
    }

    /// Elements `start ..< start + count` of `bytes`, chunk by chunk.
    ///
    /// The first chunk's statistics are the total's start, not merged into `.empty` (which
    /// gives the same bits): most rows are one chunk, and passing the 80-byte value through
    /// `merged` stalled on reloading it from the stack (~5% of an F32 audit's samples in this
    /// function, most of them at the two returns).
    ///
    /// Written to `destination` rather than returned: the caller stored the returned value into
    /// the scan's buffer by reloading it from the stack with 16-byte loads across the callee's
    /// 8-byte stores, a store-forwarding stall per row (~40% of the samples in `processPieces`
    /// at the instruction after the call, BF16 audit).
    static func moments(_ dtype: DType, _ bytes: UnsafeRawBufferPointer, start: Int, count: Int,
                        scratch: UnsafeMutableRawPointer, hasher: inout BlockHasher?,
                        into destination: UnsafeMutablePointer<RowMoments>) {
        guard let base = bytes.baseAddress, count > 0 else {
            destination.initialize(to: .empty)
            return
        }
        let first = min(MomentKernels.chunkElements, count)
        chunkMoments(dtype, bytes, base, start, first, scratch: scratch, into: destination)
        hasher?.advance(to: (start + first) * dtype.bitWidth / 8)
        var offset = first
        while offset < count {
            let n = min(MomentKernels.chunkElements, count - offset)
            let index = start + offset
            var next = RowMoments.empty
            chunkMoments(dtype, bytes, base, index, n, scratch: scratch, into: &next)
            destination.pointee = destination.pointee.merged(with: next)
            offset += n
            hasher?.advance(to: (index + n) * dtype.bitWidth / 8)
        }
    }

    /// Elements `index ..< index + n` (at most one chunk) of `bytes`, which start at `base`.
    /// Written to `destination` (initialized or not: `RowMoments` is `BitwiseCopyable`), for the
    /// reason `moments(…into:)` gives.
    @inline(__always)
    private static func chunkMoments(_ dtype: DType, _ bytes: UnsafeRawBufferPointer, _ base: UnsafeRawPointer,
                                     _ index: Int, _ n: Int, scratch: UnsafeMutableRawPointer,
                                     into destination: UnsafeMutablePointer<RowMoments>) {
        switch dtype {
        case .f32:
            MomentKernels.floatChunk(base + index * 4, n, into: destination)
        case .f64:
            destination.initialize(to: MomentKernels.doubleChunk(base + index * 8, n))
        case .bf16:
            MomentKernels.bf16Chunk(base + index * 2, n, into: destination)
        case .f16:
            MomentKernels.f16Chunk(base + index * 2, n, into: destination)
        case .f8E4M3, .f8E5M2, .f8E4M3FNUZ, .f8E5M2FNUZ, .f8E8M0, .f4, .f6E2M3, .f6E3M2:
            for k in 0..<n {
                scratch.storeBytes(of: Float(decodeElement(dtype, bytes, index + k)), toByteOffset: k * 4, as: Float.self)
            }
            MomentKernels.floatChunk(UnsafeRawPointer(scratch), n, into: destination)
        case .bool, .u8, .i8, .u16, .i16, .u32, .i32, .u64, .i64, .c64:
            // Integers are statistics of their raw values; through Double, which is exact
            // up to 2^53 (beyond that the nearest double, as numpy's float64 does).
            for k in 0..<n {
                scratch.storeBytes(of: decodeElement(dtype, bytes, index + k), toByteOffset: k * 8, as: Double.self)
            }
            destination.initialize(to: MomentKernels.doubleChunk(UnsafeRawPointer(scratch), n))
        }
    }
}
