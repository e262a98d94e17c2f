import Testing
@testable import TensorAnalysis
import SafetensorsFormat
import CheckpointIO
import TensorScan
import TestSupport

/// Selection must give exactly what sorting gives: each case is checked against a naive
/// computation in the test (sort, then numpy's linear interpolation written out here).
@Suite struct OrderStatisticsTests {
    /// numpy.quantile(values, q) (method "linear"), computed by sorting.
    static func naiveQuantile(_ values: [Double], _ q: Double) -> Double {
        let s = values.sorted()
        let h = q * Double(s.count - 1)
        let i = Int(h.rounded(.down))
        if i + 1 >= s.count { return s[s.count - 1] }
        let f = h - Double(i)
        return f == 0 ? s[i] : s[i] + (s[i + 1] - s[i]) * f
    }

    /// Lists of every shape selection handles differently: odd and even counts, small and past
    /// the insertion cutoff, many ties, already sorted, reversed, constant, organ pipe.
    static func lists() -> [[Double]] {
        var rng = SeededRandom(seed: 0x5E1EC7)
        var out: [[Double]] = []
        for count in [1, 2, 3, 4, 5, 16, 17, 18, 31, 64, 101, 256, 999, 1000, 4097] {
            out.append((0..<count).map { _ in Double.random(in: -3...3, using: &rng) })
            out.append((0..<count).map { _ in Double(Int.random(in: 0...4, using: &rng)) * 0.25 })
            out.append((0..<count).map { _ in Double(Int.random(in: 0...1, using: &rng)) })
            // Both signs over 120 binades: negative keys, and several digit rounds.
            out.append((0..<count).map { _ in
                Double.random(in: -1...1, using: &rng) * Double(sign: .plus, exponent: Int.random(in: -60...60, using: &rng), significand: 1)
            })
        }
        for count in [50, 51, 2048, 2049] {
            out.append((0..<count).map(Double.init))
            out.append((0..<count).reversed().map(Double.init))
            out.append([Double](repeating: 1.5, count: count))
            out.append((0..<count).map { Double(min($0, count - $0)) })
        }
        return out
    }

    @Test("median and all six quantiles equal the sort-based values bit for bit")
    func distributionMatchesSorting() throws {
        for values in Self.lists() {
            let d = try #require(Distribution(values: values, positions: Array(values.indices)))
            #expect(d.median.bitPattern == Self.naiveQuantile(values, 0.5).bitPattern, "n=\(values.count)")
            for (level, value) in zip(Distribution.levels, d.quantiles) {
                #expect(value.bitPattern == Self.naiveQuantile(values, level).bitPattern, "n=\(values.count) q=\(level)")
            }
            #expect(Distribution.median(values).bitPattern == Self.naiveQuantile(values, 0.5).bitPattern)
        }
    }

    @Test("every rank of a list is the sorted list's element there")
    func everyRank() {
        for values in Self.lists() where values.count <= 1000 {
            let ranks = Array(values.indices.reversed())
            let picked = OrderStatistics.values(atSortedRanks: ranks, of: values)
            let sorted = values.sorted()
            #expect(picked == ranks.map { sorted[$0] }, "n=\(values.count)")
        }
    }

    @Test("lists with −0.0 or NaN give what sorting gives, sign of zero included")
    func signedZeroAndNaN() {
        let zeros: [Double] = [0.0, -0.0, 1, -0.0, 0.0, 2, 0.0, -1, -0.0, 3, 0.0, -0.0, 4, 5, 6, 7, 8, 9, 10, 11]
        let ranks = Array(zeros.indices)
        let sorted = zeros.sorted()
        #expect(OrderStatistics.values(atSortedRanks: ranks, of: zeros).map(\.bitPattern) == sorted.map(\.bitPattern))
        let three: [Double] = [0.0, -0.0, -0.0]
        #expect(Distribution.median(three).bitPattern == three.sorted()[1].bitPattern)
        let withNaN: [Double] = [3, .nan, 1, 2]
        #expect(Distribution.median(withNaN).bitPattern == Self.naiveQuantile(withNaN, 0.5).bitPattern)
    }

    @Test("MAD and outliers match a sort-based recomputation")
    func madAndOutliers() throws {
        var rng = SeededRandom(seed: 42)
        let rows = 301, width = 4
        var values = (0..<rows * width).map { _ in Float.random(in: -1...1, using: &rng) }
        for j in 0..<width { values[7 * width + j] = 40; values[200 * width + j] = -30 }
        let summary = try Self.summary(values, rows: rows, width: width)
        let norms = summary.rows.map(\.l2Norm)
        let median = Self.naiveQuantile(norms, 0.5)
        let mad = Self.naiveQuantile(norms.map { abs($0 - median) }, 0.5)
        #expect(summary.normMAD?.bitPattern == mad.bitPattern)
        let expected = norms.indices.filter { abs(0.6745 * (norms[$0] - median) / mad) > 3.5 }
        #expect(Set(summary.outliers.map(\.row)) == Set(expected))
        #expect(summary.outliers.map(\.row).prefix(2) == [7, 200])
    }

    @Test("duplicate groups equal an all-pairs byte comparison on many rows")
    func duplicateGroups() throws {
        var rng = SeededRandom(seed: 7)
        let rows = 500, width = 3
        // Rows drawn from a small pool (so groups are large and many), some all-zero, and
        // pairs sharing every statistic but not their bytes (permutations of one row).
        let pool: [[Float]] = (0..<12).map { _ in (0..<width).map { _ in Float.random(in: -2...2, using: &rng) } }
            + [[0, 0, 0], [1, 2, 3], [3, 2, 1], [2, 1, 3]]
        let picks = (0..<rows).map { _ in Int.random(in: 0..<pool.count + 40, using: &rng) }
        var values: [Float] = []
        for (i, p) in picks.enumerated() {
            values += p < pool.count ? pool[p] : (0..<width).map { Float(i * width + $0) + 0.5 }
        }
        let summary = try Self.summary(values, rows: rows, width: width)
        var naive: [[Int]] = []
        var grouped = Set<Int>()
        for i in 0..<rows where !grouped.contains(i) && values[i * width ..< (i + 1) * width].contains(where: { $0 != 0 }) {
            let same = (i..<rows).filter { values[$0 * width ..< ($0 + 1) * width].elementsEqual(values[i * width ..< (i + 1) * width]) {
                $0.bitPattern == $1.bitPattern
            } }
            grouped.formUnion(same)
            if same.count > 1 { naive.append(same) }
        }
        #expect(naive.count >= 10)
        #expect(summary.duplicateGroups == naive)
    }

    static func summary(_ values: [Float], rows: Int, width: Int) throws -> RowSummary {
        let bytes = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let entry = SafetensorsWriter.Entry(name: "m", dtype: .f32, shape: [UInt64(rows), UInt64(width)], bytes: bytes)
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: [entry]).serialize())
        let view = try #require(try Checkpoint.open(path: path).tensor(named: "m"))
        return try #require(RowSummary(view: view))
    }
}
