import Foundation
import Testing
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// One torch storage under 17 names (TestData/pytorch-views, torch's view by `generate.py`):
/// the scan reads it once, and every name spends its rows of the row budget.
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

    @Test("every name spends its rows of the budget: of 17 × 65,536 rows, 2^20 = 16 names' fit and the 17th is skipped")
    func budgetPerName() throws {
        let views = try Checkpoint.open(path: Self.path).tensors
        // By hand: the data bytes, 17 names × 65,536 one-byte rows, earn 1,114,112 / 16 rows,
        // below the floor of 2^20 = 16 × 65,536.
        #expect(TensorView.rowBudget(views) == 1 << 20)
        let reasons = TensorView.statisticsSkipReasons(views)
        #expect(reasons.prefix(16).allSatisfy { $0 == nil })
        #expect(reasons[16]?.contains("budget of 1048576 rows") == true)
    }
}
