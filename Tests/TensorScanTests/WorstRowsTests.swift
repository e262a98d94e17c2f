import Testing
import TestSupport
@testable import TensorScan

/// `WorstRows` against the plain algorithm it replaces: keep every row, sort them all (norm
/// descending, then row ascending), take the first `keep`.
@Suite struct WorstRowsTests {
    @Test("the floor keeps exactly the rows a full sort would, in the same order",
          // `diff --top-rows` takes any non-negative Int: the largest ones once trapped on
          // `keep + 4096` (exit 132).
          arguments: [(0, 1), (1, 2), (5, 3), (64, 4), (5000, 5), (Int.max - 4096, 6 as UInt64), (Int.max, 7 as UInt64)])
    func matchesFullSort(keep: Int, seed: UInt64) {
        var random = SeededRandom(seed: seed)
        // 30,000 rows: several trims; norms from a small set, so ties are common and the row
        // order decides them; a rising trend late on makes rows beat the floor after trims.
        let rows = (0..<30_000).map { i in
            DifferenceStatistics.Row(row: i, l2: Double(random.next() % 50) + (i > 20_000 ? Double(i % 7) : 0),
                                     maxAbs: Double(i))
        }
        var worst = WorstRows(keep: keep)
        for row in rows { worst.add(row) }
        let expected = Array(rows.sorted { $0.l2 != $1.l2 ? $0.l2 > $1.l2 : $0.row < $1.row }.prefix(keep))
        #expect(worst.result == expected)
        // Merging the worst of two halves equals the worst of the whole.
        var first = WorstRows(keep: keep), second = WorstRows(keep: keep)
        for row in rows[..<13_000] { first.add(row) }
        for row in rows[13_000...] { second.add(row) }
        first.add(contentsOf: second)
        #expect(first.result == expected)
        // Compacting each of many items (as `diff` does before keeping an item's rows) first.
        var merged = WorstRows(keep: keep)
        for start in stride(from: 0, to: rows.count, by: 32) {
            var item = WorstRows(keep: keep)
            for row in rows[start ..< min(start + 32, rows.count)] { item.add(row) }
            item.compact()
            merged.add(contentsOf: item)
        }
        #expect(merged.result == expected)
    }
}
