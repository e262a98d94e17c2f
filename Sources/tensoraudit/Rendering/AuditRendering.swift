import StrictJSON
import SafetensorsFormat
import TensorAnalysis
import CheckpointIO
import TensorScan

/// Renders an audit report in the four formats `audit` offers.
enum AuditRendering {
    static let toolVersion = "0.1.0"
    /// 2: `untrained-tokens` counts rows that no tokenizer names under `unnamed`, no longer
    /// under `ordinary` (a row nothing names is not known to be an ordinary token).
    static let schemaVersion: Int64 = 2

    static func evidenceJSON(_ evidence: [String: Evidence]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: evidence.map { key, value in
            let json: JSONValue = switch value {
            case .int(let n): .int(n)
            case .double(let d): .double(d)
            case .string(let s): .string(s)
            case .bool(let b): .bool(b)
            case .strings(let list): .strings(list)
            case .unsignedIntegers(let list): .array(list.map { .uint($0) })
            }
            return (ExactText(key), json)
        }))
    }

    static func evidenceText(_ value: Evidence) -> String {
        switch value {
        case .int(let n): String(n)
        case .double(let d): TextFormatting.compact(d)
        case .string(let s): TextFormatting.safeName(s)
        case .bool(let b): b ? "true" : "false"
        case .strings(let list): list.map(TextFormatting.safeName).joined(separator: ", ")
        case .unsignedIntegers(let list): list.map(String.init).joined(separator: ", ")
        }
    }

    // MARK: JSON

    /// The JSON report, written to `stream` one finding at a time: its members in code point
    /// order, laid out as `JSONValue.rendered()` lays out a tree, then a newline.
    ///
    /// Why: a 43 MB file of 600,000 tiny tensors, each with a `duplicate-rows` finding, made a
    /// 235 MB report whose tree and string `audit --json` held at once (1.3 GB peak; hunt-60a).
    static func writeJSON(_ report: AuditReport, to stream: ReportStream) throws(CheckpointError) {
        try stream.writeObject(jsonMembers(report), streamed: "findings") { (out) throws(CheckpointError) in
            try stream.writeArray(report.findings, indent: 1, into: &out) { findingJSON($0, policy: report.policy) }
        }
    }

    /// Every top-level member but `findings`.
    private static func jsonMembers(_ report: AuditReport) -> [ExactText: JSONValue] {
        var bySeverity: [ExactText: JSONValue] = [:]
        for severity in Severity.allCases {
            bySeverity[ExactText(severity.rawValue)] = .int(Int64(report.findings.filter { $0.severity == severity }.count))
        }
        var byRule: [ExactText: JSONValue] = [:]
        for finding in report.findings {
            let rule = ExactText(finding.rule.id)
            if case .int(let n) = byRule[rule] ?? .int(0) { byRule[rule] = .int(n + 1) }
        }
        return [
            "schema_version": .int(Self.schemaVersion),
            "tool": .object(["name": .string("tensoraudit"), "version": .string(toolVersion)]),
            "error": .null,
            "checkpoint": .object([
                "path": .string(report.checkpointPath),
                "files": .strings(report.files),
                "tensors": .int(Int64(report.tensorCount)),
                "nbytes": .uint(report.byteCount),
                "parameters": .uint(report.parameterCount),
            ]),
            "rules": rulesJSON(report.enabledRules, policy: report.policy),
            "summary": .object([
                "by_severity": .object(bySeverity),
                "by_rule": .object(byRule),
                "findings": .int(Int64(report.findings.count)),
                "failing": .int(Int64(report.failing.count)),
                "passed": .bool(report.passed),
            ]),
        ]
    }

    private static func findingJSON(_ f: Finding, policy: AuditPolicy) -> JSONValue {
        var object: [ExactText: JSONValue] = [
            "rule": .string(f.rule.id),
            "severity": .string(f.severity.rawValue),
            "tensors": .strings(f.tensors),
            "message": .string(f.message),
            "evidence": evidenceJSON(f.evidence),
            "failing": .bool(policy.fails(f)),
        ]
        if let file = f.file { object["file"] = .string(file) }
        return .object(object)
    }

    /// The report of an audit that could not run: the same keys, `error` set (`kind`, `path`,
    /// `message`), `checkpoint` reduced to its `path` (nothing was read), no findings, and
    /// `summary.passed` false.
    static func json(failure: AuditFailure, checkpointPath: String, rules: [Rule], policy: AuditPolicy) -> JSONValue {
        .object([
            "schema_version": .int(Self.schemaVersion),
            "tool": .object(["name": .string("tensoraudit"), "version": .string(toolVersion)]),
            "error": .object(["kind": .string(failure.kind), "path": .string(failure.path),
                              "message": .string(failure.message)]),
            "checkpoint": .object(["path": .string(checkpointPath)]),
            "findings": .array([]),
            "rules": rulesJSON(rules, policy: policy),
            "summary": .object([
                "by_severity": .object(Dictionary(uniqueKeysWithValues: Severity.allCases.map { (ExactText($0.rawValue), JSONValue.int(0)) })),
                "by_rule": .object([:]),
                "findings": .int(0),
                "failing": .int(0),
                "passed": .bool(false),
            ]),
        ])
    }

    private static func rulesJSON(_ rules: [Rule], policy: AuditPolicy) -> JSONValue {
        .array(rules.map { rule in
            .object(["id": .string(rule.id), "severity": .string(policy.severity(of: rule.id).rawValue),
                     "summary": .string(rule.summary)])
        })
    }

    // MARK: Text

    /// The text report, written to `stream` a line at a time, each line ending in a newline
    /// (see `writeJSON`: 600,000 findings made a 132 MB text report).
    static func writeText(_ report: AuditReport, color: Bool, to stream: ReportStream) throws(CheckpointError) {
        var out = JSONWriter(reservingCapacity: stream.chunkSize + 4096)
        var failure: CheckpointError?
        textLines(report, color: color) { line in
            guard failure == nil else { return }
            out.raw(line)
            out.raw("\n")
            do throws(CheckpointError) { try stream.flushIfFull(&out) } catch { failure = error }
        }
        if let failure { throw failure }
        try stream.flush(&out)
    }

    /// Each line of the text report, in order, to `emit`.
    private static func textLines(_ report: AuditReport, color: Bool, emit: (String) -> Void) {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func label(_ severity: Severity) -> String {
            switch severity {
            case .error: paint("error", "1;31")
            case .warning: paint("warning", "33")
            case .info: paint("info", "36")
            }
        }
        emit("audit of \(TextFormatting.safeName(report.checkpointPath)): \(report.files.count) file(s), "
            + "\(report.tensorCount) tensors, \(TextFormatting.grouped(report.parameterCount)) parameters, "
            + TextFormatting.bytes(report.byteCount))
        if report.findings.isEmpty {
            emit("no findings")
        }
        // One heading per rule and severity: a rule at two severities (duplicate-rows: warning,
        // and info for rows that can be equal by chance) showed its total under both headings.
        // Counted once: a count per heading was a pass over every finding each.
        struct Heading: Hashable { var rule: String; var severity: Severity }
        var counts: [Heading: Int] = [:]
        for finding in report.findings { counts[Heading(rule: finding.rule.id, severity: finding.severity), default: 0] += 1 }
        var current: (rule: String, severity: Severity)?
        for finding in report.findings {
            if current.map({ $0.rule != finding.rule.id || $0.severity != finding.severity }) ?? true {
                current = (finding.rule.id, finding.severity)
                let count = counts[Heading(rule: finding.rule.id, severity: finding.severity)] ?? 0
                emit("")
                emit("\(label(finding.severity)) \(paint(finding.rule.id, "1")) (\(count)): "
                    + (RuleCatalog.rule(finding.rule.id)?.summary ?? ""))
            }
            let marker = report.policy.fails(finding) ? "✗" : "•"
            emit("  \(marker) \(TextFormatting.safeMessage(finding.message))")
            if !finding.evidence.isEmpty {
                // An empty list is left out of the text (JSON keeps `[]`): a bare `tied_with=` read as
                // a value gone missing, and "(none)" beside `tied=true` as tied to nothing (reviews).
                let facts = finding.evidence.keys.sorted().compactMap { key -> String? in
                    let value = finding.evidence[key] ?? .string("")
                    if case .strings(let list) = value, list.isEmpty { return nil }
                    return "\(key)=\(evidenceText(value))"
                }
                emit("      " + facts.joined(separator: "  "))
            }
        }
        emit("")
        let failing = report.failing.count
        let totals = Severity.allCases.reversed().map { s in "\(report.findings.filter { $0.severity == s }.count) \(s.rawValue)" }
        emit((failing == 0 ? paint("PASSED", "1;32") : paint("FAILED", "1;31"))
            + ": \(report.findings.count) finding\(report.findings.count == 1 ? "" : "s") (" + totals.joined(separator: ", ") + "), \(failing) failing")
    }

    /// The text report of an audit that could not run (written with `--output`; on a
    /// terminal the error line on stderr says it all).
    static func text(failure: AuditFailure, checkpointPath: String) -> String {
        ["audit of \(TextFormatting.safeName(checkpointPath)): not audited",
         "error (\(failure.kind)): \(TextFormatting.safeMessage(failure.message))",
         "",
         "ERROR: the input could not be read; no rule was checked (exit 2)"].joined(separator: "\n")
    }

    /// The one line `audit --output` prints on stderr, so a run in a terminal or a CI log
    /// says how it ended and where the report went.
    static func summaryLine(_ report: AuditReport) -> String {
        let counts = Severity.allCases.reversed().map { s in "\(report.findings.filter { $0.severity == s }.count) \(s.rawValue)" }
        return "tensoraudit: audit \(report.passed ? "PASSED" : "FAILED"): \(report.findings.count) finding\(report.findings.count == 1 ? "" : "s") ("
            + counts.joined(separator: ", ") + "), \(report.failing.count) failing"
    }
}
