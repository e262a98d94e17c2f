import SafetensorsFormat
import CheckpointIO
import TensorScan

/// Everything `rows` says about one tensor: each row's statistics and what the rows look like
/// together (norm distribution, zero rows, NaN/Inf rows, outliers, duplicate rows).
public struct RowSummary: Sendable {
    /// A row whose norm is far from the others by the robust score below.
    public struct Outlier: Sendable, Equatable {
        public var row: Int
        public var norm: Double
        /// 0.6745 × (norm − median) / MAD (Iglewicz & Hoaglin's modified z-score).
        public var score: Double
    }

    /// Modified z-score above which a row is an outlier (Iglewicz & Hoaglin's 3.5).
    public static let outlierThreshold = 3.5

    /// Smallest gap between a row's norm and the median, as a fraction of the median, for the
    /// row to be an outlier at all. Why: the modified z-score divides by the MAD, and when the
    /// norms are nearly equal the MAD is tiny, so it calls sub-percent differences extreme. In
    /// Gemma 3 270M's embedding (every norm within 0.4% of the median, MAD 0.025% of it) the
    /// score alone flagged 4,373 rows low and 5,670 high; differences that small say nothing
    /// about training. Real outliers sit far beyond 5%: all-MiniLM-L6-v2's 841 low embedding
    /// rows are at least 59% below the median and its 30 high query rows 55% above.
    public static let outlierMinimumGap = 0.05

    /// Iglewicz & Hoaglin's modified z-score of `norm` (`mad` > 0).
    static func robustScore(_ norm: Double, median: Double, mad: Double) -> Double { 0.6745 * (norm - median) / mad }

    /// Whether a norm with robust `score` is an outlier: past `outlierThreshold` and at least
    /// `outlierMinimumGap` of the median away from it.
    static func isOutlying(_ norm: Double, score: Double, median: Double) -> Bool {
        abs(score) > outlierThreshold && abs(norm - median) >= outlierMinimumGap * median
    }

    public private(set) var tensor: String
    public let dtype: ElementType
    public private(set) var shape: [UInt64]
    public let rowLength: Int
    /// `rowLength`, or nil for an empty tensor whose later dimensions multiply to 2^63 − 1 or
    /// more (`TensorView.rowLength` saturates there; no row exists): reports print it as null.
    public var knownRowLength: Int? { rowLength == .max ? nil : rowLength }
    /// Rows of the tensor (also when `rows` is not kept).
    public let rowCount: Int
    /// NaN values in the whole tensor.
    public let nanValueCount: Int
    /// +Inf and −Inf values in the whole tensor.
    public let infiniteValueCount: Int
    /// Statistics of every row, in row order; empty in `summaries(of:)`, which keeps only
    /// what describes the rows together.
    public let rows: RowMomentsList
    /// Distribution of the finite row norms (`nil` when no row has one, or when they were not
    /// profiled: see `normsProfiled`).
    public let norms: Distribution?
    /// Whether `norms`, `normMAD` and `outliers` were computed (`profilingNorms`); when false
    /// they are empty because nobody asked, not because no row has a finite norm.
    public let normsProfiled: Bool
    /// Median absolute deviation of the finite row norms from their median.
    public let normMAD: Double?
    /// Rows whose elements all equal zero by value (−0.0 included).
    public let zeroRows: [Int]
    public let nanRows: [Int]
    /// Rows holding +Inf or −Inf.
    public let infRows: [Int]
    /// Sorted by decreasing |score|.
    public let outliers: [Outlier]
    /// Groups (≥ 2 rows, ascending) of rows with identical bytes, excluding all-zero rows,
    /// which `zeroRows` already lists.
    public let duplicateGroups: [[Int]]
    /// Every row's norm (NaN or ±Inf where the row holds one), kept only when asked
    /// (`keepingNorms`): the audit keeps those of token matrices, whose padded rows
    /// `rows-beyond-tokenizer` weighs against the tokenizer's rows (`TokenRowNorms`).
    public let rowNorms: [Double]

    /// Reads every row of `view` once; `nil` for dtypes without statistics (C64).
    public init?(view: TensorView) {
        guard let moments = view.rowMoments() else { return nil }
        self.init(view: view, moments: moments)
    }

    /// Summaries of many tensors from one scan on all cores (each summary is built on the core
    /// that finished its tensor); `nil` entries for tensors without statistics. The per-row
    /// statistics are not kept (`rows` is empty): for a whole checkpoint they would take 80
    /// bytes per row of every tensor at once.
    /// Tensors over the scan's row budget (`TensorView.statisticsSkipReasons`) get `nil`.
    public static func summaries(of views: [TensorView]) -> [RowSummary?] {
        summaries(of: views) { $0 }
    }

    /// `part` of each summary of `summaries(of:)`, made on the core that finished the tensor;
    /// the summary itself is not kept (a caller that needs only a line of each holds lines),
    /// except for views of the very bytes of another, which take its summary renamed.
    public static func summaries<Part: Sendable>(of views: [TensorView], _ part: @Sendable (RowSummary) -> Part) -> [Part?] {
        let skipped = TensorView.statisticsSkipReasons(views)
        let work = views.indices.map { i in skipped[i] == nil ? RowScan.Work.statistics(of: views[i]) : .nothing }
        let kept = KeptRowSummaries()
        return RowScan.run(views, work) { i, output in
            guard let moments = output.rows else { return nil }
            if let source = output.readingOf, let made = kept.summary(of: source, profilingNorms: true) {
                return part(made.relabeled(as: views[i]))
            }
            let summary = RowSummary(view: views[i], moments: moments, keepingRows: false)
            kept.keep(summary, of: i, profilingNorms: true, readAgain: output.isReadAgain)
            return part(summary)
        }
    }

    /// `profilingNorms: false` leaves out the norm distribution, its MAD and the outliers
    /// (`norms` and `normMAD` nil, no outliers): the audit reads outlying rows only of token
    /// matrices, and the fourteen order statistics per tensor were ~5% of a BF16 audit.
    init(view: TensorView, moments: RowMomentsList, keepingRows: Bool = true, profilingNorms: Bool = true, keepingNorms: Bool = false) {
        tensor = view.name
        dtype = view.elementType
        shape = view.shape
        rowLength = view.rowLength
        rows = keepingRows ? moments : []
        rowCount = moments.count
        normsProfiled = profilingNorms
        // One pass over the rows; the finite norms only when they are profiled (an audit
        // profiles token matrices only: collecting every matrix's norms was ~1.5% of its samples).
        var nanValues = 0, infiniteValues = 0
        var finite: [Double] = [], positions: [Int] = []
        if profilingNorms {
            finite.reserveCapacity(moments.count)
            positions.reserveCapacity(moments.count)
        }
        var zero: [Int] = [], nan: [Int] = [], inf: [Int] = []
        var all: [Double] = []
        if keepingNorms { all.reserveCapacity(moments.count) }
        for (i, m) in moments.enumerated() {
            if keepingNorms { all.append(m.l2Norm) }
            if profilingNorms {
                let norm = m.l2Norm
                if norm.isFinite {
                    finite.append(norm)
                    positions.append(i)
                }
            }
            if m.allValuesZero { zero.append(i) }
            if m.nanCount > 0 { nan.append(i) }
            let infinities = m.positiveInfinityCount + m.negativeInfinityCount
            if infinities > 0 { inf.append(i) }
            nanValues += m.nanCount
            infiniteValues += infinities
        }
        nanValueCount = nanValues
        infiniteValueCount = infiniteValues
        zeroRows = zero
        nanRows = nan
        infRows = inf
        norms = profilingNorms ? Distribution(values: finite, positions: positions) : nil
        if let median = norms?.median {
            let mad = Distribution.median(finite.map { abs($0 - median) })
            normMAD = mad
            var found: [Outlier] = []
            if mad > 0 {
                for (k, norm) in finite.enumerated() {
                    let score = Self.robustScore(norm, median: median, mad: mad)
                    if Self.isOutlying(norm, score: score, median: median) {
                        found.append(Outlier(row: positions[k], norm: norm, score: score))
                    }
                }
            }
            outliers = found.sorted { abs($0.score) != abs($1.score) ? abs($0.score) > abs($1.score) : $0.row < $1.row }
        } else {
            normMAD = nil
            outliers = []
        }
        duplicateGroups = Self.duplicateRows(view, moments)
        rowNorms = all
    }

    /// Identical rows have bit-identical statistics (every row is cut into the same chunks),
    /// so rows are bucketed by their statistics' bits and confirmed with a byte comparison:
    /// no extra pass over the data and no all-pairs comparison. The table is one flat
    /// open-addressing array keyed by a mix of the five bit patterns, each slot holding a row
    /// and 24 bits of its key's hash, so a probe reads another row's statistics only when those
    /// bits match; the rare rows that repeat an earlier row's statistics are listed apart.
    ///
    /// Why so lean: a `Dictionary` keyed by a five-field struct, grown row by row, was ~12% of
    /// a 1 GiB audit's samples; chains kept in three more arrays of one entry per row were
    /// still ~3.7% (`perf record` of `audit` on the 1.2 GB F32 bench file).
    static func duplicateRows(_ view: TensorView, _ moments: RowMomentsList) -> [[Int]] {
        func bits(_ m: RowMoments) -> (UInt64, UInt64, UInt64, UInt64, UInt64) {
            (m.sum.bitPattern, m.sumOfSquares.bitPattern, m.centeredSquares.bitPattern,
             m.minimum.bitPattern, m.maximum.bitPattern)
        }
        var shift = 1
        while shift < 62 && (1 << shift) < 2 * moments.count { shift += 1 }
        let mask = (1 << shift) - 1
        // A slot: 0 (empty), or (hash bits 40..<64) << 40 | (row + 1). Rows fit in 40 bits: a
        // `RowMomentsList` of 2^40 rows would take 88 TB.
        let rowBits: UInt64 = (1 << 40) - 1
        // (first row of a bucket, a later row with the same statistics), in row order.
        var repeats: [(first: Int, row: Int)] = []
        // The table and the rows through unsafe buffers: every index is in range by
        // construction (`& mask`, rows of the list), and the checked accesses were ~half of this
        // function's time, itself ~5% of the Q4_0 bench audit's samples (295,000 rows).
        let slots = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 1 << shift)
        slots.initialize(repeating: 0)
        defer { slots.deallocate() }
        moments.withContiguousStorageIfAvailable { rows in
            // Zero rows, ±0 alike, are `zeroRows`' (they were also a duplicate group when −0.0, or a
            // Q4_0 row whose scale is −0.0: review, 2026-12-05).
            for i in rows.indices where !rows[i].allValuesZero {
                let key = bits(rows[i])
                // Five independent products folded by xor, then one more multiply: the rows are
                // independent, but a chain of five dependent multiplies per row (the former mix)
                // ran at their latency.
                let h0 = key.0 &* 0x9E37_79B9_7F4A_7C15 ^ key.1 &* 0xC2B2_AE3D_27D4_EB4F
                let h1 = key.2 &* 0x1656_67B1_9E37_79F9 ^ key.3 &* 0x27D4_EB2F_1656_67C5 ^ key.4 &* 0x85EB_CA77_C2B2_AE63
                let h = (h0 ^ h1 ^ (h0 ^ h1) >> 29) &* 0x9E37_79B9_7F4A_7C15
                let tag = h & ~rowBits
                var slot = Int(truncatingIfNeeded: h >> 32 ^ h) & mask
                while true {
                    let entry = slots[slot]
                    if entry == 0 {
                        slots[slot] = tag | UInt64(i + 1)
                        break
                    }
                    let first = Int(entry & rowBits) - 1
                    if entry & ~rowBits == tag && bits(rows[first]) == key {
                        repeats.append((first, i))
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        guard !repeats.isEmpty else { return [] }
        // Buckets in order of their first row, each first row then its repeats in row order.
        var buckets: [Int: [Int]] = [:]
        for (first, row) in repeats { buckets[first, default: [first]].append(row) }
        var groups: [[Int]] = []
        for head in buckets.keys.sorted() {
            guard var bucket = buckets[head] else { continue }
            // Rows with equal statistics almost always hold equal bytes; when they do not (rows
            // permuting the same values), sorting by bytes splits them in O(k log k).
            if !bucket.allSatisfy({ view.rowHasSameBytes(bucket[0], as: $0) }) {
                bucket.sort { view.rowBytesPrecede($0, $1) || (!view.rowBytesPrecede($1, $0) && $0 < $1) }
            }
            var start = 0
            for k in 1...bucket.count where k == bucket.count || !view.rowHasSameBytes(bucket[start], as: bucket[k]) {
                if k - start > 1 { groups.append(bucket[start..<k].sorted()) }
                start = k
            }
        }
        return groups.sorted { $0[0] < $1[0] }
    }

    /// This summary for `view`, a tensor whose bytes equal this one's (a tied copy the scan
    /// compared byte for byte): equal bytes give equal statistics, so only the name and shape
    /// are the copy's. Why: a tied embedding's copy is a vocabulary-sized matrix whose summary
    /// (norm profile, order statistics, duplicate rows) cost ~4% of a Q4_0 audit a second time.
    func relabeled(as view: TensorView) -> RowSummary {
        var copy = self
        copy.tensor = view.name
        copy.shape = view.shape
        return copy
    }

    /// Rows in duplicate groups beyond the first of each group.
    public var redundantRowCount: Int { duplicateGroups.reduce(0) { $0 + $1.count - 1 } }
}
