import CheckpointIO
import TensorAnalysis
import TensorScan

/// Text and JSON renderings of the padding report.
enum PaddingRendering {
    static func json(_ analysis: PaddingAnalysis.Report, _ findings: [Finding]) -> JSONValue {
        let embeddings: [JSONValue] = analysis.results.map { r in
            .object([
                "tensor": .string(r.tensor),
                "role": .string(r.role.rawValue),
                "pad_id": .int(Int64(r.padID)),
                "pad_id_source": .string(r.padIDSource.rawValue),
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
                "pad_row": AnalysisJSON.row(r.padID, r.padRow),
                "tied_with": .strings(r.tiedWith),
                "config_tied": r.configDeclaresTied.map(JSONValue.bool) ?? .null,
                "explanation": .string(r.explanation),
            ])
        }
        return .object([
            "schema_version": .int(1),
            "embeddings": .array(embeddings),
            "notes": .strings(analysis.notes),
            "findings": .array(findings.map(AnalysisJSON.finding)),
        ])
    }

    static func text(_ analysis: PaddingAnalysis.Report, _ findings: [Finding]) -> String {
        var lines: [String] = []
        for r in analysis.results {
            lines.append("\(TextFormatting.safeName(r.tensor)) (\(r.role.rawValue), \(r.rows) rows)")
            let zero = r.isZeroBits ? "all zero" : r.isZero ? "zero by value (-0.0)" : "NOT zero"
            let rank = r.rank.map { "rank \($0) of \(r.rows), 1 = smallest" } ?? "rank n/a (NaN norm)"
            lines.append("  pad row \(r.padID) (from \(r.padIDSource.rawValue)): norm \(TextFormatting.compact(r.rowNorm)), \(zero), \(rank)")
            if let d = r.norms {
                lines.append("  row norms: mean \(TextFormatting.compact(d.mean)), median \(TextFormatting.compact(d.median)), "
                    + "min \(TextFormatting.compact(d.minimum)), max \(TextFormatting.compact(d.maximum)), std \(TextFormatting.compact(d.std))")
            }
            if !r.tiedWith.isEmpty { lines.append("  tied with: " + r.tiedWith.map(TextFormatting.safeName).joined(separator: ", ")) }
            lines.append("  " + TextFormatting.safeName(r.explanation))
        }
        for note in analysis.notes { lines.append("note: " + TextFormatting.safeName(note)) }
        if !findings.isEmpty { lines.append("") }
        for f in findings { lines.append("[\(f.severity.rawValue)] \(f.rule): \(TextFormatting.safeName(f.message))") }
        return lines.joined(separator: "\n")
    }
}
