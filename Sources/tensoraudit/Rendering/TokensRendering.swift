import CheckpointIO
import TensorAnalysis
import ModelKnowledge

/// Text and JSON renderings of the `tokens` report.
enum TokensRendering {
    /// Known-unused tokens listed per matrix (the count is complete).
    static let unusedSampleLimit = 10
    /// Candidates listed per matrix without `--limit` (JSON; the count is complete).
    static let defaultLimit = 100
    /// Candidates a text report lists per matrix without `--limit`: a screenful; an explicit
    /// `--limit` lists that many in text too.
    static let defaultTextLimit = 20

    static func json(_ report: TokenReport) -> JSONValue {
        .object([
            "schema_version": .int(1),
            "tokenizer": tokenizer(report.tokenizer),
            "embeddings": .array(report.matrices.map(matrix)),
            "notes": .strings(report.notes),
            "findings": .array(report.findings.map(AnalysisJSON.finding)),
        ])
    }

    static func tokenizer(_ t: Tokenizer?) -> JSONValue {
        guard let t else { return .null }
        return .object([
            "path": t.sources.first.map(JSONValue.string) ?? .null,
            "sources": .strings(t.sources),
            "kind": .string(t.kind.rawValue),
            "vocab_size": .int(Int64(t.vocabularySize)),
            "pad_token": t.padToken.map { .string($0.content) } ?? .null,
            // A pad token transformers adds at load has the id it gives it, when that is known
            // (`Tokenizer.specialsAddedAtLoadExact`): `padding` checked row 400 while this said
            // null (hunt-63d L2).
            "pad_id": (t.padToken?.id ?? (t.specialsAddedAtLoadExact ? t.addedPadLowestID : nil)).map { .int(Int64($0)) } ?? .null,
            "special_tokens": .array(t.specialTokens.map { token in
                .object(["id": .int(Int64(token.id)), "token": .string(token.content), "roles": .strings(token.roles)])
            }),
        ])
    }

    static func matrix(_ m: TokenReport.Matrix) -> JSONValue {
        .object([
            "tensor": .string(m.tensor),
            "role": .string(m.role.rawValue),
            "rows": .int(Int64(m.rows)),
            "vocab_size": m.vocabularySize.map { .int(Int64($0)) } ?? .null,
            "rows_beyond_vocab": m.rowsBeyondVocabulary.map { .array([.int(Int64($0.lowerBound)), .int(Int64($0.upperBound))]) } ?? .null,
            "tokens_beyond_rows": m.tokensBeyondRows.map { .array([.int(Int64($0.lowerBound)), .int(Int64($0.upperBound))]) } ?? .null,
            "unused_tokens": .int(Int64(m.unusedTokens.count)),
            "unused_sample": .array(m.unusedTokens.prefix(unusedSampleLimit).map { token in
                .object(["id": .int(Int64(token.id)), "token": .string(token.token), "reason": .string(token.reason.name)])
            }),
            "tying": PaddingRendering.tying(m.tying),
            "indicator": m.indicator.map { .string($0.rawValue) } ?? .null,
            "percentile": m.selection.map { .double($0.percentile) } ?? .null,
            "threshold": .optional(m.selection?.threshold),
            "candidates_total": .int(Int64(m.selection?.totalBelowThreshold ?? 0)),
            "candidates": .array((m.selection?.candidates ?? []).map { c in
                .object(["row": .int(Int64(c.row)), "token": m.candidateTokens[c.row].map(JSONValue.string) ?? .null,
                         "score": .double(c.score), "indicator": m.indicator.map { .string($0.rawValue) } ?? .null])
            }),
            "identical_row_groups": .array(m.identicalRowGroups.map { group in
                .array(group.map { row in .object(["row": .int(Int64(row)), "token": m.identicalRowTokens[row].map(JSONValue.string) ?? .null]) })
            }),
            "zero_rows": m.zeroRows.map { .int(Int64($0)) } ?? .null,
            "notes": .strings(m.notes),
        ])
    }

    /// Groups and rows per group the text shows of `identical_row_groups` (JSON lists all).
    static let identicalGroupsShown = 5, identicalRowsShown = 6

    /// The text lines of a matrix's groups of identical rows, or none.
    static func identicalRowLines(_ m: TokenReport.Matrix) -> [String] {
        let groups = m.identicalRowGroups
        let zero = (m.zeroRows ?? 0) > 0 ? ["  rows all zero: \(m.zeroRows ?? 0) of \(m.rows) (not in the groups of identical rows; `rows` and `audit` list them as zero rows)"] : []
        guard !groups.isEmpty else { return zero }
        let rows = groups.reduce(0) { $0 + $1.count }
        var lines = ["  rows identical to another row: \(rows) in \(groups.count) group\(groups.count == 1 ? "" : "s") (\(m.identicalRowsMeaning))"]
        for group in groups.prefix(identicalGroupsShown) {
            let shown = group.prefix(identicalRowsShown).map { row in
                "\(row)" + (m.identicalRowTokens[row].map { " " + PaddingRendering.quotedToken($0) } ?? "")
            }
            lines.append("    " + shown.joined(separator: ", ") + (group.count > identicalRowsShown ? ", … (\(group.count) rows)" : ""))
        }
        if groups.count > identicalGroupsShown {
            lines.append("    … (\(identicalGroupsShown) of \(groups.count) groups shown; --json lists them all)")
        }
        return lines + zero
    }

    /// `shown`: the most candidates listed per matrix (`--limit`, or `defaultTextLimit`).
    static func text(_ report: TokenReport, listing shown: Int = defaultTextLimit) -> String {
        var lines: [String] = []
        if let t = report.tokenizer {
            // Shown as every other token of this report is (`quotedToken`): a pad token is the
            // file's text, and a newline, an escape sequence or a right-to-left override in it
            // broke or reordered this line.
            let pad = t.padToken.map { "pad token \(PaddingRendering.quotedToken($0.content))" + ($0.id.map { " (id \($0))" } ?? "") } ?? "no pad token"
            lines.append("tokenizer: \(t.kind.rawValue), \(t.vocabularySize) tokens, \(t.specialTokens.count) special, \(pad)")
            lines.append("  from " + t.sources.map(TextFormatting.safeName).joined(separator: ", "))
        }
        for m in report.matrices {
            lines.append("\(TextFormatting.safeName(m.tensor)) (\(m.role.rawValue), \(m.rows) rows)")
            if let vocab = m.vocabularySize {
                let beyond = m.rowsBeyondVocabulary.map { ": rows \($0.lowerBound)..<\($0.upperBound) (\($0.count)) have no token" }
                    ?? m.tokensBeyondRows.map { ": token ids \($0.lowerBound)..<\($0.upperBound) (\($0.count)) have no row" } ?? ""
                lines.append("  tokenizer vocabulary: \(vocab) tokens\(beyond)")
            }
            if !m.unusedTokens.isEmpty {
                let sample = m.unusedTokens.prefix(3).map { PaddingRendering.quotedToken($0.token) }.joined(separator: ", ")
                // "…" only when the sample leaves tokens out.
                let more = m.unusedTokens.count > 3 ? ", …" : ""
                let noun = m.unusedTokens.count == 1 ? "token" : "tokens"
                lines.append("  known unused: \(m.unusedTokens.count) \(noun) (\(sample)\(more))")
            }
            lines.append("  tying: \(m.tying.label) (evidence: \(m.tying.evidence.rawValue))")
            if let indicator = m.indicator, let selection = m.selection {
                let threshold = selection.threshold.map(TextFormatting.compact) ?? "n/a"
                let percent = selection.percentile == selection.percentile.rounded() ? String(Int(selection.percentile)) : TextFormatting.compact(selection.percentile)
                // "lowest first:" only over a list; `--limit 0` lists none of a complete count.
                let listing = !selection.candidates.isEmpty ? "; lowest first:"
                    : selection.totalBelowThreshold > 0 ? "; none listed (--limit 0)" : ""
                let noun = m.rowsClassified ? "ordinary token" : "row"
                // "of ordinary tokens": the percentile is theirs, not the matrix's (591 read as 2% of
                // the 30,522 rows, where 1,508 rows lie under the threshold; reader's review).
                lines.append("  candidates by \(indicator.rawValue): \(selection.totalBelowThreshold) \(noun)\(selection.totalBelowThreshold == 1 ? "" : "s") in the lowest "
                    + "\(percent)% of \(noun)s (score at most \(threshold))\(listing)")
                for c in selection.candidates.prefix(shown) {
                    let token = m.candidateTokens[c.row].map { PaddingRendering.quotedToken($0) } ?? "-"
                    lines.append("    row \(c.row)  \(token)  \(TextFormatting.compact(c.score))")
                }
                if selection.candidates.count > shown {
                    lines.append("    … (\(shown) of \(selection.totalBelowThreshold) listed; --limit N lists more, --json lists \(selection.candidates.count))")
                }
            }
            lines += identicalRowLines(m)
            for note in m.notes { lines.append("  note: " + TextFormatting.safeMessage(note)) }
        }
        for note in report.notes { lines.append("note: " + TextFormatting.safeMessage(note)) }
        if !report.findings.isEmpty { lines.append("") }
        for f in report.findings { lines.append("[\(f.severity.rawValue)] \(f.rule): \(TextFormatting.safeMessage(f.message))") }
        return lines.joined(separator: "\n")
    }
}
