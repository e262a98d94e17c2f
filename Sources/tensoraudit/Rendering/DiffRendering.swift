import SafetensorsFormat
import TensorAnalysis
import CheckpointIO
import TensorScan
import StrictJSON

/// Text and JSON renderings of a `CheckpointDiff`.
enum DiffRendering {
    /// The JSON report, written to `stream` one comparison at a time (members in code point
    /// order, laid out as `JSONValue.rendered()` lays out a tree, then a newline): the tree of a
    /// 100,000-tensor diff and its 70 MB string were held at once (hunt-60a).
    static func writeJSON(_ diff: CheckpointDiff, a: String, b: String, unusedMapEntries: [DiffNameMap.UnusedEntry],
                          to stream: ReportStream) throws(CheckpointError) {
        try stream.writeObject(jsonMembers(diff, a: a, b: b, unusedMapEntries: unusedMapEntries), streamed: "tensors") { (out) throws(CheckpointError) in
            try stream.writeArray(diff.comparisons, indent: 1, into: &out) { comparisonJSON($0, tolerance: diff.tolerance) }
        }
    }

    /// One comparison's object in `tensors`.
    private static func comparisonJSON(_ c: CheckpointDiff.Comparison, tolerance: Double) -> JSONValue {
            var object: [ExactText: JSONValue] = [
                "name": .string(c.name), "name_b": .string(c.nameB),
                "dtype_a": .string(c.dtypeA.rawValue), "dtype_b": .string(c.dtypeB.rawValue),
                "shape_a": .uints(c.shapeA), "shape_b": .uints(c.shapeB),
                "identical_bytes": .bool(c.identicalBytes),
                "exceeds_tolerance": .bool(c.exceeds(tolerance)),
                "comparable": .bool(!c.shapeChanged && !c.incomparable),
                "exact": .bool(c.exact),
                "not_compared": c.notComparedReason.map(JSONValue.string) ?? .null,
            ]
            object["row_order"] = c.rowOrder.map { order in
                .object(["permuted": .bool(order.order != nil), "heads": order.heads.map { .int(Int64($0)) } ?? .null,
                         "evidence": .string(order.evidence)])
            } ?? .null
            // Added within version 1: a RoBERTa-family position table's rows paired from
            // pad_token_id + 1 on (`LlamaCppPositionOffset`), or why not; null for other tensors.
            object["row_offset"] = c.rowOffset.map { offset in
                .object(["rows_skipped": offset.hubRowsSkipped.map { .int(Int64($0)) } ?? .null,
                         "side": .string(offset.hubIsA ? "a" : "b"), "evidence": .string(offset.evidence)])
            } ?? .null
            // Added within version 1: a norm weight llama.cpp's converter stores plus 1 (Gemma's),
            // compared with the shift taken off (`LlamaCppNormShift`), or why not; null otherwise.
            object["value_shift"] = c.valueShift.map { shift in
                .object(["shift": .double(shift.shift), "side": .string(shift.ggufIsB ? "b" : "a"), "evidence": .string(shift.evidence)])
            } ?? .null
            // Added within version 1: a matrix llama.cpp's converter stores transposed (GPT-2's
            // Conv1D weights), read transposed (`LlamaCppTranspose`), or why not; null otherwise.
            object["transpose"] = c.transpose.map { transpose in
                .object(["transposed": .bool(transpose.transposed), "evidence": .string(transpose.evidence)])
            } ?? .null
            // Added within version 1: a state-space layer's tensor llama.cpp's converter stores
            // regrouped or as −exp(A_log) (`LlamaCppStateSpace`), or why not; null otherwise.
            object["state_space"] = c.stateSpace.map { state in
                .object(["reshaped": .bool(state.reshaped), "negated_exponential": .bool(state.negatedExponential),
                         "side": .string(state.ggufIsB ? "b" : "a"), "evidence": .string(state.evidence)])
            } ?? .null
            // Added within version 1: a token table llama.cpp's converter pads with zero rows
            // (Gemma 3n's), compared over the Hub's rows (`LlamaCppVocabPadding`), or why not; null otherwise.
            object["row_padding"] = c.rowPadding.map { padding in
                .object(["rows_padded": padding.rowsPadded.map { .int(Int64($0)) } ?? .null,
                         "side": .string(padding.ggufIsB ? "b" : "a"), "evidence": .string(padding.evidence)])
            } ?? .null
            // Added within version 1: a tensor llama.cpp's converter multiplies by Falcon-H1's µP
            // multipliers, compared with the Hub values so multiplied (`LlamaCppMultipliers`), or
            // why not; null otherwise. `factors` in order, then `row_bands` (in_proj's).
            object["multipliers"] = c.multipliers.map { decision in
                .object(["factors": decision.scaling.map { .array($0.factors.map { .double(Double($0)) }) } ?? .null,
                         "row_bands": decision.scaling.map { scaling in
                             .array(scaling.bands.map { band in
                                 .object(["start": .int(Int64(band.start)), "end": .int(Int64(band.end)), "factor": .double(Double(band.factor))])
                             })
                         } ?? .null,
                         "rounding": decision.scaling.map { .string($0.inHalf ? "float16" : "float32") } ?? .null,
                         "side": .string(decision.ggufIsB ? "b" : "a"), "evidence": .string(decision.evidence)])
            } ?? .null
            // Added within version 1: an entry of a stacked tensor (a GGUF file's experts), or null.
            func entry(_ stacked: StackedEntry?) -> JSONValue {
                stacked.map { .object(["of": .string($0.tensor), "index": .int(Int64($0.index))]) } ?? .null
            }
            object["entry_a"] = entry(c.entryA)
            object["entry_b"] = entry(c.entryB)
            // Added within version 1: rows of a tensor or entry (a half of a merged matrix the
            // converter split, `NAME[a:b]`), or null.
            func rows(_ range: RowSlice?) -> JSONValue {
                range.map { .object(["of": .string($0.tensor), "start": .int(Int64($0.rows.lowerBound)), "end": .int(Int64($0.rows.upperBound))]) } ?? .null
            }
            object["rows_a"] = rows(c.rowsA)
            object["rows_b"] = rows(c.rowsB)
            if c.identicalBytes {
                object["max_abs_diff"] = .double(0)
                object["relative_l2"] = .double(0)
                object["differing_elements"] = .int(0)
                // The same keys as a tensor compared by value (they were missing here).
                object["nan_mismatches"] = .int(0)
                object["top_rows"] = .array([])
            }
            if let s = c.statistics {
                object["max_abs_diff"] = .double(s.maxAbsDifference)
                object["relative_l2"] = .double(s.relativeL2)
                object["differing_elements"] = .int(Int64(c.exactDifferences ?? s.differingElements))
                object["nan_mismatches"] = .int(Int64(s.nanMismatches))
                object["top_rows"] = .array(s.topRows.map { row in
                    .object(["row": .int(Int64(row.row)), "l2": .double(row.l2), "max_abs": .double(row.maxAbs)])
                })
            }
            return .object(object)
    }

    /// Every top-level member but `tensors`.
    private static func jsonMembers(_ diff: CheckpointDiff, a: String, b: String, unusedMapEntries: [DiffNameMap.UnusedEntry]) -> [ExactText: JSONValue] {
        let exceeding = diff.comparisons.filter { $0.exceeds(diff.tolerance) }.count
        let droppedShared = diff.droppedSharedStorage.mapValues(JSONValue.string)
        let droppedByConverter = diff.droppedByConverter.mapValues(JSONValue.string)
        let recomputed = diff.recomputedBuffers.mapValues(JSONValue.string)
        return [
            "schema_version": .int(1),
            "a": .string(a), "b": .string(b),
            "tolerance": .double(diff.tolerance),
            "exceeds_tolerance": .bool(diff.exceedsTolerance),
            "only_in_a": .strings(diff.onlyInA), "only_in_b": .strings(diff.onlyInB),
            "dropped_shared_storage": .object(droppedShared),
            "dropped_shared_storage_by_a": .object(diff.droppedSharedStorageByA.mapValues(JSONValue.string)),
            "dropped_by_converter": .object(droppedByConverter),
            // Added within version 1: tables the GGUF converter computed, no Hub tensor (`addedByConverter`).
            "added_by_converter": .object(diff.addedByConverter.mapValues(JSONValue.string)),
            // Added within version 1: a GGUF side's rotary tables that are not the converter's
            // (each also in only_in_a/only_in_b), and those it lacks (a failure).
            "not_converter_tables": .object(diff.notConverterTables.mapValues(JSONValue.string)),
            "missing_converter_tables": .object(diff.missingConverterTables.mapValues(JSONValue.string)),
            // Added within version 1: copies of a tied token matrix that B omits (`droppedTiedCopies`).
            "dropped_tied_copies": .object(diff.droppedTiedCopies.mapValues(JSONValue.string)),
            "dropped_tied_copies_by_a": .object(diff.droppedTiedCopiesByA.mapValues(JSONValue.string)),
            "tied_copy_evidence": diff.tiedCopyEvidence.map(JSONValue.string) ?? .null,
            "tied_copy_evidence_by_a": diff.tiedCopyEvidenceByA.map(JSONValue.string) ?? .null,
            "recomputed_buffers": .object(recomputed),
            // Added within version 1: each side's source problems, as `inspect`'s `source_issues`.
            "source_issues_a": .array(diff.sourceIssuesA.map(SourceRendering.json)),
            "source_issues_b": .array(diff.sourceIssuesB.map(SourceRendering.json)),
            "alias_pairs": .array(diff.aliasPairs.map { .object(["a": .string($0.a), "b": .string($0.b), "alias_in": .string($0.aliasIn)]) }),
            "unused_map_entries": .array(unusedMapEntries.prefix(Self.unusedMapEntriesListed).map { entry in
                .object(["a": .string(entry.a), "b": .string(entry.b), "reason": .string(entry.reason)])
            }),
            "unused_map_entry_count": .int(Int64(unusedMapEntries.count)),
            "error": .null,
            "summary": .object([
                "compared": .int(Int64(diff.comparisons.count)),
                "identical": .int(Int64(diff.comparisons.filter(\.identicalBytes).count)),
                "exceeding": .int(Int64(exceeding)),
                "shape_changes": .int(Int64(diff.comparisons.filter(\.shapeChanged).count)),
                "dtype_changes": .int(Int64(diff.comparisons.filter(\.dtypeChanged).count)),
                "only_in_a": .int(Int64(diff.onlyInA.count)),
                "only_in_b": .int(Int64(diff.onlyInB.count)),
                // Added within version 1.
                "missing_converter_tables": .int(Int64(diff.missingConverterTables.count)),
                "not_compared": .int(Int64(diff.comparisons.filter(\.incomparable).count)),
                "exact_differences": .int(Int64(diff.comparisons.filter(\.exactValuesDiffer).count)),
                "source_errors": .int(Int64(diff.sourceErrors)),
                // Added within version 1: exactly "exit 0" (`exceeds_tolerance` says nothing of
                // source errors, which also fail the run).
                "passed": .bool(!diff.fails),
            ]),
        ]
    }

    /// The JSON report of a diff that could not read an input (exit 2): the error, which input
    /// it concerns (`side`: `a`, `b`, `map`, or null), the arguments, an empty `tensors` list and
    /// zero counts with `passed` false, so a CI script that reads `summary.passed` or uploads
    /// the file finds one. The keys of a comparison's results are absent: nothing was compared.
    static func json(failure: CheckpointError, side: String?, a: String, b: String, tolerance: Double) -> JSONValue {
        var summary: [ExactText: JSONValue] = ["passed": .bool(false)]
        for key in summaryCounts { summary[ExactText(key)] = .int(0) }
        return .object([
            "schema_version": .int(1),
            "a": .string(a), "b": .string(b),
            "tolerance": .double(tolerance),
            "error": .object(["kind": .string(failure.kind), "path": .string(failure.path),
                              "message": .string(failure.description), "side": side.map(JSONValue.string) ?? .null]),
            "summary": .object(summary),
            "tensors": .array([]),
        ])
    }

    /// The keys of `summary` that count something (all but `passed`).
    static let summaryCounts = ["compared", "identical", "exceeding", "shape_changes", "dtype_changes", "only_in_a",
                                "only_in_b", "missing_converter_tables", "not_compared", "exact_differences", "source_errors"]

    /// The text report of a diff that could not read an input (written only with `--output`).
    /// One line per distinct evidence sentence, naming up to three of its tensors. Groups found
    /// through a dictionary: a statement per layer (a per-layer head count of 0) made a search
    /// of the groups per tensor quadratic.
    static func statementLines(_ label: String, _ statements: [(name: String, evidence: String)]) -> [String] {
        var groups: [(evidence: String, names: [String])] = []
        var group: [ExactText: Int] = [:]
        for (name, evidence) in statements {
            if let k = group[ExactText(evidence)] {
                groups[k].names.append(name)
            } else {
                group[ExactText(evidence)] = groups.count
                groups.append((evidence, [name]))
            }
        }
        return groups.map { evidence, names in
            let shown = names.prefix(3).map(quoted).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
            return "\(label): \(names.count) tensor\(names.count == 1 ? "" : "s") (\(shown)): \(TextFormatting.safeMessage(evidence))"
        }
    }

    static func text(failure: CheckpointError, side: String?, a: String, b: String) -> String {
        let which = side.map { $0 == "map" ? " (the --map file)" : " (in \($0.uppercased()))" } ?? ""
        return ["A: \(TextFormatting.safeName(a))",
                "B: \(TextFormatting.safeName(b))",
                "error (\(failure.kind))\(which): \(TextFormatting.safeMessage(failure.description))",
                "",
                "ERROR: the input could not be read; nothing was compared (exit 2)"].joined(separator: "\n")
    }

    /// At most this many unused `--map` entries are listed in text.
    static let unusedMapEntryLines = 10

    /// At most this many are listed in JSON, the first by A's name; `unused_map_entry_count`
    /// says how many there are. Why a bound: a 64 MB map of 1,000,000 misspelt entries made a
    /// 135 MB report and took 5.1 s and 533 MB of memory (2.1 s and 187 MB in text, which lists
    /// 10); a map that pairs nothing a thousand times over is named by its first thousand.
    static let unusedMapEntriesListed = 1_000

    /// A name from the `--map` file, quoted, its first 200 Unicode scalars when it is longer
    /// (then followed by its length in bytes). Why: such a name is the user's text, not a
    /// tensor's, and pairs nothing when it is long; a 1 MB key made a 1 MB line. Scalars, not
    /// characters: one letter with 500,000 combining accents is one `Character`.
    static func mapName(_ name: String) -> String {
        let shown = 200
        let scalars = name.unicodeScalars
        guard scalars.count > shown else { return quoted(name) }
        return quoted(String(String.UnicodeScalarView(scalars.prefix(shown)))) + "… (\(name.utf8.count) bytes)"
    }

    static func text(_ diff: CheckpointDiff, a: String, b: String, unusedMapEntries: [DiffNameMap.UnusedEntry] = []) -> String {
        var lines = ["A: \(TextFormatting.safeName(a))", "B: \(TextFormatting.safeName(b))", ""]
        let rows = diff.comparisons.map { c -> [String] in
            let dtype = c.dtypeChanged ? "\(c.dtypeA.rawValue) -> \(c.dtypeB.rawValue)" : c.dtypeA.rawValue
            // The stored shapes: a position table compared from pad_token_id + 1 on shows both.
            let shape = shapeText(c.shapeA) + (c.shapeA != c.shapeB ? " -> " + shapeText(c.shapeB) : "")
            let status: String
            if c.shapeChanged { status = "SHAPE CHANGED" }
            else if c.incomparable { status = "NOT COMPARED" }
            else if c.identicalBytes { status = "identical" }
            else if c.exactValuesDiffer { status = "VALUES DIFFER" }
            else if c.failsOnlyByNaN(diff.tolerance) { status = "NAN MISMATCH" }
            else if c.exceeds(diff.tolerance) { status = "EXCEEDS" }
            else { status = "ok" }
            let maxAbs = c.identicalBytes ? "0" : c.statistics.map { TextFormatting.compact($0.maxAbsDifference) } ?? "-"
            let rel = c.identicalBytes ? "0" : c.statistics.map { TextFormatting.compact($0.relativeL2) } ?? "-"
            // By code points: a map pairing `café` (precomposed) with `cafe\u{301}` was shown as one name.
            let name = TextFormatting.safeName(c.name) + (ExactText.same(c.nameB, c.name) ? "" : " -> " + TextFormatting.safeName(c.nameB))
            return [name, dtype, shape, maxAbs, rel, status]
        }
        lines.append(TextFormatting.table(header: ["TENSOR", "DTYPE", "SHAPE", "MAX ABS", "REL L2", "STATUS"],
                                          rows: rows, rightAligned: [3, 4]))
        for c in diff.comparisons where c.exceeds(diff.tolerance) {
            if let reason = c.notComparedReason {
                lines.append("  \(TextFormatting.safeName(c.name)): not compared: \(reason)")
            }
            guard let s = c.statistics else { continue }
            if c.exactValuesDiffer {
                lines.append("  \(TextFormatting.safeName(c.name)): \(c.exactDifferences ?? s.differingElements) of \(c.comparedShapeA.reduce(1, *)) values differ "
                    + "(\(c.dtypeA.rawValue) values are compared exactly: no rounding explains a changed value)")
            }
            if !s.topRows.isEmpty {
                let top = s.topRows.map { "row \($0.row) (L2 \(TextFormatting.compact($0.l2)))" }.joined(separator: ", ")
                lines.append("  \(TextFormatting.safeName(c.name)): most different rows: \(top)")
            }
            // Also when NaN mismatches are all that differs: there are no numeric rows to name then.
            if s.nanMismatches > 0 {
                lines.append("  \(TextFormatting.safeName(c.name)): \(s.nanMismatches) NaN mismatch\(s.nanMismatches == 1 ? "" : "es") (NaN on one side only)")
            }
        }
        // One line per distinct statement (a 32-layer model has 64 q/k tensors, a 26-layer
        // Gemma 3 over a hundred norms).
        lines += statementLines("row order", diff.comparisons.compactMap { c in c.rowOrder.map { (c.name, $0.evidence) } })
        lines += statementLines("value shift", diff.comparisons.compactMap { c in c.valueShift.map { (c.name, $0.evidence) } })
        lines += statementLines("layout", diff.comparisons.compactMap { c in c.transpose.map { (c.name, $0.evidence) } })
        lines += statementLines("state space", diff.comparisons.compactMap { c in c.stateSpace.map { (c.name, $0.evidence) } })
        lines += statementLines("row padding", diff.comparisons.compactMap { c in c.rowPadding.map { (c.name, $0.evidence) } })
        lines += statementLines("multipliers", diff.comparisons.compactMap { c in c.multipliers.map { (c.name, $0.evidence) } })
        // One table per model: a line each.
        for c in diff.comparisons {
            guard let offset = c.rowOffset else { continue }
            lines.append("row offset: \(quoted(c.name)): \(TextFormatting.safeMessage(offset.evidence))")
        }
        if !diff.onlyInA.isEmpty {
            // Quoted: a tensor named `a, b` read as two tensors (adversarial test, 2026-12-06).
            lines.append("only in A: " + diff.onlyInA.map(quoted).joined(separator: ", "))
        }
        // Quoted, as the lists above (helper-151).
        for (name, kept) in diff.droppedSharedStorage.sorted(by: { $0.key < $1.key }) {
            lines.append("omitted by B: \(quoted(name.text)), which in A shares its storage with \(quoted(kept)) "
                + "(tied; a loader must restore it)")
        }
        for (name, kept) in diff.droppedTiedCopies.sorted(by: { $0.key < $1.key }) {
            lines.append("omitted by B: \(quoted(name.text)), which A stores as a byte-identical copy of \(quoted(kept)), and "
                + "\(TextFormatting.safeMessage(diff.tiedCopyEvidence ?? "a config ties them")) (tied; a loader restores it)")
        }
        for (name, kept) in diff.droppedTiedCopiesByA.sorted(by: { $0.key < $1.key }) {
            lines.append("omitted by A: \(quoted(name.text)), which B stores as a byte-identical copy of \(quoted(kept)), and "
                + "\(TextFormatting.safeMessage(diff.tiedCopyEvidenceByA ?? "a config ties them")) (tied; a loader restores it)")
        }
        for (name, kept) in diff.droppedSharedStorageByA.sorted(by: { $0.key < $1.key }) {
            lines.append("omitted by A: \(quoted(name.text)), which in B shares its storage with \(quoted(kept)) "
                + "(tied; a loader must restore it)")
        }
        // One line per reason: BERT's pooler and heads share one.
        let byReason = Dictionary(grouping: diff.droppedByConverter.keys.sorted(), by: { diff.droppedByConverter[$0] ?? "" })
        for reason in byReason.keys.sorted() {
            let names = (byReason[reason] ?? []).map { quoted($0.text) }.joined(separator: ", ")
            lines.append("dropped by the GGUF converter (not a failure): \(names): \(reason)")
        }
        for (name, reason) in diff.addedByConverter.sorted(by: { $0.key < $1.key }) {
            lines.append("added by the GGUF converter (not a failure): \(quoted(name.text)): \(reason)")
        }
        for (name, reason) in diff.notConverterTables.sorted(by: { $0.key < $1.key }) {
            lines.append("not the GGUF converter's table: \(quoted(name.text)): \(TextFormatting.safeMessage(reason))")
        }
        for (name, reason) in diff.missingConverterTables.sorted(by: { $0.key < $1.key }) {
            lines.append("missing from the GGUF file: \(quoted(name.text)): \(TextFormatting.safeMessage(reason))")
        }
        for pair in diff.aliasPairs {
            let (stored, kept) = pair.aliasIn == "a" ? (pair.b, pair.a) : (pair.a, pair.b)
            lines.append("paired by alias: \(TextFormatting.safeName(pair.a)) -> \(TextFormatting.safeName(pair.b)): "
                + "\(pair.aliasIn == "a" ? "A" : "B")'s __metadata__ records \(TextFormatting.safeName(stored)) as an alias of "
                + "\(TextFormatting.safeName(kept)), and \(pair.aliasIn == "a" ? "B" : "A") stores it")
        }
        for (name, reason) in diff.recomputedBuffers.sorted(by: { $0.key < $1.key }) {
            lines.append("recomputed buffer, not a failure: \(quoted(name.text)): \(reason)")
        }
        if !diff.onlyInB.isEmpty {
            lines.append("only in B: " + diff.onlyInB.map(quoted).joined(separator: ", "))
        }
        if let hint = prefixHint(diff) { lines.append(hint) }
        for (side, issues) in [("A", diff.sourceIssuesA), ("B", diff.sourceIssuesB)] where !issues.isEmpty {
            lines.append("source issues in \(side):")
            lines += SourceRendering.issueLines(issues)
        }
        for entry in unusedMapEntries.prefix(Self.unusedMapEntryLines) {
            // Quoted: a name holding " -> " or ": " (or an empty one) must not pass for the layout.
            lines.append("--map entry unused: \(Self.mapName(entry.a)) -> \(Self.mapName(entry.b)): \(entry.reason)")
        }
        if unusedMapEntries.count > Self.unusedMapEntryLines {
            let listed = min(unusedMapEntries.count, Self.unusedMapEntriesListed)
            lines.append("--map: \(unusedMapEntries.count - Self.unusedMapEntryLines) more unused entries (--json lists "
                + (listed == unusedMapEntries.count ? "them all)" : "the first \(listed))"))
        }
        let identical = diff.comparisons.filter(\.identicalBytes).count
        lines.append("")
        lines.append("\(diff.comparisons.count) tensor\(diff.comparisons.count == 1 ? "" : "s") compared, \(identical) byte-identical; "
            + "tolerance: relative L2 <= \(diff.tolerance); " + verdict(diff))
        return lines.joined(separator: "\n")
    }

    /// A hint when the names only one side has are the other side's with one dotted prefix
    /// added or dropped (`model.`: a base model against its `…ForCausalLM` export), or nil.
    ///
    /// Why: such a diff compared nothing and listed every name twice, with no word on the one
    /// difference that explains them all (review, 2026-12-04); `--tensor` already suggests an
    /// added or dropped prefix.
    ///
    /// The side with the prefix may also hold optimizer state (`TensorNames.optimizerStates`: a
    /// training checkpoint `{"model": …, "optimizer": …}` against the model's export), which is
    /// named apart: that case lost the hint (review of 2026-12-07).
    static func prefixHint(_ diff: CheckpointDiff) -> String? {
        guard !diff.onlyInA.isEmpty, !diff.onlyInB.isEmpty else { return nil }
        for (shorter, longer, added) in [(diff.onlyInA, diff.onlyInB, true), (diff.onlyInB, diff.onlyInA, false)] {
            guard shorter.count <= longer.count, let first = shorter.first,
                  let match = longer.first(where: { $0.hasSuffix("." + first) }) else { continue }
            let prefix = String(match.dropLast(first.count))
            let expected = Set(shorter.map { ExactText(prefix + $0) })
            let rest = longer.filter { !expected.contains(ExactText($0)) }
            guard longer.count - rest.count == expected.count else { continue }
            let states = TensorNames.optimizerStates(in: rest)
            guard rest.allSatisfy({ TensorNames.isOptimizerState($0, states: states) }) else { continue }
            let holder = added ? "B" : "A", lacker = added ? "A" : "B"
            let aside = rest.isEmpty ? "" : " (\(holder) also holds \(rest.count) optimizer-state tensor\(rest.count == 1 ? "" : "s"), "
                + "under \(states.sorted().map(quoted).joined(separator: ", ")), which \(lacker) does not)"
            return "hint: B's names are A's with the prefix \(quoted(prefix)) \(added ? "added" : "dropped")\(aside); "
                + "pair them with --map FILE.json ({\"A name\": \"B name\"})"
        }
        return nil
    }

    /// The last line's verdict, also the stderr line with `--output`: "B matches A within
    /// tolerance", or "B DIFFERS from A" with what failed (`2 exceeding, 1 only in A`), or,
    /// when the only failures are values that could not be compared, "B NOT VERIFIED".
    static func verdict(_ diff: CheckpointDiff) -> String {
        guard diff.fails else { return "B matches A within tolerance" }
        let notCompared = diff.comparisons.filter(\.incomparable).count
        let shapes = diff.comparisons.filter(\.shapeChanged).count
        let exact = diff.comparisons.filter(\.exactValuesDiffer).count
        // Within the tolerance but NaN on one side only (STATUS `NAN MISMATCH`): a failure, but
        // not "exceeding", which the table's relative L2 would contradict.
        let nanOnly = diff.comparisons.filter { $0.failsOnlyByNaN(diff.tolerance) }.count
        let exceeding = diff.comparisons.filter { $0.exceeds(diff.tolerance) }.count - notCompared - shapes - exact - nanOnly
        let parts = [(exceeding, "exceeding"), (nanOnly, "with NaN mismatches"), (exact, "with integer values changed"),
                     (shapes, shapes == 1 ? "shape change" : "shape changes"),
                     (notCompared, "not compared"), (diff.onlyInA.count, "only in A"), (diff.onlyInB.count, "only in B"),
                     (diff.missingConverterTables.count, "converter table\(diff.missingConverterTables.count == 1 ? "" : "s") missing"),
                     (sourceErrors(diff.sourceIssuesA), "source error\(sourceErrors(diff.sourceIssuesA) == 1 ? "" : "s") in A"),
                     (sourceErrors(diff.sourceIssuesB), "source error\(sourceErrors(diff.sourceIssuesB) == 1 ? "" : "s") in B")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        // Not verified: nothing was found to differ, but values could not be compared or a side's
        // source leaves what a loader reads undetermined.
        // A NaN mismatch is a difference found (review helper-150: NaN + a source error read NOT VERIFIED).
        let onlyUnverified = (notCompared > 0 || diff.sourceErrors > 0) && exceeding == 0 && nanOnly == 0 && exact == 0 && shapes == 0
            && diff.onlyInA.isEmpty && diff.onlyInB.isEmpty && diff.missingConverterTables.isEmpty
        return (onlyUnverified ? "B NOT VERIFIED against A" : "B DIFFERS from A") + " (\(parts))"
    }

    static func sourceErrors(_ issues: [Finding]) -> Int { issues.filter(CheckpointDiff.failsTheRun).count }

    static func shapeText(_ shape: [UInt64]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
