import TensorAnalysis
import StrictJSON
import CheckpointIO
import TensorScan

/// Text and JSON renderings of `ties`.
enum TiesRendering {
    static func json(_ report: TieAnalysis.Report, _ findings: [Finding], convention: [ConventionTie] = [],
                     configured: [ConfigTie] = []) -> JSONValue {
        .object([
            "schema_version": .int(1),
            "groups": .array(report.groups.map { g in
                .object(["tensors": .strings(g.tensors), "dtype": .string(g.dtype.rawValue), "shape": .uints(g.shape),
                         "nbytes": .uint(g.nbytes), "kind": .string(g.kind.rawValue), "note": .string(g.note),
                         "wasted_bytes": .uint(g.wastedBytes)])
            }),
            "same_bytes": .array(report.sameBytes.map { s in
                .object(["tensors": .strings(s.members.map(\.tensor)), "nbytes": .uint(s.nbytes),
                         "members": .array(s.members.map { m in
                             .object(["tensor": .string(m.tensor), "dtype": .string(m.dtype.rawValue), "shape": .uints(m.shape)])
                         })])
            }),
            "shared_storage": .array(report.sharedStorage.map { s in
                .object(["tensors": .strings(s.tensors), "file": .string(s.file)])
            }),
            "tied_by_convention": .array(convention.map { tie in
                .object(["tensor": .string(tie.tensor), "absent": .string(tie.absent), "detail": .string(tie.detail)])
            }),
            "tied_by_config": .array(configured.map { tie in
                .object(["tensor": .string(tie.tensor), "tying": PaddingRendering.tying(tie.tying)])
            }),
            // Keyed by code points, as the aliases are: two removed names that are canonically
            // equivalent are two keys.
            "aliases": .object(report.aliases.mapValues(JSONValue.string)),
            "wasted_bytes": .uint(report.wastedBytes),
            "findings": .array(findings.map(AnalysisJSON.finding)),
        ])
    }

    static func text(_ report: TieAnalysis.Report, _ findings: [Finding], convention: [ConventionTie] = [],
                     configured: [ConfigTie] = []) -> String {
        var lines: [String] = []
        if report.groups.isEmpty { lines.append("no two tensors hold identical bytes") }
        for g in report.groups {
            lines.append("\(g.kind.rawValue): \(g.dtype.rawValue) \(RowsRendering.shapeText(g.shape)), "
                + "\(TextFormatting.bytes(g.nbytes)) each, \(g.tensors.count) copies")
            for name in g.tensors { lines.append("  " + TextFormatting.safeName(name)) }
            lines.append("  (" + TextFormatting.safeMessage(g.note) + ")")
        }
        for s in report.sameBytes {
            lines.append("same bytes, different dtype or shape (not tied), \(TextFormatting.bytes(s.nbytes)):")
            for m in s.members {
                lines.append("  \(TextFormatting.safeName(m.tensor)) \(m.dtype.rawValue) \(RowsRendering.shapeText(m.shape))")
            }
        }
        for s in report.sharedStorage {
            lines.append("shared storage (one buffer saved once, not a copy): "
                + s.tensors.map(TextFormatting.safeName).joined(separator: ", "))
        }
        for tie in convention {
            lines.append("tied by the format's convention (one copy, no bytes wasted): \(TextFormatting.safeName(tie.tensor))")
            lines.append("  " + TextFormatting.safeMessage(tie.detail))
        }
        for tie in configured {
            lines.append("tied to an output projection the file does not store: \(TextFormatting.safeName(tie.tensor))")
            lines.append("  tied (evidence: \(tie.tying.evidence.rawValue)): " + TextFormatting.safeMessage(tie.tying.detail))
        }
        if !report.aliases.isEmpty {
            lines.append("__metadata__ aliases (removed -> kept):")
            for (removed, kept) in report.aliases.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(TextFormatting.safeName(removed.text)) -> \(TextFormatting.safeName(kept))")
            }
        }
        // Constant groups count (they are stored more than once), but their note says "equal
        // without being copies": the line says how much of the total they are, so the two do
        // not read as a contradiction (reader's review, 2026-12-05: a CNN's zero
        // `num_batches_tracked` counts were "40 B wasted" and "not copies").
        let constant = report.groups.filter { $0.kind == .constant }.reduce(UInt64(0)) { $0 + $1.wastedBytes }
        let share = constant == 0 ? "" : constant == report.wastedBytes ? "; all of it in tensors of one repeated value"
            : "; \(TextFormatting.bytes(constant)) of it in tensors of one repeated value"
        lines.append("bytes wasted by duplicates: \(TextFormatting.grouped(report.wastedBytes)) (\(TextFormatting.bytes(report.wastedBytes))\(share))")
        if !findings.isEmpty { lines.append("") }
        for f in findings { lines.append("[\(f.severity.rawValue)] \(f.rule): \(TextFormatting.safeMessage(f.message))") }
        return lines.joined(separator: "\n")
    }
}
