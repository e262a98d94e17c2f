import StrictJSON
import TensorAnalysis
import CheckpointIO
import TensorScan

/// Text, JSON, NDJSON and CSV renderings of `rows`.
enum RowsRendering {
    enum Format { case text, json, ndjson, csv }


    static func shapeText(_ shape: [UInt64]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// CSV numbers: Python's `float()` and numpy read `nan`, `inf`, `-inf`.
    static func csvNumber(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return "\(value)"
    }

    /// `csvNumber(value)` written into `out` (finite values without a `String` in between).
    static func writeCSVNumber(_ value: Double, to out: inout JSONWriter) {
        if value.isFinite {
            value.write(to: &out)
        } else {
            out.raw(value.isNaN ? "nan" : value > 0 ? "inf" : "-inf")
        }
    }

    /// One line on stderr when an NDJSON or CSV listing has findings it cannot carry.
    ///
    /// Why: those formats are one row (or summary) per line, with no place for findings, and a
    /// script reading them saw nothing of a NaN in a bias (an error in `--json` and `audit`).
    /// The line names the rules and says where the findings are; the exit status stays 0, as
    /// for `--json`.
    static func noteFindingsLeftOut(_ findings: [Finding], format: Format) {
        guard format == .ndjson || format == .csv, !findings.isEmpty else { return }
        let rules = Set(findings.map(\.rule.id)).sorted().joined(separator: ", ")
        let errors = findings.filter { $0.severity == .error }.count
        let counted = "\(findings.count) finding\(findings.count == 1 ? "" : "s")"
            + (errors > 0 ? " (\(errors) error\(errors == 1 ? "" : "s"))" : "")
        printError("tensoraudit: rows: the \(format == .csv ? "CSV" : "NDJSON") listing leaves out \(counted): \(rules); --json lists them")
    }

    // MARK: One tensor

    /// Reads every row of `view` (call it inside the checkpoint's read) and returns what
    /// writes the report of rows `range`. `token` names the rows of a token matrix (nil for any
    /// other tensor, or without a tokenizer); `rules` make the summary's findings
    /// (`RowFindingRules`: audit's rules). JSON, NDJSON and CSV are written a row at a time
    /// (`ReportStream`); the text table is made whole, since its columns fit the widest cell.
    static func tensor(_ view: TensorView, range: Range<Int>, format: Format, token: ((Int) -> String?)? = nil,
                       findings rules: ((RowSummary) -> [Finding])? = nil) -> StreamedReport {
        // Without rules: every rule's findings, rows named by `token`.
        let findings: (RowSummary) -> [Finding] = rules ?? { $0.findings(token: token ?? { _ in nil }) }
        guard let summary = RowSummary(view: view) else {
            let reason = view.statisticsUnavailableReason ?? "no statistics"
            let text: String
            switch format {
            case .json, .ndjson:
                // An NDJSON line has no `schema_version`, as every other line of the listing
                // (README "rows"); the JSON report has one.
                var object: [ExactText: JSONValue] = ["tensor": .string(view.name), "dtype": .string(view.elementType.rawValue),
                                                      "shape": .uints(view.shape), "note": .string(reason)]
                if format == .json { object["schema_version"] = .int(1) }
                text = JSONValue.object(object).rendered(pretty: format == .json) + "\n"
            case .csv:
                // The header and no rows, the reason on stderr: a `name: reason` line (as it
                // once was) is read by a CSV reader as a one-column header, and a script then
                // fails on a missing `l2_norm` column instead of finding no rows.
                return { stream throws(CheckpointError) in
                    printError("tensoraudit: \(TextFormatting.safeName(view.name)): \(reason); the CSV has no rows")
                    try stream.write(rowCSVHeader)
                }
            case .text:
                text = "\(TextFormatting.safeName(view.name)): \(reason)\n"
            }
            return { stream throws(CheckpointError) in try stream.write(text) }
        }
        return { stream throws(CheckpointError) in
            switch format {
            case .json: try writeJSON(summary, range: range, token: token, findings: findings(summary), to: stream)
            case .ndjson:
                try writeNDJSON(summary, range: range, token: token, to: stream)
                noteFindingsLeftOut(findings(summary), format: format)
            case .csv:
                try writeCSV(summary, range: range, token: token, to: stream)
                noteFindingsLeftOut(findings(summary), format: format)
            case .text: try stream.write(text(summary, range: range, token: token, findings: findings(summary)))
            }
        }
    }

    /// The layout of `JSONValue.object([...]).rendered()` of the whole report (keys sorted:
    /// dtype, findings, row_range, rows, schema_version, shape, summary, tensor), with the rows
    /// written one at a time.
    private static func writeJSON(_ s: RowSummary, range: Range<Int>, token: ((Int) -> String?)?, findings: [Finding],
                                  to stream: ReportStream) throws(CheckpointError) {
        var out = JSONWriter(reservingCapacity: stream.chunkSize + 4096)
        out.raw("{")
        out.member("dtype", first: true, indent: 1)
        out.string(s.dtype.rawValue)
        out.member("findings", indent: 1)
        out.value(.array(findings.map(AnalysisJSON.finding)), indent: 1)
        out.member("row_range", indent: 1)
        out.value(.array([.int(Int64(range.lowerBound)), .int(Int64(range.upperBound))]), indent: 1)
        out.member("rows", indent: 1)
        if range.isEmpty {
            out.raw("[]")
        } else {
            out.raw("[")
            for i in range {
                if i > range.lowerBound { out.raw(",") }
                out.newline(2)
                AnalysisJSON.writeRow(i, s.rows[i], token: token, to: &out, indent: 2)
                try stream.flushIfFull(&out)
            }
            out.newline(1)
            out.raw("]")
        }
        out.member("schema_version", indent: 1)
        out.int(1)
        out.member("shape", indent: 1)
        out.value(.uints(s.shape), indent: 1)
        out.member("summary", indent: 1)
        out.value(AnalysisJSON.summary(s, token: token), indent: 1)
        out.member("tensor", indent: 1)
        out.string(s.tensor)
        out.newline(0)
        out.raw("}\n")
        try stream.flush(&out)
    }

    private static func writeNDJSON(_ s: RowSummary, range: Range<Int>, token: ((Int) -> String?)?,
                                    to stream: ReportStream) throws(CheckpointError) {
        var out = JSONWriter(reservingCapacity: stream.chunkSize + 4096)
        for i in range {
            AnalysisJSON.writeRow(i, s.rows[i], token: token, to: &out, indent: nil)
            out.raw("\n")
            try stream.flushIfFull(&out)
        }
        try stream.flush(&out)
    }

    /// The header line of `rows --tensor NAME --csv`. `zero_bits` and `token` came last (so a
    /// reader by position keeps its columns): the NDJSON rows had them and the CSV did not
    /// (review, 2026-12-05). `token` is empty where rows are not tokens or an id has no text.
    static let rowCSVHeader = "row,l2_norm,mean,std,min,max,nan,pos_inf,neg_inf,zero,zero_bits,token\n"

    private static func writeCSV(_ s: RowSummary, range: Range<Int>, token: ((Int) -> String?)?,
                                 to stream: ReportStream) throws(CheckpointError) {
        var out = JSONWriter(reservingCapacity: stream.chunkSize + 4096)
        out.raw(rowCSVHeader)
        for i in range {
            let m = s.rows[i]
            out.int(Int64(i))
            func number(_ value: Double) {
                out.raw(",")
                writeCSVNumber(value, to: &out)
            }
            func count(_ value: Int) {
                out.raw(",")
                out.int(Int64(value))
            }
            number(m.l2Norm)
            number(m.mean)
            number(m.standardDeviation)
            number(m.minimum)
            number(m.maximum)
            count(m.nanCount)
            count(m.positiveInfinityCount)
            count(m.negativeInfinityCount)
            out.raw(",")
            out.bool(m.allValuesZero)
            out.raw(",")
            out.bool(m.allBitsZero)
            out.raw(",")
            if let text = token?(i) { out.raw(CSVField.text(text)) }
            out.raw("\n")
            try stream.flushIfFull(&out)
        }
        try stream.flush(&out)
    }

    private static func text(_ summary: RowSummary, range: Range<Int>, token: ((Int) -> String?)?, findings: [Finding]) -> String {
        let selected = range.lazy.map { ($0, summary.rows[$0]) }
        var lines = ["\(TextFormatting.safeName(summary.tensor))  \(summary.dtype.rawValue) \(shapeText(summary.shape)): "
            + "rows \(range.lowerBound)..<\(range.upperBound) of \(summary.rowCount), \(summary.rowLength) values per row"]
        let table = selected.map { i, m -> [String] in
            [String(i), TextFormatting.compact(m.l2Norm), TextFormatting.compact(m.mean),
             TextFormatting.compact(m.standardDeviation), TextFormatting.compact(m.minimum),
             TextFormatting.compact(m.maximum), String(m.nanCount), String(m.positiveInfinityCount),
             String(m.negativeInfinityCount), m.allValuesZero ? "yes" : "-"]
                + (token.map { [$0(i).map { PaddingRendering.quotedToken($0) } ?? "-"] } ?? [])
        }
        if !table.isEmpty {
            lines.append(TextFormatting.table(header: ["ROW", "L2 NORM", "MEAN", "STD", "MIN", "MAX", "NAN", "+INF", "-INF", "ZERO"]
                                                  + (token == nil ? [] : ["TOKEN"]),
                                              rows: Array(table), rightAligned: Set(0...8)))
        }
        lines.append("")
        lines += summaryText(summary, findings: findings)
        return lines.joined(separator: "\n") + "\n"
    }

    static func summaryText(_ s: RowSummary, findings: [Finding]) -> [String] {
        var lines: [String] = []
        if let d = s.norms {
            lines.append("row norms (\(d.count) finite): mean \(TextFormatting.compact(d.mean)), median \(TextFormatting.compact(d.median)), "
                + "std \(TextFormatting.compact(d.std)), min \(TextFormatting.compact(d.minimum)) (row \(d.argmin)), "
                + "max \(TextFormatting.compact(d.maximum)) (row \(d.argmax))")
            let q = zip(Distribution.levels, d.quantiles).map { "\(AnalysisJSON.quantileKey($0)) \(TextFormatting.compact($1))" }
            lines.append("quantiles: " + q.joined(separator: ", "))
            // The picture of the same norms (only with the rows kept: `rows --tensor`).
            let finite = s.rows.map(\.l2Norm).filter(\.isFinite)
            if !finite.isEmpty {
                lines += TextHistogram.lines(NormProfile.histogram(finite, binCount: min(40, finite.count)))
            }
        } else {
            lines.append("row norms: no row has a finite norm")
        }
        lines.append("all-zero rows: \(s.zeroRows.count); rows with NaN: \(s.nanRows.count); rows with Inf: \(s.infRows.count); "
            + "outlier rows: \(s.outliers.count); duplicate-row groups: \(s.duplicateGroups.count) (\(s.redundantRowCount) redundant rows)")
        for finding in findings {
            lines.append("[\(finding.severity.rawValue)] \(finding.rule): \(TextFormatting.safeMessage(finding.message))")
        }
        return lines
    }

    // MARK: Every tensor

    /// Why a tensor of fewer than two dimensions has no summary line (its values are still
    /// read, and a NaN or Inf in it is a finding).
    static let notAMatrix = "fewer than two dimensions: no row summary; its values are checked for NaN and Inf"

    /// A summary per tensor of two or more dimensions; every other tensor is listed as
    /// skipped with the reason, and the value rules (NaN, Inf) cover all of them, as in `audit`.
    /// `token(name)` names the rows of tensor `name` when they are tokens (nil otherwise).
    /// Scans every tensor (call it inside the checkpoint's read) and returns what writes the
    /// report; JSON, NDJSON and CSV are written a tensor at a time (`ReportStream`).
    static func checkpoint(_ checkpoint: Checkpoint, format: Format, findings: @escaping @Sendable (RowSummary) -> [Finding],
                           token: @escaping @Sendable (String) -> ((Int) -> String?)? = { _ in nil }) -> StreamedReport {
        switch format {
        case .json:
            // Summaries until the end, as for NDJSON, then each tensor's JSON tree made, written
            // and dropped in turn: a tree per tensor held 291 MB for a 50,000-tensor checkpoint
            // whose report is 55 MB. The layout is `JSONValue.rendered()`'s (keys sorted).
            let report = scan(checkpoint, findings: findings, token: token) { $0 }
            return { stream throws(CheckpointError) in
                let skipped: [JSONValue] = report.skipped.map { .object(["tensor": .string($0.0), "reason": .string($0.1)]) }
                var out = JSONWriter(reservingCapacity: stream.chunkSize + 4096)
                out.raw("{")
                out.member("findings", first: true, indent: 1)
                try stream.writeArray(report.findings, indent: 1, into: &out, element: AnalysisJSON.finding)
                out.member("schema_version", indent: 1)
                out.int(1)
                out.member("skipped", indent: 1)
                out.value(.array(skipped), indent: 1)
                out.member("tensors", indent: 1)
                try stream.writeArray(report.listed, indent: 1, into: &out) { AnalysisJSON.summary($0, token: token($0.tensor)) }
                out.newline(0)
                out.raw("}\n")
                try stream.flush(&out)
            }
        case .ndjson:
            // Summaries, not lines, until the end: a line is ~1 KB, a summary ~300 bytes.
            let report = scan(checkpoint, findings: findings, token: token) { $0 }
            return { stream throws(CheckpointError) in
                var out = JSONWriter(reservingCapacity: stream.chunkSize + 4096)
                for s in report.listed {
                    out.value(AnalysisJSON.summary(s, token: token(s.tensor)), indent: nil)
                    out.raw("\n")
                    try stream.flushIfFull(&out)
                }
                try stream.flush(&out)
                noteFindingsLeftOut(report.findings, format: format)
            }
        case .csv:
            let report = scan(checkpoint, findings: findings, token: token) { s in
                let d = s.norms
                let head: [String] = [CSVField.text(s.tensor), s.dtype.rawValue, String(s.rowCount), s.knownRowLength.map(String.init) ?? ""]
                let mean = d.map { csvNumber($0.mean) } ?? "", median = d.map { csvNumber($0.median) } ?? ""
                let low = d.map { csvNumber($0.minimum) } ?? "", lowRow = d.map { String($0.argmin) } ?? ""
                let high = d.map { csvNumber($0.maximum) } ?? "", highRow = d.map { String($0.argmax) } ?? ""
                let norm: [String] = [mean, median, low, lowRow, high, highRow]
                let counts: [String] = [String(s.zeroRows.count), String(s.nanRows.count), String(s.infRows.count),
                                        String(s.outliers.count), String(s.duplicateGroups.count)]
                return (head + norm + counts).joined(separator: ",") + "\n"
            }
            return { stream throws(CheckpointError) in
                var out = JSONWriter(reservingCapacity: stream.chunkSize + 4096)
                out.raw("tensor,dtype,rows,row_length,norm_mean,norm_median,norm_min,norm_argmin,norm_max,norm_argmax,"
                    + "zero_rows,nan_rows,inf_rows,outlier_rows,duplicate_groups\n")
                for line in report.listed {
                    out.raw(line)
                    try stream.flushIfFull(&out)
                }
                try stream.flush(&out)
                noteFindingsLeftOut(report.findings, format: format)
            }
        case .text:
            let report = scan(checkpoint, findings: findings, token: token) { s -> [String] in
                let d = s.norms
                let mean = d.map { TextFormatting.compact($0.mean) } ?? "-"
                let median = d.map { TextFormatting.compact($0.median) } ?? "-"
                let low = d.map { "\(TextFormatting.compact($0.minimum)) @\($0.argmin)" } ?? "-"
                let high = d.map { "\(TextFormatting.compact($0.maximum)) @\($0.argmax)" } ?? "-"
                // One literal: concatenated arrays kept the growth capacity of the append (14 for
                // 12 cells), 50,000 times.
                return [TextFormatting.safeName(s.tensor), s.dtype.rawValue, shapeText(s.shape), mean, median, low, high,
                        String(s.zeroRows.count), String(s.nanRows.count), String(s.infRows.count),
                        String(s.outliers.count), String(s.redundantRowCount)]
            }
            return { stream throws(CheckpointError) in
                var lines = skippedText(report.skipped)
                if !report.findings.isEmpty { lines.append("") }
                for finding in report.findings {
                    lines.append("[\(finding.severity.rawValue)] \(finding.rule): \(TextFormatting.safeMessage(finding.message))")
                }
                // The lines after the table go into the table's own text, whose capacity counts
                // them: joining made a copy, and growing it a second buffer (14 MB for 50,000 tensors).
                var out = TextFormatting.table(header: ["TENSOR", "DTYPE", "SHAPE", "NORM MEAN", "NORM MEDIAN", "NORM MIN @ROW",
                                                        "NORM MAX @ROW", "ZERO", "NAN", "INF", "OUTLIERS", "DUP ROWS"],
                                               rows: Array(report.listed), rightAligned: Set(3...11),
                                               extraCapacity: lines.reduce(1) { $0 + $1.utf8.count + 1 })
                for line in lines {
                    out += "\n"
                    out += line
                }
                out += "\n"
                try stream.write(out)
            }
        }
    }

    /// One scan of every tensor for a checkpoint's report (`scan`): per tensor, its findings
    /// and its entry (nil: not listed), or nil when it has no statistics.
    private struct Scanned<Entry: Sendable> {
        let parts: [(findings: [Finding], entry: Entry?)?]
        /// Tensors not listed, with the reason, in tensor order.
        let skipped: [(String, String)]
        /// Every tensor's findings, in tensor order.
        let findings: [Finding]

        /// The entries of the tensors listed, in tensor order, read from `parts` in place.
        var listed: some Sequence<Entry> { parts.lazy.compactMap { $0?.entry } }
    }

    /// One scan of every tensor of `checkpoint`: the entry (`entry`) of each tensor of two or
    /// more dimensions, the skipped tensors with the reason, and every tensor's findings.
    ///
    /// The entry and the findings are made from a tensor's summary on the core that finished
    /// the tensor, and the summary is dropped there (unless it is the entry): keeping every
    /// summary until the report was rendered held 15 MB for 50,000 tensors beside the report.
    private static func scan<Entry: Sendable>(_ checkpoint: Checkpoint, findings rules: @Sendable (RowSummary) -> [Finding],
                                              token: @Sendable (String) -> ((Int) -> String?)?,
                                              entry: @Sendable (RowSummary) -> Entry) -> Scanned<Entry> {
        let views = checkpoint.tensors
        let reasons = TensorView.statisticsSkipReasons(views)
        let parts = RowSummary.summaries(of: views) { summary in
            // `audit`'s rules (`RowFindingRules`): `outlier-rows` only for token matrices
            // (outlying rows of an attention or FFN matrix are normal; the summary still lists
            // them), an input embedding's low rows as `untrained-tokens`.
            (findings: rules(summary),
             entry: summary.hasRowStructure ? entry(summary) : nil)
        }
        var skipped: [(String, String)] = []
        var findings: [Finding] = []
        for (i, part) in parts.enumerated() {
            guard let part else {
                skipped.append((views[i].name, reasons[i] ?? "no statistics"))
                continue
            }
            findings += part.findings
            if part.entry == nil { skipped.append((views[i].name, notAMatrix)) }
        }
        return Scanned(parts: parts, skipped: skipped, findings: findings)
    }

    /// Skipped tensors grouped by reason, one line per reason with every name (a checkpoint
    /// has dozens of biases and norms; a line each would bury the table).
    static func skippedText(_ skipped: [(String, String)]) -> [String] {
        // Reasons by code points: a reason can quote a name from the file.
        var order: [ExactText] = []
        var names: [ExactText: [String]] = [:]
        for (name, reason) in skipped {
            let key = ExactText(reason)
            if names[key] == nil { order.append(key) }
            names[key, default: []].append(TextFormatting.safeName(name))
        }
        return order.map { reason in
            let list = names[reason] ?? []
            let shown = list.prefix(skippedNamesShown).joined(separator: ", ")
            let more = list.count > skippedNamesShown ? ", … (\(list.count - skippedNamesShown) more; --json lists them all)" : ""
            return "skipped \(list.count) tensor(s), \(reason.text): " + shown + more
        }
    }

    /// Names shown per reason in text. Why: a MobileNet's 261 one-dimensional tensors made one
    /// line of every name (reader's review, 2026-12-05); JSON's `skipped` keeps them all.
    static let skippedNamesShown = 10
}

