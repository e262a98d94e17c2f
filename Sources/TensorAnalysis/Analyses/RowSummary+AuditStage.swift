import CheckpointIO
import StrictJSON
import TensorScan
import ModelKnowledge

extension RowSummary {
    /// The row-statistics rules in an audit: every tensor's rows are reduced, and each tensor's
    /// findings are drawn on the core that finished it (only the findings are kept).
    struct AuditStage: TensorAnalysis.AuditStage {
        let views: [TensorView]
        /// Tensors whose rows the audit reduces: those within the scan's row budget
        /// (`TensorView.statisticsSkipReasons`), and the token matrices every row check reads
        /// (`TokenMatrices.readable`: within a budget of their own), so every check that looks at
        /// rows looks at the same tensors, and `statistics-skipped` names exactly the others.
        let budgeted: Set<Int>
        /// Why each tensor gets no statistics (`nil`: it gets them), for `statistics-skipped`.
        let skipReasons: [String?]
        let tokenMatrices: TokenMatrices
        /// The files beside the checkpoint, read beside the scan: waited for only to name the
        /// rows of a token matrix.
        let knowledge: BackgroundValue<CheckpointKnowledge>
        /// The tensor each possible tied copy is compared with during the scan (`TieAnalysis.Twins`).
        let twinLeaders: [Int: Int]
        /// The summaries of the tensors copies are compared with, for copies found equal, and of
        /// the tensors whose very bytes other views read.
        private let keptSummaries: KeptRowSummaries

        /// `--pad-id` or the policy's `pad_id`, if given.
        let padID: PadID?
        /// Names of tensors that share a stored buffer with another (a torch file's storages):
        /// the only ones whose findings `oneFindingPerBuffer` may merge, so a file without
        /// shared storage (every safetensors and GGUF file) builds no key at all.
        let sharingStorage: Set<String>

        /// Token matrices that read the very bytes of an input embedding (a T5 torch file's tied
        /// `lm_head`): their low rows are that embedding's, which `untrained-tokens` reports, so
        /// `outlier-rows` leaves them out as it does the embedding's.
        let readingAnInputEmbedding: Set<String>

        init(views: [TensorView], tokenMatrices: TokenMatrices, knowledge: BackgroundValue<CheckpointKnowledge>,
             twinLeaders: [Int: Int] = [:], padID: PadID? = nil, sharingStorage: Set<String> = []) {
            self.views = views
            self.padID = padID
            self.sharingStorage = sharingStorage
            var reading = Set<String>()
            for group in Self.bufferGroups(views: views, among: sharingStorage, where: { _ in true })
            where group.contains(where: { tokenMatrices.isInputEmbedding(views[$0].name) }) {
                reading.formUnion(group.map { views[$0].name }.filter { !tokenMatrices.isInputEmbedding($0) })
            }
            readingAnInputEmbedding = reading
            let skipped = TensorView.statisticsSkipReasons(views)
            skipReasons = skipped
            budgeted = Set(views.indices.filter { skipped[$0] == nil }).union(tokenMatrices.readable)
            self.tokenMatrices = tokenMatrices
            self.knowledge = knowledge
            self.twinLeaders = twinLeaders
            keptSummaries = KeptRowSummaries(leaders: Set(twinLeaders.values))
        }

        func request(for index: Int) -> ScanRequest { ScanRequest(statistics: budgeted.contains(index)) }

        func summary(of index: Int, _ output: RowScan.Output) -> [Finding]? {
            findings(of: index, rowSummary(of: index, output))
        }

        /// The tensor's row summary (no rows kept; norms profiled for token matrices), which
        /// needs no tokenizer. The pipeline hands it to `TokenAnalysis` too, which needs the
        /// same summary of an input embedding (it made a second one).
        func rowSummary(of index: Int, _ output: RowScan.Output) -> RowSummary? {
            guard budgeted.contains(index), let moments = output.rows else { return nil }
            let view = views[index]
            let isToken = tokenMatrices.contains(view.name)
            // A copy whose bytes the scan found equal to its leader's (their statistics are then
            // the same rows) takes the leader's summary, made just before on this core
            // (`RowScan` hands a leader's output over before its copies'), and a view of the
            // very bytes of an earlier one (`readingOf`) that one's; else it is made here.
            let source = output.readingOf ?? (output.sameBytesAsTwin == true ? twinLeaders[index] : nil)
            if let source, let made = keptSummaries.summary(of: source, profilingNorms: isToken) {
                return made.relabeled(as: view)
            }
            // Rows are not kept: the findings need none, and a kept leader summary must not
            // hold a vocabulary's rows until the audit ends.
            let summary = RowSummary(view: view, moments: moments, keepingRows: false, profilingNorms: isToken, keepingNorms: isToken)
            keptSummaries.keep(summary, of: index, profilingNorms: isToken, readAgain: output.isReadAgain)
            return summary
        }

        /// The findings of `rowSummary(of:_:)`'s summary; waits for the tokenizer to name a
        /// token matrix's rows.
        func findings(of index: Int, _ summary: RowSummary?) -> [Finding]? {
            guard let summary else { return nil }
            return RowSummary.auditFindings(summary, tokenMatrices: tokenMatrices, padID: padID, knowledge: { knowledge.value },
                                            readsAnInputEmbedding: readingAnInputEmbedding.contains(summary.tensor))
        }

        func findings(_ summaries: [[Finding]?]) -> [Finding] {
            Self.oneFindingPerBuffer(summaries, views: views, sharingStorage: sharingStorage, rank: { name in
                tokenMatrices.isInputEmbedding(name) ? 0 : tokenMatrices.contains(name) ? 1 : 2
            }).flatMap { $0 ?? [] } + skippedFinding()
        }

        /// Findings that views of one stored buffer (same bytes, dtype and shape: a torch file's
        /// T5 `shared`, both `embed_tokens` and a tied `lm_head`) share (`same`), drawn
        /// once from one view — an input embedding, else a token matrix, else the first —
        /// naming the others, as `untrained-tokens` and `padding-row-nonzero` report them. A
        /// finding only some views have (an `outlier-rows` of the token matrix among them, a
        /// `--tensor` choice's) stays that view's own. Why: such a file gave four identical
        /// `nan-values` errors (reader's review, 2026-12-05); keeping one view's findings alone
        /// dropped a tied head's `outlier-rows` and flipped `--fail-on`'s exit code
        /// (adversarial review).
        static func oneFindingPerBuffer(_ summaries: [[Finding]?], views: [TensorView], sharingStorage: Set<String>,
                                        rank: (String) -> Int) -> [[Finding]?] {
            guard !sharingStorage.isEmpty else { return summaries }
            var out = summaries
            for members in bufferGroups(views: views, among: sharingStorage, where: { summaries[$0] != nil }) {
                guard let kept = members.min(by: { (rank(views[$0].name), $0) < (rank(views[$1].name), $1) }),
                      var keptFindings = summaries[kept] else { continue }
                let name = views[kept].name
                var alsoReadAs = [[String]](repeating: [], count: keptFindings.count)
                for other in members where other != kept {
                    let otherName = views[other].name
                    out[other] = summaries[other]?.filter { finding in
                        guard let match = keptFindings.indices.first(where: { Self.same(finding, of: otherName, as: keptFindings[$0], of: name) })
                        else { return true }
                        alsoReadAs[match].append(otherName)
                        return false
                    }
                }
                for index in keptFindings.indices where !alsoReadAs[index].isEmpty {
                    let others = alsoReadAs[index]
                    keptFindings[index].tensors = ([name] + others).sortedByCodePoints()
                    keptFindings[index].message = name + Finding.alsoReadAs(others) + keptFindings[index].message.dropFirst(name.count)
                }
                out[kept] = keptFindings
            }
            return out
        }

        /// Whether `a` (of view `aName`) states what `b` (of view `bName`) states: the same rule,
        /// severity and evidence. Not the words: a token matrix names its rows by token where
        /// another view of the bytes gives numbers (two duplicate-rows warnings for one buffer;
        /// adversarial review), and the view that speaks (`rank`) keeps its own words.
        static func same(_ a: Finding, of aName: String, as b: Finding, of bName: String) -> Bool {
            sameStatement(a, b) && a.tensors == [aName] && b.tensors == [bName]
                && a.message.hasPrefix(aName + ":") && b.message.hasPrefix(bName + ":")
        }

        /// Indices of views in `among` that read one stored buffer (same bytes, dtype and
        /// shape), two or more to a group, among the indices `include` accepts.
        static func bufferGroups(views: [TensorView], among names: Set<String>, where include: (Int) -> Bool) -> [[Int]] {
            struct Place: Hashable {
                let bytes: ExactText
                let dtype: String
                let shape: [UInt64]
            }
            var groups: [Place: [Int]] = [:]
            for index in views.indices where views[index].info.byteCount > 0 && names.contains(views[index].name) && include(index) {
                let view = views[index]
                groups[Place(bytes: view.bytesKey, dtype: view.elementType.rawValue, shape: view.shape), default: []].append(index)
            }
            return groups.values.filter { $0.count > 1 }.map { $0.sorted() }
        }

        /// Rule `statistics-skipped`: one finding naming every tensor without statistics, with
        /// the first one's reason. Why: without it a report of such a file said "no findings",
        /// as if its rows had been checked (an audit of a 2,000,000-row embedding with
        /// `--pad-id 5` said nothing of the pad row; adversarial review, 2026-12-04).
        func skippedFinding() -> [Finding] {
            let skipped = views.indices.compactMap { i in
                budgeted.contains(i) ? nil : skipReasons[i].map { (name: views[i].name, reason: $0) }
            }
            guard let first = skipped.first else { return [] }
            let shown = first.name
            let message = skipped.count == 1
                ? "\(shown) has no row statistics (\(first.reason)): no row check looked at it"
                : "\(skipped.count) tensors have no row statistics, the first \(shown) (\(first.reason)): no row check looked at them"
            return [Finding(.statisticsSkipped, tensors: skipped.map(\.name), message: message,
                            evidence: ["tensors": .int(Int64(skipped.count))])]
        }
    }
}
