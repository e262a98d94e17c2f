import ModelKnowledge

extension PaddingAnalysis {
    /// The padding report's notes as `audit` findings, so that a report without
    /// `padding-row-nonzero` says whether a pad row was looked at at all.
    ///
    /// Why: `padding` printed "no pad token found" and the other notes, and `audit` dropped every
    /// one of them; a CI job reading `audit --json` could not tell a zero pad row from a pad row
    /// nobody checked (review, 2026-12-04).
    ///
    /// - `padding-unchecked` for each note that leaves a token matrix's pad row unchecked (no pad
    ///   id, no token matrix, a pad id that is no row of it), with `reason` (the note's kind) and
    ///   the pad id when there is one. A matrix without row statistics is left out: the audit's
    ///   `statistics-skipped` already names it and says no pad-row check looked at it.
    /// - `pad-id-source-ignored` for each source of the pad id that was not used, with the id
    ///   used (`pad_id`, `pad_id_source`) when there is one: config.json's, and the tokenizer
    ///   files' (tokenizer_config.json's pad token that special_tokens_map.json overrides, …).
    /// - Other notes about the files beside the checkpoint are not the padding analysis' own: an
    ///   unreadable tokenizer is `tokenizer-unreadable` (`CheckpointKnowledge.findings`); a
    ///   tokenizer note on another role (bos_token, …) is printed by `padding` and `tokens`
    ///   and is no audit finding (no rule says what it would be).
    static func noteFindings(_ report: Report) -> [Finding] {
        var used: [String: Evidence] = [:]
        if let padID = report.padID {
            used["pad_id"] = .int(Int64(padID.id))
            used["pad_id_source"] = .string(padID.sourceName)
        }
        return report.notes.compactMap { note -> Finding? in
            switch note.kind {
            case .knowledge, .noStatistics:
                return nil
            case .padIDSourceIgnored:
                return Finding(.padIDSourceIgnored, tensors: [], message: note.text, evidence: used)
            case .noPadToken, .noTokenMatrix, .notAMatrix, .noMappedRow, .padIDOutOfRange:
                return Finding(.paddingUnchecked, tensors: note.tensors, message: note.text,
                               evidence: used.merging(["reason": .string(note.kind.rawValue)]) { _, reason in reason })
            }
        }
    }
}
