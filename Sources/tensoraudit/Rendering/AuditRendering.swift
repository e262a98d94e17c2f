import StrictJSON
import SafetensorsFormat
import TensorAnalysis
import CheckpointIO
import TensorScan

/// Renders an audit report in the four formats `audit` offers.
enum AuditRendering {
    static let toolVersion = "0.1.0"
    static let informationURI = "https://github.com/tensoraudit/tensoraudit"

    static func evidenceJSON(_ evidence: [String: Evidence]) -> JSONValue {
        .object(evidence.mapValues { value in
            switch value {
            case .int(let n): .int(n)
            case .double(let d): .double(d)
            case .string(let s): .string(s)
            case .bool(let b): .bool(b)
            case .strings(let list): .strings(list)
            }
        })
    }

    static func evidenceText(_ value: Evidence) -> String {
        switch value {
        case .int(let n): String(n)
        case .double(let d): TextFormatting.compact(d)
        case .string(let s): TextFormatting.safeName(s)
        case .bool(let b): b ? "true" : "false"
        case .strings(let list): list.map(TextFormatting.safeName).joined(separator: ", ")
        }
    }

    // MARK: JSON

    static func json(_ report: AuditReport) -> JSONValue {
        var bySeverity: [String: JSONValue] = [:]
        for severity in Severity.allCases {
            bySeverity[severity.rawValue] = .int(Int64(report.findings.filter { $0.severity == severity }.count))
        }
        var byRule: [String: JSONValue] = [:]
        for finding in report.findings {
            if case .int(let n) = byRule[finding.rule.id] ?? .int(0) { byRule[finding.rule.id] = .int(n + 1) }
        }
        let findings: [JSONValue] = report.findings.map { f in
            var object: [String: JSONValue] = [
                "rule": .string(f.rule.id),
                "severity": .string(f.severity.rawValue),
                "tensors": .strings(f.tensors),
                "message": .string(f.message),
                "evidence": evidenceJSON(f.evidence),
                "failing": .bool(report.policy.fails(f)),
            ]
            if let file = f.file { object["file"] = .string(file) }
            return .object(object)
        }
        return .object([
            "schema_version": .int(1),
            "tool": .object(["name": .string("tensoraudit"), "version": .string(toolVersion)]),
            "checkpoint": .object([
                "path": .string(report.checkpointPath),
                "files": .strings(report.files),
                "tensors": .int(Int64(report.tensorCount)),
                "nbytes": .uint(report.byteCount),
                "parameters": .uint(report.parameterCount),
            ]),
            "findings": .array(findings),
            "rules": .array(report.enabledRules.map { rule in
                .object(["id": .string(rule.id), "severity": .string(report.policy.severity(of: rule.id).rawValue),
                         "summary": .string(rule.summary)])
            }),
            "summary": .object([
                "by_severity": .object(bySeverity),
                "by_rule": .object(byRule),
                "findings": .int(Int64(report.findings.count)),
                "failing": .int(Int64(report.failing.count)),
                "passed": .bool(report.passed),
            ]),
        ])
    }

    // MARK: Text

    static func text(_ report: AuditReport, color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func label(_ severity: Severity) -> String {
            switch severity {
            case .error: paint("error", "1;31")
            case .warning: paint("warning", "33")
            case .info: paint("info", "36")
            }
        }
        var lines: [String] = []
        lines.append("audit of \(TextFormatting.safeName(report.checkpointPath)): \(report.files.count) file(s), "
            + "\(report.tensorCount) tensors, \(TextFormatting.grouped(report.parameterCount)) parameters, "
            + TextFormatting.bytes(report.byteCount))
        if report.findings.isEmpty {
            lines.append("no findings")
        }
        var currentRule = ""
        for finding in report.findings {
            if finding.rule.id != currentRule {
                currentRule = finding.rule.id
                let count = report.findings.filter { $0.rule.id == currentRule }.count
                lines.append("")
                lines.append("\(label(finding.severity)) \(paint(currentRule, "1")) (\(count)): "
                    + (RuleCatalog.rule(currentRule)?.summary ?? ""))
            }
            let marker = report.policy.fails(finding) ? "✗" : "•"
            lines.append("  \(marker) \(TextFormatting.safeName(finding.message))")
            if !finding.evidence.isEmpty {
                let facts = finding.evidence.keys.sorted().map { "\($0)=\(evidenceText(finding.evidence[$0] ?? .string("")))" }
                lines.append("      " + facts.joined(separator: "  "))
            }
        }
        lines.append("")
        let failing = report.failing.count
        let counts = Severity.allCases.reversed().map { s in "\(report.findings.filter { $0.severity == s }.count) \(s.rawValue)" }
        lines.append((failing == 0 ? paint("PASSED", "1;32") : paint("FAILED", "1;31"))
            + ": \(report.findings.count) findings (" + counts.joined(separator: ", ") + "), \(failing) failing")
        return lines.joined(separator: "\n")
    }

    // MARK: JUnit XML

    /// One test case per enabled rule: CI systems show each rule as a test that passed or failed.
    static func junit(_ report: AuditReport) -> String {
        let rules = report.enabledRules
        let failures = rules.filter { rule in report.failing.contains { $0.rule == rule } }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"tensoraudit\" tests=\"\(rules.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        xml += "  <testsuite name=\"\(xmlEscape("tensoraudit audit " + report.checkpointPath))\" tests=\"\(rules.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n"
        for rule in rules {
            let findings = report.findings.filter { $0.rule == rule }
            let failing = findings.filter(report.policy.fails)
            xml += "    <testcase classname=\"tensoraudit.\(rule.id)\" name=\"\(rule.id)\">"
            if !failing.isEmpty {
                xml += "\n      <failure message=\"\(xmlEscape("\(failing.count) finding(s): " + (failing.first?.message ?? "")))\" type=\"\(failing.first?.severity.rawValue ?? "error")\">"
                xml += xmlEscape(failing.map { "[\($0.severity.rawValue)] \($0.message)" }.joined(separator: "\n"))
                xml += "</failure>\n    "
            } else if !findings.isEmpty {
                xml += "\n      <system-out>" + xmlEscape(findings.map { "[\($0.severity.rawValue)] \($0.message)" }.joined(separator: "\n"))
                xml += "</system-out>\n    "
            }
            xml += "</testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>"
        return xml
    }

    /// Escapes text for XML attributes and content; characters XML 1.0 cannot carry at all
    /// (most C0 controls) become a visible `\u{..}` form.
    static func xmlEscape(_ text: String) -> String {
        TextEscaping.escape(text) { scalar in
            switch scalar {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&apos;"
            case "\n", "\t", "\r": nil
            default: scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF ? TextEscaping.visible(scalar) : nil
            }
        }
    }

    // MARK: SARIF 2.1.0

    static func sarifLevel(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// SARIF 2.1.0 for code-scanning dashboards: one run, rules from the catalog, one result
    /// per finding located at the checkpoint file, with the tensors as logical locations.
    static func sarif(_ report: AuditReport) -> JSONValue {
        let rules = report.enabledRules
        let results: [JSONValue] = report.findings.map { f in
            let index = rules.firstIndex { $0 == f.rule } ?? 0
            var location: [String: JSONValue] = [
                "physicalLocation": .object(["artifactLocation": .object(["uri": .string(f.file ?? report.checkpointPath)])]),
            ]
            if !f.tensors.isEmpty {
                location["logicalLocations"] = .array(f.tensors.map { .object(["name": .string($0), "kind": .string("member")]) })
            }
            return .object([
                "ruleId": .string(f.rule.id),
                "ruleIndex": .int(Int64(index)),
                "level": .string(sarifLevel(f.severity)),
                "message": .object(["text": .string(f.message)]),
                "locations": .array([.object(location)]),
                "properties": .object(["evidence": evidenceJSON(f.evidence), "failing": .bool(report.policy.fails(f))]),
            ])
        }
        return .object([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"),
            "version": .string("2.1.0"),
            "runs": .array([.object([
                "tool": .object(["driver": .object([
                    "name": .string("tensoraudit"),
                    "version": .string(toolVersion),
                    "informationUri": .string(informationURI),
                    "rules": .array(rules.map { rule in
                        .object([
                            "id": .string(rule.id),
                            "shortDescription": .object(["text": .string(rule.summary)]),
                            "fullDescription": .object(["text": .string(rule.help)]),
                            "defaultConfiguration": .object(["level": .string(sarifLevel(report.policy.severity(of: rule.id)))]),
                        ])
                    }),
                ])]),
                "artifacts": .array(report.files.map { .object(["location": .object(["uri": .string($0)])]) }),
                "results": .array(results),
            ])]),
        ])
    }
}
