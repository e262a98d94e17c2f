import CheckpointIO
import TensorScan

extension RowSummary {
    /// The row-statistics rules in an audit: every tensor's rows are reduced, and each tensor's
    /// findings are drawn on the core that finished it (only the findings are kept).
    struct AuditStage: TensorAnalysis.AuditStage {
        let views: [TensorView]
        /// Tensors within the scan's row budget (`TensorView.statisticsSkipReasons`).
        let budgeted: Set<Int>

        init(views: [TensorView]) {
            self.views = views
            let skipped = TensorView.statisticsSkipReasons(views)
            budgeted = Set(views.indices.filter { skipped[$0] == nil })
        }

        func request(for index: Int) -> ScanRequest { ScanRequest(statistics: budgeted.contains(index)) }

        func summary(of index: Int, _ output: RowScan.Output) -> [Finding]? {
            guard budgeted.contains(index), let moments = output.rows else { return nil }
            return RowSummary(view: views[index], moments: moments).applicableFindings()
        }

        func findings(_ summaries: [[Finding]?]) -> [Finding] {
            summaries.flatMap { $0 ?? [] }
        }
    }
}
