import StrictJSON
import TensorScan
import ModelKnowledge

extension PaddingAnalysis {
    /// One paragraph saying what the pad row is and what the evidence says about it. It names
    /// no cause the file cannot show: an all-zero row may come from `padding_idx` or from a
    /// later edit, and the bytes cannot tell which.
    static func explanation(_ r: Result) -> String {
        if r.isZero {
            let zero = r.isZeroBits ? "the pad row is all zeros" : "the pad row is zero by value (it holds -0.0)"
            return zero + (zeroPadRowReason(r).map { ": " + $0 } ?? "")
        }
        if r.rowsAreNotTokens {
            return "the row is non-zero, but the rows of \(r.tensor) are not tokens by its name: row \(r.padID.id) is checked only because "
                + "--tensor chose the matrix; the pad id indexes tokens, and nothing says this row should be zero."
        }
        let tying = r.tying
        if r.role == .outputProjection {
            return "the pad row is non-zero: this is an output projection, whose every row receives gradient through the softmax. " + tying.detail
        }
        if let layout = r.staticLayout {
            let weight = r.tokenWeight.map { " The pad token's weight is \(RowSummary.short($0)) (\(layout.weights ?? "weights") scales its row)." } ?? ""
            let mapped = r.rowIndex == r.padID.id ? "" : " The pad token \(r.padID.id) uses row \(r.rowIndex) (\(layout.mapping ?? "mapping"))."
            if r.rowSharers > 0 {
                return "the pad row is non-zero, as expected. " + tying.detail + mapped + weight
                    + " \(layout.mapping ?? "mapping") sends \(RowSummary.count(r.rowSharers, "other token")) to that row, so it is theirs too and holds their values."
            }
            return "the pad row is non-zero. " + tying.detail + mapped + weight + " Nothing in the file accounts for the non-zero row."
        }
        if let unpadded = r.unpaddedRow {
            return "the pad row is non-zero, as expected: \(unpadded). " + tying.detail
        }
        if !r.sharedRoles.isEmpty, !tying.justifiesTiedExplanation {
            let roles = rolesText(r.sharedRoles, configOnly: r.configOnlyRoles)
            if r.paddingIdxOnRow {
                // As the finding says it: padding_idx on this row keeps it at zero in a model
                // built from this config (review, 2026-12-05: the two disagreed).
                return "the pad row is non-zero: the pad token is also the \(roles), which the model reads in training, but config.json's "
                    + "pad_token_id puts padding_idx on this row, which keeps it at zero in a model built and trained from this config; so the row "
                    + "was trained elsewhere (as that token before pad_token_id was set to its id, or in a model built without padding_idx there), "
                    + "which the files cannot show. " + tying.detail
            }
            return "the pad row is non-zero, as expected: the pad token is also the \(roles), "
                + "which the model reads in training, so its row is trained as that token (unless padding_idx froze it from the start). " + tying.detail
        }
        if r.distanceFromMeanRow != nil {
            return "the pad row is non-zero, as expected: it is the mean of the other rows (to within 1e-3 of the median row norm), and the pad token is the "
                + "tokenizer's last added token on the matrix's last row: transformers' resize_token_embeddings gives a row added after training that mean "
                + "(mean_resizing, its default since 4.46), not zeros. " + tying.detail
        }
        if tying.justifiesTiedExplanation {
            return "the pad row is non-zero; the matrix is tied to an output projection by \(evidenceWords(tying.evidence)). "
                + tying.detail + " A tied matrix gets the output layer's gradient in every row, the padding row included."
        }
        if let copies = untiedCopies(r) {
            return "the pad row is non-zero and the model as saved ties nothing. " + tying.detail
                + " The copy in \(copies) is evidence of its own: matrices trained apart do not stay equal, so unless neither was trained after one was "
                + "copied from the other, they were one tied matrix when last trained (a tie the config does not record, or a tied matrix an export "
                + "saved twice), and a tied matrix gets the output layer's gradient in every row, the padding row included."
        }
        if tying.tied == false, let pretraining = r.pretrainingTie {
            return "the pad row is non-zero and the model as saved ties nothing. " + tying.detail
                + " But \(pretraining): a pre-training head tied to this matrix gives every row the output layer's gradient, the padding row included; "
                + "whether the model was pre-trained so, the files cannot show."
        }
        if tying.tied == nil, let pretraining = r.pretrainingTie {
            return "the pad row is non-zero; whether the model it was saved from ties the matrix is not known. " + tying.detail
                + " But \(pretraining): a pre-training head tied to this matrix gives every row the output layer's gradient, the padding row included; "
                + "whether the model was pre-trained so, the files cannot show."
        }
        if tying.tied == false, let unknown = r.paddingIdxUnknown {
            return "the pad row is non-zero and the matrix is not tied to an output projection. " + tying.detail
                + " Whether the model builds this embedding with padding_idx on the pad row (which starts it at zero) is not known: \(unknown)."
        }
        if tying.tied == false {
            return "the pad row is non-zero and the matrix is not tied to an output projection. " + tying.detail
                + " Nothing in the checkpoint or its config accounts for the non-zero row."
        }
        return "the pad row is non-zero; whether the matrix is tied to an output projection is not known. " + tying.detail
    }

    /// The tie partners (output projections) of an input embedding the evidence calls untied
    /// that hold its bytes, listed; nil when there are none. Two matrices trained apart do not
    /// stay equal, so the copy is evidence of a tie while it trained (review-63b H2: a
    /// BertForMaskedLM folder whose config unties a byte-identical decoder got a warning
    /// "nothing accounts for it" beside its own "an untie by copying, or a tie the config does
    /// not record").
    static func untiedCopies(_ r: Result) -> String? {
        guard r.tying.tied == false, r.role != .outputProjection, !TensorNames.isOutputProjection(r.tensor), !r.tiePartners.isEmpty else { return nil }
        return TyingJudge.listed(r.tiePartners)
    }

    /// Why a zero pad row is zero, where the model type says (its input embedding built with
    /// `padding_idx` on that row), or that `padding_idx` is not on it; nil when not known or for
    /// an output projection (`padding_idx` is the input embedding's).
    static func zeroPadRowReason(_ r: Result) -> String? {
        guard r.role != .outputProjection, !TensorNames.isOutputProjection(r.tensor) else { return nil }
        if let padded = r.paddedRow {
            // A tied matrix's padding row still gets the output layer's gradient in training.
            let tied = r.tying.justifiesTiedExplanation
                ? "; but the matrix is tied (evidence: \(r.tying.evidence.rawValue)), and the output layer's gradient reaches every row in "
                    + "training, so a zero row here was not trained through that layer"
                : ""
            return "\(padded.sentence): \(PaddingAnalysis.paddingIdxEffect) (padding_idx evidence: \(padded.evidence))" + tied
        }
        if let unpadded = r.unpaddedRow {
            return "\(unpadded); so padding_idx does not account for that row being zero, and nothing known does "
                + "(padding_idx evidence: \(r.unpaddedRowEvidence))"
        }
        return nil
    }

    /// `all-zero-rows` findings of the token matrices whose pad row is zero, with that row named
    /// as the pad id's and, where the model type builds `padding_idx` elsewhere or nowhere, that
    /// `padding_idx` does not account for it; evidence `pad_id` and `pad_id_source` (as
    /// `padding-row-nonzero` has them). The `padding_idx` row itself is named where the row
    /// rules make the finding (`paddingIdxZeroRow`). `tokenRows` says whether a matrix's rows
    /// are token ids (a `--tensor` position table's row 0 is no pad token's).
    /// Why: a fresh BERT's zero row 0 was "1 of 200 rows are all zero (rows 0)", with no word
    /// that row 0 is `[PAD]`: the user had to find that out with `padding`.
    public static func explainingZeroPadRows(_ findings: [Finding], _ report: Report, tokenRows: (String) -> Bool) -> [Finding] {
        var zeroPads: [ExactText: Result] = [:]
        for r in report.results where r.isZero && !r.padID.isAssumed && tokenRows(r.tensor) { zeroPads[ExactText(r.tensor)] = r }
        guard !zeroPads.isEmpty else { return findings }
        return findings.map { finding in
            // One tensor, or the views of one stored buffer, whose message leads with the one
            // that speaks for them (`RowSummary.AuditStage.oneFindingPerBuffer`): a merged
            // finding lost this explanation (adversarial review).
            guard finding.rule == .allZeroRows,
                  let r = finding.tensors.lazy.compactMap({ zeroPads[ExactText($0)] })
                      .first(where: { finding.leads(with: $0.tensor) })
            else { return finding }
            var noted = finding
            let token = r.padToken.map { ", token " + quoted($0) } ?? ""
            let row = r.rowIndex == r.padID.id ? "row \(r.rowIndex) is the pad id's row" : "row \(r.rowIndex) holds pad id \(r.padID.id)"
            noted.message += "; \(row) (\(r.padID.note)\(token))"
            // Why the pad row in particular is zero says nothing when every row is (review-63b M5:
            // 80 words on row 0 of an all-zero matrix).
            let everyRow = finding.evidence["rows"] == .int(Int64(r.rows))
            if r.paddedRow == nil, !everyRow, let reason = zeroPadRowReason(r) { noted.message += ": " + reason }
            noted.evidence["pad_id"] = .int(Int64(r.padID.id))
            noted.evidence["pad_id_source"] = .string(r.padID.sourceName)
            return noted
        }
    }

    /// How a tie is known, for sentences.
    static func evidenceWords(_ evidence: TyingEvidence) -> String {
        switch evidence {
        case .identicalBytes: "its bytes"
        case .metadataAlias: "a metadata alias"
        case .formatConvention: "the file format's convention"
        case .architecture: "the architecture config.json names"
        case .config: "what config.json states"
        case .modelTypeDefault: "the model type's documented default (implied, not stated)"
        case .none, .unknown: "no evidence"
        }
    }

    /// Rule `padding-row-nonzero` on input embeddings (an output projection's rows are all
    /// trained): info when the bytes, an alias, an explicit config value or the model type's
    /// default say the matrix is tied; the rule's default (warning) when the evidence says it is
    /// not tied or does not say.
    ///
    /// An output projection that stands for a dropped input embedding is checked as one: when
    /// no input embedding was analysed and the output projection's ties name an input
    /// embedding (safetensors' `save_model` keeps `lm_head.weight` and records the embedding as
    /// its `__metadata__` alias), its pad row is the embedding's. `audit` said nothing of a
    /// non-zero pad row there while `padding` showed it (review, 2026-12-04).
    public static func findings(_ report: Report) -> [Finding] {
        let embeddingAnalysed = report.results.contains { $0.role != .outputProjection && !TensorNames.isOutputProjection($0.tensor) }
        // Views of one stored buffer have one pad row: reported once, naming every view. Why:
        // a BART torch file (shared, encoder and decoder embed_tokens, one storage) gave three
        // identical findings (QA run, 2026-12-05).
        func standsFor(_ r: Result) -> String? {
            let isOutput = r.role == .outputProjection || TensorNames.isOutputProjection(r.tensor)
            // Only on an alias's word: a byte-identical embedding is stored, and analysed itself.
            return isOutput && !embeddingAnalysed && r.tying.evidence == .metadataAlias ? r.tiedWith.first(where: TensorNames.isEmbedding) : nil
        }
        func reports(_ r: Result) -> Bool {
            !r.isZero && (!(r.role == .outputProjection || TensorNames.isOutputProjection(r.tensor)) || standsFor(r) != nil)
        }
        var views: [ExactText: [String]] = [:]
        for r in report.results where reports(r) && !r.bufferKey.text.isEmpty { views[r.bufferKey, default: []].append(r.tensor) }
        var reported = Set<ExactText>()
        let made = report.results.compactMap { r -> (Result, Finding)? in
            guard reports(r), r.bufferKey.text.isEmpty || reported.insert(r.bufferKey).inserted else { return nil }
            let standsFor = standsFor(r)
            let sameBuffer = r.bufferKey.text.isEmpty ? [] : (views[r.bufferKey] ?? []).filter { $0 != r.tensor }
            let tied = r.tying.justifiesTiedExplanation
            let expected = r.unpaddedRow != nil
            let shared = !expected && !r.sharedRoles.isEmpty
            let rankText = r.rank.map { "rank \($0) of \(r.rows) by norm" } ?? "norm is NaN"
            let median = r.norms.map { RowSummary.short($0.median) } ?? "n/a"
            let token = r.padToken.map { " " + quoted($0) } ?? ""
            var evidence: [String: Evidence] = [
                "pad_id": .int(Int64(r.padID.id)), "row_norm": .double(r.rowNorm), "rows": .int(Int64(r.rows)),
                "tied_with": .strings(r.tiedWith), "pad_id_source": .string(r.padID.sourceName),
                "tying_evidence": .string(r.tying.evidence.rawValue), "row_index": .int(Int64(r.rowIndex)),
            ]
            if let tiedValue = r.tying.tied { evidence["tied"] = .bool(tiedValue) }
            if !r.tying.architectures.isEmpty { evidence["architectures"] = .strings(r.tying.architectures) }
            if !r.tying.namedArchitectures.isEmpty { evidence["named_architectures"] = .strings(r.tying.namedArchitectures) }
            if let padToken = r.padToken { evidence["pad_token"] = .string(padToken) }
            if let rank = r.rank { evidence["rank"] = .int(Int64(rank)) }
            if let d = r.norms { evidence["norm_median"] = .double(d.median) }
            if let layout = r.staticLayout { evidence["static_layout"] = .string(layout.kind.rawValue) }
            if let weight = r.tokenWeight { evidence["token_weight"] = .double(weight) }
            let sharedRow = !expected && r.rowSharers > 0
            if sharedRow { evidence["row_shared_with"] = .int(Int64(r.rowSharers)) }
            if expected { evidence["padding_idx_row"] = .bool(false) }
            if shared { evidence["pad_token_roles"] = .strings(r.sharedRoles) }
            let meanRow = !expected && !shared && r.distanceFromMeanRow != nil
            if meanRow, let distance = r.distanceFromMeanRow { evidence["distance_from_mean_row"] = .double(distance) }
            let copied = untiedCopies(r)
            let pretrained = !expected && !shared && r.pretrainingTie != nil && !tied
            if pretrained { evidence["pretraining_tie"] = .bool(true) }
            // A tied matrix's pad token that is also a token the model reads (a GGUF file's pad =
            // EOS): the tie is one reason, the token's own training another; the evidence named
            // the role and the sentence did not (reader's review, 2026-12-05).
            let roles = rolesText(r.sharedRoles, configOnly: r.configOnlyRoles)
            let alsoRead = !shared ? "" : r.paddingIdxOnRow
                ? "; the pad token is also the \(roles), but config.json's pad_token_id puts padding_idx on this row, so reading it as that token "
                    + "does not train the row: the tied output layer's gradient does"
                : "; the pad token is also the \(roles), a token the model reads in training, so its row is also trained as that token "
                    + "unless padding_idx froze it from the start"
            let verdict = switch (tied, r.tying.tied) {
            case _ where r.rowsAreNotTokens:
                // ALBERT's position embedding chosen with --tensor: row 0 is position 0, trained by
                // every sequence; "nothing accounts for it" was a warning (helper-149, 2026-12-06).
                "the rows of \(r.tensor) are not tokens by its name, so row \(r.padID.id) is checked only because --tensor chose the matrix: "
                    + "the pad id indexes tokens, and nothing says this row should be zero"
            case _ where expected:
                "\(r.unpaddedRow ?? "") (padding_idx evidence: \(r.unpaddedRowEvidence)), so a non-zero pad row is expected"
            case (false, _) where shared && r.paddingIdxOnRow:
                "the pad token is also the \(roles), a token the model reads in training; config.json's pad_token_id puts "
                    + "padding_idx on this row, which keeps it at zero in a model built and trained from this config, so the row was trained elsewhere: "
                    + "as that token before pad_token_id was set to its id (as fine-tunes set it to the EOS id), or in a model built without padding_idx "
                    + "there; which, the files cannot show"
            case (false, _) where shared:
                "the pad token is also the \(roles), a token the model reads in training: "
                    + "its row is trained as that token unless padding_idx froze it from the start, so a non-zero row is expected"
            case (false, _) where meanRow:
                "the row is the mean of the other rows to within 1e-3 of the median row norm, and the pad token is the tokenizer's last added token "
                    + "on the matrix's last row: what transformers' resize_token_embeddings gives a row added after training, so a non-zero row is expected"
            case (false, _) where sharedRow:
                "\(r.staticLayout?.mapping ?? "the mapping") sends \(RowSummary.count(r.rowSharers, "other token")) to this row, so it is theirs too "
                    + "and a non-zero row is expected (a static embedding model has no output projection to tie)"
            case (false, _) where r.staticLayout != nil:
                "a static embedding model has no output projection, so no tie accounts for it"
            case (true, _) where r.tying.evidence == .modelTypeDefault:
                "the model type's default ties the matrix (evidence: model-type-default: implied, not stated), which would account for it" + alsoRead
            case (true, _): "the matrix is tied (evidence: \(r.tying.evidence.rawValue)), which accounts for it" + alsoRead
            case (false, false?) where r.tying.architectureNeverTies:
                "the model's classes (\(TyingJudge.listed(r.tying.architectures))) never tie an output projection to the input embedding "
                    + "in transformers, so no tie accounts for it (evidence: architecture)"
            case (false, false?) where r.tying.evidence == .architecture && r.pretrainingTie != nil && r.tying.namedHeadClass != nil:
                "the checkpoint's tensor names are those of \(TyingJudge.listed(r.tying.architectures)) (config.json's architectures name "
                    + "\(r.tying.namedHeadClass ?? "")), which has no output projection, so nothing is tied in this model (evidence: architecture); "
                    + "but \(r.pretrainingTie ?? ""), whose gradient would have moved the pad row before fine-tuning; whether it was pre-trained so, "
                    + "the files cannot show"
            case (false, false?) where r.tying.evidence == .architecture && r.tying.namedHeadClass != nil:
                "the checkpoint's tensor names are those of \(TyingJudge.listed(r.tying.architectures)) (config.json's architectures name "
                    + "\(r.tying.namedHeadClass ?? "")), which has no output projection, so no tie in this model accounts for it (evidence: "
                    + "architecture; whether it was tied in pre-training, the files cannot show)"
            case (false, false?) where r.tying.evidence == .architecture && r.pretrainingTie != nil:
                "config.json's architectures (\(TyingJudge.listed(r.tying.architectures))) have no output projection, so nothing is tied in this model "
                    + "(evidence: architecture); but \(r.pretrainingTie ?? ""), whose gradient would have moved the pad row before fine-tuning; "
                    + "whether it was pre-trained so, the files cannot show"
            case (false, false?) where r.tying.evidence == .architecture:
                "config.json's architectures (\(TyingJudge.listed(r.tying.architectures))) have no output projection, so no tie in this model accounts for it "
                    + "(evidence: architecture; whether it was tied in pre-training, the files cannot show)"
            case (false, nil) where pretrained:
                "whether the model it was saved from ties the matrix is unknown (evidence: \(r.tying.evidence.rawValue)); but \(r.pretrainingTie ?? ""); "
                    + "such a tie's gradient would have moved the pad row in pre-training; whether it was pre-trained so, the files cannot show"
            case (false, false?) where copied != nil:
                "the matrix is not tied (evidence: \(r.tying.evidence.rawValue)), but \(copied ?? "") holds identical bytes: matrices trained apart do not "
                    + "stay equal, so unless neither was trained after one was copied from the other, they were one tied matrix when last trained "
                    + "(a tie the config does not record, or a tied matrix an export saved twice), which would account for it"
            case (false, false?) where r.paddingIdxUnknown != nil:
                "the matrix is not tied (evidence: \(r.tying.evidence.rawValue)); whether the model builds it with padding_idx on this row is not known "
                    + "(\(r.paddingIdxUnknown ?? "")), so nothing known accounts for it"
            case (false, false?): "the matrix is not tied (evidence: \(r.tying.evidence.rawValue)), so nothing accounts for it"
            default: "whether the matrix is tied is unknown (evidence: \(r.tying.evidence.rawValue))"
            }
            let standing = (standsFor.map { " (it holds the input embedding \(quoted($0)), which is tied to it and not stored apart)" } ?? "")
                + Finding.alsoReadAs(sameBuffer)
            // A model2vec pad token on another row: say both (the message said "pad row 0" and
            // gave row 8633's norm).
            let padRow = r.rowIndex == r.padID.id ? "pad row \(r.padID.id)\(token)" : "pad token \(r.padID.id)\(token) (row \(r.rowIndex))"
            return (r, Finding(.paddingRowNonzero, severity: tied || expected || shared || pretrained || meanRow || sharedRow || r.rowsAreNotTokens || copied != nil ? .info : nil,
                               tensors: [r.tensor] + sameBuffer,
                               message: "\(r.tensor)\(standing): \(padRow) has norm \(RowSummary.short(r.rowNorm)) (\(rankText), median \(median)); " + verdict,
                               evidence: evidence))
        }
        return foldingCopies(made)
    }

    /// The findings of byte-identical copies of one matrix (stored apart, so not one buffer) as
    /// one finding naming every copy, when each copy's finding says the same of its pad row.
    ///
    /// Why: an old T5 export storing `shared`, `encoder.embed_tokens` and `decoder.embed_tokens`
    /// as three equal copies got three identical paragraphs; `tied-weights-duplicated` already
    /// names the copies (session of 2026-12-06). Copies are the names of a result's `tiedWith`
    /// (byte-identical tensors and views, and metadata aliases, which are never results) that
    /// are results too; copies whose findings differ in more than the name (BART's
    /// `encoder.embed_tokens` built with a padding_idx `shared` lacks) stay apart.
    static func foldingCopies(_ made: [(Result, Finding)]) -> [Finding] {
        let names = Set(made.map { ExactText($0.0.tensor) })
        func body(_ r: Result, _ f: Finding) -> String { String(f.message.dropFirst(r.tensor.count)) }
        var groups: [ExactText: [Int]] = [:]
        for (k, (r, f)) in made.enumerated() where f.tensors.count == 1 {
            let copies = r.tiedWith.filter { names.contains(ExactText($0)) }
            guard !copies.isEmpty else { continue }
            let key = ExactText(([r.tensor] + copies).sortedByCodePoints().joined(separator: "\u{0}"))
            groups[key, default: []].append(k)
        }
        var folded: [Int: Finding] = [:]
        var dropped = Set<Int>()
        for members in groups.values where members.count > 1 {
            let (lead, first) = made[members[0]]
            let rest = members.dropFirst()
            guard rest.allSatisfy({ made[$0].1.severity == first.severity && body(made[$0].0, made[$0].1) == body(lead, first) }) else { continue }
            let others = rest.map { made[$0].0.tensor }
            var merged = first
            merged.tensors = [lead.tensor] + others
            merged.message = lead.tensor + Finding.alsoStoredAs(others) + body(lead, first)
            folded[members[0]] = merged
            dropped.formUnion(rest)
        }
        return made.indices.compactMap { k in dropped.contains(k) ? nil : folded[k] ?? made[k].1 }
    }
}
