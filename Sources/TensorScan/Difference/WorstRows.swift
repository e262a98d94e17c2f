/// The `keep` rows with the largest difference norm, gathered from a stream of rows without
/// holding or sorting all of them.
///
/// Why a floor: `diff` of a 1 GB pair sees hundreds of thousands of differing rows, and sorting
/// every 4,096 of them cost ~7% of the run. After the first trim the `keep`-th worst row so far
/// is known; a later row that does not rank before it can never enter the result, so it is
/// dropped with one comparison. The order is total (norm descending, then row ascending), so
/// the rows kept, and their order, are the same as sorting every row and taking a prefix.
///
/// Why the slack grows with `keep` (at least 64, at most 4,096 rows past it): with a fixed
/// 4,096, each work item's ~1,000 rows were never trimmed, and merging the items at the end
/// sorted 4,101 rows for every 4,096 on one core: ~30 ms of a 0.17 s `diff` of the F32 bench
/// file against its BF16 twin (the default `--top-rows 5`), the other core idle.
struct WorstRows {
    let keep: Int
    private var rows: [DifferenceStatistics.Row] = []
    /// The last of the `keep` rows after the latest trim (nil until the first one).
    private var floor: DifferenceStatistics.Row?

    /// Rows held past `keep` before the next trim.
    private let slack: Int

    init(keep: Int) {
        self.keep = max(0, keep)
        slack = min(4096, max(64, self.keep))
    }

    /// Norm descending, ties by lower row first.
    static func ranksBefore(_ a: DifferenceStatistics.Row, _ b: DifferenceStatistics.Row) -> Bool {
        a.l2 != b.l2 ? a.l2 > b.l2 : a.row < b.row
    }

    mutating func add(_ row: DifferenceStatistics.Row) {
        if let floor, !Self.ranksBefore(row, floor) { return }
        rows.append(row)
        if rows.count - keep > slack {  // not keep + slack: --top-rows may be Int.max
            rows.sort(by: Self.ranksBefore)
            rows.removeLast(rows.count - keep)
            floor = rows.last
        }
    }

    /// Drops every row past the `keep` worst, into storage of that size.
    ///
    /// Why: `diff` keeps every work item's rows until the items are merged in order at the
    /// end; an item of 32 rows held them all (fewer than `keep + slack`) in an array grown by
    /// doubling, and 9,200 such arrays of the F32/Q8_0 bench pair were ~10 MB of fresh heap
    /// pages, ~2,000 page faults. The worst `keep` of all rows are among the worst `keep` of
    /// each item (the order is total), so merging compacted items gives the same rows.
    mutating func compact() {
        guard rows.count > keep || rows.capacity > rows.count else { return }
        rows.sort(by: Self.ranksBefore)
        rows = Array(rows.prefix(keep))
        if rows.count == keep { floor = rows.last }
    }

    mutating func add(contentsOf other: WorstRows) {
        for row in other.rows { add(row) }
    }

    /// The kept rows, worst first.
    var result: [DifferenceStatistics.Row] {
        Array(rows.sorted(by: Self.ranksBefore).prefix(keep))
    }
}
