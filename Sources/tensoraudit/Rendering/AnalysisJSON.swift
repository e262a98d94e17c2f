import StrictJSON
import TensorAnalysis
import CheckpointIO
import TensorScan

/// JSON renderings of the analysis values, shared by `rows`, `padding` and `ties`.
enum AnalysisJSON {
    /// Longest index list written in a report; the counts beside each list are always complete.
    static let listLimit = 100

    /// A row's statistics; with `token` (the row of a token matrix, a tokenizer beside the
    /// checkpoint) also its `token`: the text, or null for an id the vocabulary does not hold.
    static func row(_ index: Int, _ m: RowMoments, token: ((Int) -> String?)? = nil) -> JSONValue {
        guard let token, case .object(var members) = row(index, m) else { return row(index, m) }
        members["token"] = token(index).map(JSONValue.string) ?? .null
        return .object(members)
    }

    static func row(_ index: Int, _ m: RowMoments) -> JSONValue {
        .object([
            "row": .int(Int64(index)),
            "l2_norm": .double(m.l2Norm),
            "mean": .double(m.mean),
            "std": .double(m.standardDeviation),
            "min": .double(m.minimum),
            "max": .double(m.maximum),
            "nan": .int(Int64(m.nanCount)),
            "pos_inf": .int(Int64(m.positiveInfinityCount)),
            "neg_inf": .int(Int64(m.negativeInfinityCount)),
            "zero": .bool(m.allValuesZero),
            "zero_bits": .bool(m.allBitsZero),
        ])
    }

    /// `row(index, m, token:)` written straight into `out` at nesting `indent` (nil: compact),
    /// byte for byte what `out.value(row(index, m, token: token), indent: indent)` writes, with
    /// the keys in their sorted order by hand. Why: building, hashing and sorting a 12-key
    /// dictionary per row was most of the 2.2 s of `rows --ndjson` on Gemma 3's 262,144-row
    /// embedding (README "rows"). `StreamedRowsTests` compares the two.
    static func writeRow(_ index: Int, _ m: RowMoments, token: ((Int) -> String?)?, to out: inout JSONWriter, indent: Int?) {
        let inner = indent.map { $0 + 1 }
        out.raw("{")
        out.member("l2_norm", first: true, indent: inner)
        out.double(m.l2Norm)
        out.member("max", indent: inner)
        out.double(m.maximum)
        out.member("mean", indent: inner)
        out.double(m.mean)
        out.member("min", indent: inner)
        out.double(m.minimum)
        out.member("nan", indent: inner)
        out.int(Int64(m.nanCount))
        out.member("neg_inf", indent: inner)
        out.int(Int64(m.negativeInfinityCount))
        out.member("pos_inf", indent: inner)
        out.int(Int64(m.positiveInfinityCount))
        out.member("row", indent: inner)
        out.int(Int64(index))
        out.member("std", indent: inner)
        out.double(m.standardDeviation)
        if let token {
            out.member("token", indent: inner)
            if let text = token(index) { out.string(text) } else { out.raw("null") }
        }
        out.member("zero", indent: inner)
        out.bool(m.allValuesZero)
        out.member("zero_bits", indent: inner)
        out.bool(m.allBitsZero)
        out.newline(indent)
        out.raw("}")
    }

    static func distribution(_ d: Distribution?) -> JSONValue {
        guard let d else { return .null }
        var quantiles: [ExactText: JSONValue] = [:]
        for (level, value) in zip(Distribution.levels, d.quantiles) {
            quantiles[ExactText(quantileKey(level))] = .double(value)
        }
        return .object([
            "count": .int(Int64(d.count)),
            "mean": .double(d.mean),
            "std": .double(d.std),
            "median": .double(d.median),
            "min": .double(d.minimum),
            "argmin": .int(Int64(d.argmin)),
            "max": .double(d.maximum),
            "argmax": .int(Int64(d.argmax)),
            "quantiles": .object(quantiles),
        ])
    }

    /// 0.05 → "p05", 0.99 → "p99".
    static func quantileKey(_ level: Double) -> String {
        let percent = Int((level * 100).rounded())
        return percent < 10 ? "p0\(percent)" : "p\(percent)"
    }

    static func indices(_ rows: [Int]) -> JSONValue {
        .array(rows.prefix(listLimit).map { .int(Int64($0)) })
    }

    /// A tensor's summary; with `token` (a token matrix, a tokenizer beside the checkpoint) each
    /// outlier gets its `token`, and `zero_row_tokens` / `duplicate_group_tokens` name the rows
    /// the index lists hold (same order and length; null for an id the vocabulary lacks).
    static func summary(_ s: RowSummary, token: ((Int) -> String?)?) -> JSONValue {
        guard let token, case .object(var members) = summary(s) else { return summary(s) }
        func name(_ row: Int) -> JSONValue { token(row).map(JSONValue.string) ?? .null }
        members["outliers"] = .array(s.outliers.prefix(listLimit).map {
            .object(["row": .int(Int64($0.row)), "norm": .double($0.norm), "score": .double($0.score), "token": name($0.row)])
        })
        members["zero_row_tokens"] = .array(s.zeroRows.prefix(listLimit).map(name))
        members["duplicate_group_tokens"] = .array(s.duplicateGroups.prefix(listLimit).map { .array($0.prefix(listLimit).map(name)) })
        return .object(members)
    }

    static func summary(_ s: RowSummary) -> JSONValue {
        .object([
            "tensor": .string(s.tensor),
            "dtype": .string(s.dtype.rawValue),
            "shape": .uints(s.shape),
            "rows": .int(Int64(s.rowCount)),
            // Null, not 2^63 − 1, when the row length is not known (review, 2026-12-05).
            "row_length": s.knownRowLength.map { .int(Int64($0)) } ?? .null,
            "norm": distribution(s.norms),
            "norm_mad": .optional(s.normMAD),
            "zero_rows": .int(Int64(s.zeroRows.count)),
            "zero_row_indices": indices(s.zeroRows),
            "nan_rows": .int(Int64(s.nanRows.count)),
            "nan_row_indices": indices(s.nanRows),
            "inf_rows": .int(Int64(s.infRows.count)),
            "inf_row_indices": indices(s.infRows),
            "outlier_count": .int(Int64(s.outliers.count)),
            "outliers": .array(s.outliers.prefix(listLimit).map {
                .object(["row": .int(Int64($0.row)), "norm": .double($0.norm), "score": .double($0.score)])
            }),
            "duplicate_group_count": .int(Int64(s.duplicateGroups.count)),
            "duplicate_groups": .array(s.duplicateGroups.prefix(listLimit).map(indices)),
            "redundant_rows": .int(Int64(s.redundantRowCount)),
        ])
    }

    static func finding(_ f: Finding) -> JSONValue {
        .object([
            "rule": .string(f.rule.id),
            "severity": .string(f.severity.rawValue),
            "tensors": .strings(f.tensors),
            "message": .string(f.message),
            "evidence": AuditRendering.evidenceJSON(f.evidence),
        ])
    }
}
