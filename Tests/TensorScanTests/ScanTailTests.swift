import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The end of a scan in smaller items (`ScanPlan.tailItemBytes`): the plan takes the items a
/// plain greedy model of the rule predicts, and the statistics and fingerprints are those of a
/// plain loop, however the units were grouped.
@Suite struct ScanTailTests {
    @Test("4 MiB items, then 1 MiB items for the last tailBytes; statistics and fingerprint as a plain loop")
    func tailItems() throws {
        // 12 MB of F32 rows of 1,000 values, the same again as a tied copy read with it.
        let rows = 3000, length = 1000
        let bytes = FingerprintTests.randomBytes(rows * length * 4, seed: 77)
        let entries = ["a", "b"].map { SafetensorsWriter.Entry(name: $0, dtype: .f32, shape: [UInt64(rows), UInt64(length)], bytes: bytes) }
        let file = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
        let views = try ["a", "b"].map { try file.tensor(named: $0) }
        let work: [RowScan.Work] = [.statisticsAndFingerprint(of: views[0]),
                                    RowScan.Work.statisticsAndFingerprint(of: views[1]).comparingBytes(withJob: 0)]
        let plan = ScanPlan(views: views, work: work)
        let outputs = Locked<[Int: RowScan.Output]>([:])
        plan.drain { j, output in outputs.withLock { $0[j] = output } }

        // The rule, replayed: a row is one unit of 4,000 bytes, read for both tensors.
        let rowBytes = length * 4
        let perItem = ScanPlan.itemBytes / rowBytes
        let perTailItem = max(1, perItem * ScanPlan.tailItemBytes / ScanPlan.itemBytes)
        let total = 2 * rows * rowBytes
        var next = 0, taken = 0, items = 0
        while next < rows {
            let count = min(rows - next, total - taken <= ScanPlan.tailBytes ? perTailItem : perItem)
            next += count
            taken += 2 * count * rowBytes
            items += 1
        }
        #expect(plan.taken == items)
        #expect(items > (rows + perItem - 1) / perItem, "the tail adds items")

        let result = outputs.withLock { $0 }
        let a = try #require(result[0]), b = try #require(result[1])
        #expect(b.sameBytesAsTwin == true)
        for output in [a, b] {
            #expect(output.fingerprint == FingerprintTests.naiveFingerprint(bytes))
            let moments = try #require(output.rows)
            #expect(moments.count == rows)
            for r in stride(from: 0, to: rows, by: 37) {
                let naive = RowScanTests.naiveRow(views[0], bytes, row: r)
                let m = moments[r]
                #expect(m.count == naive.count && m.minimum == naive.min && m.maximum == naive.max, "row \(r)")
                #expect(abs(m.sum - naive.sum) <= 1e-9 * max(1, abs(naive.sum)), "row \(r)")
            }
        }
    }
}

/// A value behind a lock, for results written by the scan's threads.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = ThreadLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&value) } }
}
