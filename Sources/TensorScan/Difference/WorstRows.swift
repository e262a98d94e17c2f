/// The `keep` rows with the largest difference norm, gathered from a stream of rows without
/// holding or sorting all of them.
///
/// Why a floor: `diff` of a 1 GB pair sees hundreds of thousands of differing rows, and sorting
/// every 4,096 of them cost ~7% of the run. After the first trim the `keep`-th worst row so far
/// is known; a later row that does not rank before it can never enter the result, so it is
/// dropped with one comparison. The order is total (norm descending, then row ascending), so
/// the rows kept, and their order, are the same as sorting every row and taking a prefix.
struct WorstRows {
    let keep: Int
    private var rows: [DifferenceStatistics.Row] = []
    /// The last of the `keep` rows after the latest trim (nil until the first one).
    private var floor: DifferenceStatistics.Row?

    init(keep: Int) { self.keep = max(0, keep) }

    /// Norm descending, ties by lower row first.
    static func ranksBefore(_ a: DifferenceStatistics.Row, _ b: DifferenceStatistics.Row) -> Bool {
        a.l2 != b.l2 ? a.l2 > b.l2 : a.row < b.row
    }

    mutating func add(_ row: DifferenceStatistics.Row) {
        if let floor, !Self.ranksBefore(row, floor) { return }
        rows.append(row)
        if rows.count - keep > 4096 {  // not keep + 4096: --top-rows may be Int.max
            rows.sort(by: Self.ranksBefore)
            rows.removeLast(rows.count - keep)
            floor = rows.last
        }
    }

    mutating func add(contentsOf other: WorstRows) {
        for row in other.rows { add(row) }
    }

    /// The kept rows, worst first.
    var result: [DifferenceStatistics.Row] {
        Array(rows.sorted(by: Self.ranksBefore).prefix(keep))
    }
}
