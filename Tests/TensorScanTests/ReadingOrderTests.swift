import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The scan reads the checkpoint's matrices with the most rows (vocabulary-sized ones) first, so
/// their summaries run while the other cores still scan; the answers are those of a plain loop
/// whatever the order.
@Suite struct ReadingOrderTests {
    /// Statistics jobs over F16 tensors of `shapes` (rows × 2 values), in one file.
    static func plan(_ shapes: [(String, Int)]) throws -> (ScanPlan, [TensorView], [[UInt8]]) {
        let entries = shapes.enumerated().map { k, shape in
            SafetensorsWriter.Entry(name: shape.0, dtype: .f16, shape: [UInt64(shape.1), 2],
                                    bytes: FingerprintTests.randomBytes(shape.1 * 4, seed: UInt64(k + 1)).map { $0 & 0x3B })
        }
        let file = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
        let views = try shapes.map { try file.tensor(named: $0.0) }
        return (ScanPlan(views: views, work: views.map { RowScan.Work.statistics(of: $0) }), views, entries.map(\.bytes))
    }

    @Test("a file ending with its output matrix: the largest matrices first, the rest in file order")
    func largestFirst() throws {
        let (plan, _, _) = try Self.plan([("embed", 9000), ("layer.0", 300), ("layer.1", 8191), ("norm", 1), ("output", 9000)])
        #expect(plan.order == [0, 4, 1, 2, 3])
    }

    @Test("no matrix of earlyRows rows or more: file order")
    func smallFilesKeepFileOrder() throws {
        let (plan, _, _) = try Self.plan([("a", 10), ("b", 8191), ("c", 5)])
        #expect(plan.order == [0, 1, 2])
    }

    @Test("read out of file order, every row's statistics are a plain loop's")
    func answersDoNotDependOnOrder() throws {
        let (plan, views, bytes) = try Self.plan([("layer", 700), ("output", 9000)])
        #expect(plan.order == [1, 0])
        let outputs = Locked<[Int: RowScan.Output]>([:])
        plan.drain { j, output in outputs.withLock { $0[j] = output } }
        for j in 0..<2 {
            let moments = try #require(outputs.withLock { $0[j] }?.rows)
            #expect(moments.count == Int(views[j].shape[0]))
            for r in stride(from: 0, to: moments.count, by: 97) {
                let naive = RowScanTests.naiveRow(views[j], bytes[j], row: r)
                #expect(moments[r].count == naive.count && moments[r].minimum == naive.min && moments[r].maximum == naive.max)
                #expect(abs(moments[r].sum - naive.sum) <= 1e-9 * max(1, abs(naive.sum)), "job \(j) row \(r)")
            }
        }
    }
}
