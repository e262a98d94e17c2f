import StrictJSON

extension RowSummary.AuditStage {
    /// The row findings of a tensor stored apart with an input embedding's very bytes (a tied
    /// masked-LM decoder saved twice, `cls.predictions.decoder.weight`) are the embedding's own:
    /// the same rows give the same numbers. So the copy's finding joins the embedding's equal
    /// one ("byte-identical copies, also stored as …", as `padding-row-nonzero` says it), and
    /// the copy's `outlier-rows` goes: its high rows are the embedding's `outlier-rows` and its
    /// low rows the embedding's `untrained-tokens`.
    ///
    /// Why: all-MiniLM-L6-v2 with its embedding saved again as a decoder reported the 841 rows
    /// of `untrained-tokens` a second time as 841 `outlier-rows` of the decoder (review-63b L8).
    /// Only known after the scan: the copies are proved equal when the later one is read, and
    /// either may come first (`lm_head.weight` sorts before `model.embed_tokens.weight`).
    static func joiningEmbeddingCopies(_ findings: [Finding], copies: TieAnalysis.Copies,
                                       isInputEmbedding: (String) -> Bool) -> [Finding] {
        let rowRules: Set<String> = [Rule.outlierRows.id, Rule.allZeroRows.id, Rule.duplicateRows.id,
                                     Rule.nanValues.id, Rule.infValues.id]
        // Each copy's embedding, in one walk over the groups: asking `copies[name]` per finding
        // lists the whole group each time, quadratic in 600,000 identical tiny tensors that
        // each have a `duplicate-rows` finding (hunt-60a's file).
        var embeddingOfCopy: [ExactText: String] = [:]
        for group in copies.groups {
            guard let embedding = group.first(where: isInputEmbedding) else { continue }
            for name in group where !isInputEmbedding(name) { embeddingOfCopy[ExactText(name)] = embedding }
        }
        guard !embeddingOfCopy.isEmpty else { return findings }
        // The embeddings' own findings by name (a handful each), so a copy's match is looked up,
        // not searched for among every finding.
        let embeddings = Set(embeddingOfCopy.values.map { ExactText($0) })
        var findingsOfEmbedding: [ExactText: [Int]] = [:]
        for index in findings.indices {
            guard let first = findings[index].tensors.first, embeddings.contains(ExactText(first)) else { continue }
            findingsOfEmbedding[ExactText(first), default: []].append(index)
        }
        var out = findings
        var dropped = Set<Int>()
        for index in findings.indices {
            let finding = findings[index]
            guard rowRules.contains(finding.rule.id), finding.tensors.count == 1, let name = finding.tensors.first,
                  finding.message.hasPrefix(name + ":"), let embedding = embeddingOfCopy[ExactText(name)] else { continue }
            // The embedding's `outlier-rows` leaves its low rows to `untrained-tokens`, so the
            // two differ in evidence and still speak of the same rows.
            let outliers = finding.rule == .outlierRows
            let match = findingsOfEmbedding[ExactText(embedding), default: []].first(where: { other in
                !dropped.contains(other) && other != index
                    && (outliers ? out[other].rule == .outlierRows : Self.sameStatement(out[other], finding))
                    && out[other].message.hasPrefix(embedding + ":")
            })
            guard let match else {
                if outliers { dropped.insert(index) }
                continue
            }
            // Only a message that leads with the embedding's bare name takes the clause; the
            // embedding's own views (one stored buffer) already lead with theirs.
            out[match].tensors = (out[match].tensors + [name]).sortedByCodePoints()
            out[match].message = embedding + Finding.alsoStoredAs([name]) + out[match].message.dropFirst(embedding.count)
            dropped.insert(index)
        }
        return out.indices.filter { !dropped.contains($0) }.map { out[$0] }
    }

    /// The same rule, severity and evidence, `padding_idx` aside: only the input embedding's
    /// lookup is built with it, so BART's `lm_head.weight`, a view of `model.shared.weight`,
    /// gave the buffer's zero pad row a second finding (review-63b M5).
    static func sameStatement(_ a: Finding, _ b: Finding) -> Bool {
        var aEvidence = a.evidence, bEvidence = b.evidence
        aEvidence["padding_idx"] = nil
        bEvidence["padding_idx"] = nil
        return a.rule == b.rule && a.severity == b.severity && aEvidence == bEvidence
    }
}
