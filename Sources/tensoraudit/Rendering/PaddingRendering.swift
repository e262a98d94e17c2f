import CheckpointIO
import StrictJSON
import TensorAnalysis
import TensorScan
import ModelKnowledge

/// Text and JSON renderings of the padding report.
enum PaddingRendering {
    /// Version 2: `pad_id_source` names the source kind (`flag`, `config`, `tokenizer`), no id
    /// is assumed, `config_tied` gave way to `tying`, and `pad_token`, `pad_id_file`,
    /// `row_index`, `unused_rows`, `static_layout` and `token_weight` were added.
    static let schemaVersion = 2

    static func json(_ analysis: PaddingAnalysis.Report, _ findings: [Finding]) -> JSONValue {
        let embeddings: [JSONValue] = analysis.results.map { r in
            .object([
                "tensor": .string(r.tensor),
                "role": .string(r.role.rawValue),
                "pad_id": .int(Int64(r.padID.id)),
                "pad_id_source": .string(r.padID.sourceName),
                "pad_id_file": sourceFile(r.padID).map(JSONValue.string) ?? .null,
                "pad_token": r.padToken.map(JSONValue.string) ?? .null,
                "row_index": .int(Int64(r.rowIndex)),
                "row_norm": .double(r.rowNorm),
                "is_zero": .bool(r.isZero),
                "is_zero_bits": .bool(r.isZeroBits),
                "rank": r.rank.map { .int(Int64($0)) } ?? .null,
                "rows": .int(Int64(r.rows)),
                "norm_mean": .optional(r.norms?.mean),
                "norm_median": .optional(r.norms?.median),
                "norm_min": .optional(r.norms?.minimum),
                "norm_max": .optional(r.norms?.maximum),
                "norm_std": .optional(r.norms?.std),
                "pad_row": AnalysisJSON.row(r.rowIndex, r.padRow),
                "tied_with": .strings(r.tiedWith),
                "tying": tying(r.tying),
                "unused_rows": unusedRows(r.unusedRows),
                "static_layout": staticLayout(r.staticLayout),
                "token_weight": .optional(r.tokenWeight),
                "explanation": .string(r.explanation),
            ])
        }
        return .object([
            "schema_version": .int(Int64(schemaVersion)),
            "embeddings": .array(embeddings),
            "notes": .strings(analysis.notes.map(\.text)),
            "findings": .array(findings.map(AnalysisJSON.finding)),
        ])
    }

    static func tying(_ t: TyingJudgement) -> JSONValue {
        .object([
            "tied": t.tied.map(JSONValue.bool) ?? .null,
            "evidence": .string(t.evidence.rawValue),
            "detail": .string(t.detail),
            "output_projection_present": .bool(t.outputProjectionPresent),
        ])
    }

    static func staticLayout(_ layout: StaticEmbeddingLayout?) -> JSONValue {
        guard let layout else { return .null }
        return .object([
            "kind": .string(layout.kind.rawValue),
            "embeddings": .string(layout.embeddings),
            "mapping": layout.mapping.map(JSONValue.string) ?? .null,
            "weights": layout.weights.map(JSONValue.string) ?? .null,
        ])
    }

    static func unusedRows(_ u: PaddingAnalysis.UnusedRowNorms?) -> JSONValue {
        guard let u else { return .null }
        return .object([
            "count": .int(Int64(u.count)),
            "norm_median": .double(u.median),
            "norm_min": .double(u.minimum),
            "norm_max": .double(u.maximum),
        ])
    }

    /// The file that gave the pad id (nil for `--pad-id`).
    static func sourceFile(_ padID: PadID) -> String? {
        switch padID.source {
        case .config(let file), .tokenizer(let file), .policy(let file), .modelTypeDefault(let file): file
        case .flag, .assumed: nil
        }
    }

    static func text(_ analysis: PaddingAnalysis.Report, _ findings: [Finding], profiles: [NormProfile] = []) -> String {
        var lines: [String] = []
        for r in analysis.results {
            lines.append("\(TextFormatting.safeName(r.tensor)) (\(r.role.rawValue), \(r.rows) rows)")
            let zero = r.isZeroBits ? "all zero" : r.isZero ? "zero by value (-0.0)" : "NOT zero"
            let rank = r.rank.map { "rank \($0) of \(r.rows), 1 = smallest" } ?? "rank n/a (NaN norm)"
            let token = r.padToken.map { " " + quotedToken($0) } ?? ""
            let row = r.rowIndex == r.padID.id ? "" : " (stored row \(r.rowIndex))"
            lines.append("  pad row \(r.padID.id)\(token)\(row): norm \(TextFormatting.compact(r.rowNorm)), \(zero), \(rank)")
            lines.append("  " + TextFormatting.safeMessage(r.padID.note))
            if let d = r.norms {
                lines.append("  row norms: mean \(TextFormatting.compact(d.mean)), median \(TextFormatting.compact(d.median)), "
                    + "min \(TextFormatting.compact(d.minimum)), max \(TextFormatting.compact(d.maximum)), std \(TextFormatting.compact(d.std))")
            }
            // Matched by code points: by `String ==`, of two requested matrices named with the two
            // spellings of `café`, the second drew the first one's histogram and pad mark.
            if let profile = profiles.first(where: { ExactText.same($0.tensor, r.tensor) }) {
                lines += TextHistogram.lines(profile.bins, marks: [("pad row \(r.padID.id)", r.rowNorm)]).map { "  " + $0 }
            }
            if let u = r.unusedRows {
                let sample = u.sample.map { quotedToken($0) }.joined(separator: ", ")
                lines.append("  rows of \(u.count) tokens known unused (\(sample), …): median norm \(TextFormatting.compact(u.median)), "
                    + "min \(TextFormatting.compact(u.minimum)), max \(TextFormatting.compact(u.maximum))")
            }
            if let layout = r.staticLayout {
                let parts = [layout.embeddings, layout.mapping, layout.weights].compactMap { $0 }.map(TextFormatting.safeName)
                let weight = r.tokenWeight.map { "; pad token weight \(TextFormatting.compact($0))" } ?? ""
                lines.append("  static embedding model: \(layout.kind.rawValue) (\(parts.joined(separator: ", ")))\(weight)")
            }
            // "tied with" only where the tie is what they show (the bytes or an alias): two
            // matrices of one repeated value are only equal (adversarial test).
            // A byte copy of no known role beside the partner is a copy, not a tie partner.
            let showsTie = [.identicalBytes, .metadataAlias].contains(r.tying.evidence)
            let partners = showsTie ? r.tiePartners : []
            let copies = r.tiedWith.filter { name in !partners.contains { ExactText.same($0, name) } }
            if !partners.isEmpty {
                lines.append("  tied with: " + partners.map(TextFormatting.safeName).joined(separator: ", "))
            }
            if !copies.isEmpty {
                lines.append("  identical bytes: " + copies.map(TextFormatting.safeName).joined(separator: ", "))
            }
            lines.append("  tying: \(r.tying.label) (evidence: \(r.tying.evidence.rawValue))")
            lines.append("  " + TextFormatting.safeMessage(r.explanation))
        }
        for note in analysis.notes { lines.append("note: " + TextFormatting.safeMessage(note.text)) }
        if !findings.isEmpty { lines.append("") }
        for f in findings { lines.append("[\(f.severity.rawValue)] \(f.rule): \(TextFormatting.safeMessage(f.message))") }
        return lines.joined(separator: "\n")
    }

    /// A token in double quotes, so a space token or `##s` reads unambiguously; shown as text
    /// output shows names, with a `"` inside as `\"`
    /// (`TextEscaping.displayQuoted`), so `a", "b` cannot pass for two tokens of a list.
    static func quotedToken(_ token: String) -> String { TextEscaping.displayQuoted(token) }
}
