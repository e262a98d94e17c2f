import StrictJSON
import TensorAnalysis

/// JUnit XML for CI test reporters.
extension AuditRendering {
    /// One test case per enabled rule: CI systems show each rule as a test that passed or failed.
    static func junit(_ report: AuditReport) -> String {
        let rules = report.enabledRules
        let failures = rules.filter { rule in report.failing.contains { $0.rule == rule } }.count
        var xml = junitHeader(path: report.checkpointPath, tests: rules.count, failures: failures, errors: 0, skipped: 0)
        for rule in rules {
            let findings = report.findings.filter { $0.rule == rule }
            let failing = findings.filter(report.policy.fails)
            xml += "    <testcase classname=\"tensoraudit.\(rule.id)\" name=\"\(rule.id)\">"
            if !failing.isEmpty {
                xml += "\n      <failure message=\"\(xmlAttribute("\(failing.count) finding(s): " + (failing.first?.message ?? "")))\" type=\"\(failing.first?.severity.rawValue ?? "error")\">"
                xml += xmlEscape(failing.map { "[\($0.severity.rawValue)] \($0.message)" }.joined(separator: "\n"))
                xml += "</failure>\n    "
            } else if !findings.isEmpty {
                xml += "\n      <system-out>" + xmlEscape(findings.map { "[\($0.severity.rawValue)] \($0.message)" }.joined(separator: "\n"))
                xml += "</system-out>\n    "
            }
            xml += "</testcase>\n"
        }
        return xml + junitFooter
    }

    /// The report of an audit that could not run: one errored test case that reads the input
    /// (the error's kind as its type, the message as its text), and every enabled rule as a
    /// skipped test, so a CI test view shows the error instead of a missing report.
    static func junit(failure: AuditFailure, checkpointPath: String, rules: [Rule]) -> String {
        var xml = junitHeader(path: checkpointPath, tests: rules.count + 1, failures: 0, errors: 1, skipped: rules.count)
        xml += "    <testcase classname=\"tensoraudit\" name=\"read checkpoint\">\n"
        xml += "      <error message=\"\(xmlAttribute(failure.message))\" type=\"\(xmlAttribute(failure.kind))\">"
        xml += xmlEscape("tensoraudit: error: " + failure.message) + "</error>\n    </testcase>\n"
        for rule in rules {
            xml += "    <testcase classname=\"tensoraudit.\(rule.id)\" name=\"\(rule.id)\">"
            xml += "<skipped message=\"not run: the input could not be read\"/></testcase>\n"
        }
        return xml + junitFooter
    }

    private static func junitHeader(path: String, tests: Int, failures: Int, errors: Int, skipped: Int) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"tensoraudit\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        xml += "  <testsuite name=\"\(xmlAttribute("tensoraudit audit " + xmlName(path)))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\">\n"
        return xml
    }

    private static let junitFooter = "  </testsuite>\n</testsuites>"

    /// Escapes text for XML element content; the characters the HTML report hides
    /// (`HTMLWriter.isInvisibleControl`: C0/C1 controls, DEL, bidirectional controls, U+2028,
    /// U+2029, the invisible default-ignorable characters, U+FFFE, U+FFFF) become a visible
    /// `\u{..}` form, LF and tab stay, CR is
    /// `&#13;`.
    /// Why not only what XML 1.0 cannot carry: a right-to-left override, a C1 CSI (U+009B) or a
    /// line separator in a tensor name went out raw here while every other report (text, JSON,
    /// SARIF, HTML) made it visible, so a JUnit file viewed raw in a CI log could be reordered.
    /// Why CR as a reference: XML's end-of-line handling (XML 1.0 §2.11) reads a raw CR, or CR LF,
    /// as one LF, so a message holding a CR came back changed.
    static func xmlEscape(_ text: String) -> String {
        MarkupEscaping.escape(text, hiding: isHidden) { $0 == "\r" }
    }

    /// Escapes text for a double-quoted XML attribute value: as `xmlEscape`, and LF, CR and tab
    /// as `&#10;`, `&#13;`, `&#9;`. Why: attribute-value normalization (XML 1.0 §3.3.3) turns a
    /// raw LF, CR or tab into a space, so a path or message holding a newline (the suite's
    /// `name`, a failure's `message`) parsed back as a different string; a character reference
    /// is the one spelling a parser returns as the character itself.
    static func xmlAttribute(_ text: String) -> String {
        MarkupEscaping.escape(text, hiding: isHidden) { $0 == "\n" || $0 == "\r" || $0 == "\t" }
    }

    /// A name or value from the file (the checkpoint path, in the suite's name) before
    /// `xmlAttribute`: a backslash as `\\`. Why: `xmlAttribute` shows a hidden character as
    /// `\u{..}`, so with the backslash raw a path spelled `a\u{1b}` read exactly as `a` followed
    /// by an ESC; doubled, as `TextEscaping.display` does in text output, every shown path comes
    /// from one path only (read `\\` as a backslash, `\u{h}` as the character h). LF, CR and tab
    /// are not shown as `\u{..}` here, unlike text output: `xmlAttribute` writes them as character
    /// references, which a parser returns exactly. Messages keep their backslashes, as in text
    /// output: the names they quote are already written `"a\\b"` by `quoted(_:)`.
    static func xmlName(_ text: String) -> String { TextEscaping.escape(text) { $0 == "\\" ? "\\\\" : nil } }

    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar != "\n" && scalar != "\t" && scalar != "\r" && HTMLWriter.isInvisibleControl(scalar)
    }
}
