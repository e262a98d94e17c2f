import Foundation
import Testing
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// One torch storage under 17 names (TestData/pytorch-views, torch's view by `generate.py`):
/// the scan reads it once, and the row budget counts it once.
@Suite struct SameReadingsTests {
    static let path = Fixtures.path("pytorch-views/u8-17-names.pt")

    @Test("17 names of one storage: the first is read, the 16 others take its output")
    func readOnce() throws {
        let checkpoint = try Checkpoint.open(path: Self.path)
        let views = checkpoint.tensors
        #expect(views.count == 17)
        let outputs = RowScan.run(views, views.map { RowScan.Work.statistics(of: $0) }) { _, output in output }
        #expect(outputs[0].readingOf == nil && outputs[0].isReadAgain)
        for output in outputs.dropFirst() {
            #expect(output.readingOf == 0 && !output.isReadAgain)
            #expect(output.rows?.count == 65536)
        }
    }

    @Test("the same names asking for different rows are read apart")
    func differentWork() throws {
        let views = try Checkpoint.open(path: Self.path).tensors
        let work = views.indices.map { i in RowScan.Work.statistics(of: views[i], rows: i == 3 ? 0..<10 : nil) }
        let outputs = RowScan.run(views, work) { _, output in output }
        #expect(outputs[3].readingOf == nil && outputs[3].rows?.count == 10)
        #expect(outputs[4].readingOf == 0)
    }

    @Test("the row budget counts the storage once: 17 × 65,536 = 1,114,112 rows, past 2^20, all get statistics")
    func budgetOnce() throws {
        let views = try Checkpoint.open(path: Self.path).tensors
        #expect(17 * 65536 > TensorView.maxStatisticsRows)
        #expect(TensorView.rowBudget(views) == TensorView.maxStatisticsRows)
        #expect(TensorView.statisticsSkipReasons(views).allSatisfy { $0 == nil })
    }
}
