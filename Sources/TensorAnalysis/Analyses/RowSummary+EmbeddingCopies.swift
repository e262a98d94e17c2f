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
        // each have a `duplicate-rows` finding (hunt-60a's file). The group's first input
        // embedding speaks for every other member, further input embeddings included (BART's
        // `shared`, `encoder.embed_tokens` and `decoder.embed_tokens` saved as three copies).
        var embeddingOfCopy: [ExactText: String] = [:]
        for group in copies.groups {
            guard let embedding = group.first(where: isInputEmbedding) else { continue }
            for name in group where !ExactText.same(name, embedding) { embeddingOfCopy[ExactText(name)] = embedding }
        }
        guard !embeddingOfCopy.isEmpty else { return findings }
        // The embeddings' own row findings, by the name they lead with (a view-merged one leads
        // "E (one stored buffer, also read as …): …"): a handful each, looked up, not searched.
        let embeddings = Set(embeddingOfCopy.values.map { ExactText($0) })
        var findingsOfEmbedding: [ExactText: [Int]] = [:]
        for (index, finding) in findings.enumerated() where rowRules.contains(finding.rule.id) {
            for name in finding.tensors where embeddings.contains(ExactText(name)) && Self.leads(finding, with: name) {
                findingsOfEmbedding[ExactText(name), default: []].append(index)
            }
        }
        var joined: [Int: [String]] = [:]
        var dropped = Set<Int>()
        for (index, finding) in findings.enumerated() {
            guard rowRules.contains(finding.rule.id), finding.tensors.count == 1, let name = finding.tensors.first,
                  finding.message.hasPrefix(name + ":"), let embedding = embeddingOfCopy[ExactText(name)] else { continue }
            // An input embedding's `outlier-rows` leaves its low rows to `untrained-tokens`, so
            // a copy's differs from it in evidence and still speaks of the same rows; with no
            // such finding to join, its rows are the embedding's `untrained-tokens` (low) or
            // none (a policy threshold dropped the embedding's).
            let outliers = finding.rule == .outlierRows
            let match = findingsOfEmbedding[ExactText(embedding), default: []].first { other in
                !dropped.contains(other) && (outliers ? findings[other].rule == .outlierRows : Self.sameStatement(findings[other], finding))
            }
            if let match { joined[match, default: []].append(name) }
            if match != nil || outliers { dropped.insert(index) }
        }
        var out: [Finding] = []
        for (index, finding) in findings.enumerated() where !dropped.contains(index) {
            guard let names = joined[index], let speaker = finding.tensors.first(where: { embeddings.contains(ExactText($0)) && Self.leads(finding, with: $0) }) else {
                out.append(finding)
                continue
            }
            var merged = finding
            merged.tensors = (finding.tensors + names).sortedByCodePoints()
            merged.message = speaker + Finding.alsoStoredAs(names.sortedByCodePoints()) + finding.message.dropFirst(speaker.count)
            out.append(merged)
        }
        return out
    }

    /// Whether `finding`'s message leads with `name`: "name: …" or "name (…): …".
    private static func leads(_ finding: Finding, with name: String) -> Bool {
        finding.message.hasPrefix(name + ":") || finding.message.hasPrefix(name + " (")
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
