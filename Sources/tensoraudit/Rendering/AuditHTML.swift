import StrictJSON
import TensorAnalysis

/// `audit --format html`: one self-contained page (inline CSS and SVG, no script, nothing
/// fetched) that works offline and as a CI artifact. Per token matrix, a histogram of row
/// norms (log counts) with the pad row, untrained candidates and rows beyond the vocabulary
/// marked and named, and the sorted-norm curve; then the findings, linked to the tensors; the
/// tie groups with the bytes they waste; the shard map.
///
/// Readable without colour: marks differ by line pattern and carry a letter (P, U, V), every
/// figure has a text alternative and a table of the same numbers. Every value from the
/// checkpoint goes through `HTMLWriter`, which escapes it for its context.
enum AuditHTML {
    static func page(_ report: AuditReport, _ picture: AuditPicture) -> String {
        // By code points: `café.weight` precomposed and decomposed are two tensors, and shared
        // one anchor (both shard-map rows had the same id, both links went to the first).
        var anchors: [ExactText: String] = [:]
        for file in picture.files {
            for tensor in file.tensors where anchors[ExactText(tensor.name)] == nil {
                anchors[ExactText(tensor.name)] = "t\(anchors.count)"
            }
        }
        return document(title: "tensoraudit audit: " + TextFormatting.safeName(report.checkpointPath)) { html in
            header(report, &html)
            html.element("h2", text: "Token matrices: row norms")
            if picture.profiles.isEmpty {
                html.element("p", text: "No token matrix (input embedding or output projection) was found by name or config.json shape; name one with --tensor.")
            }
            for (i, profile) in picture.profiles.enumerated() {
                tokenMatrix(profile, index: i, anchor: anchors[ExactText(profile.tensor)], &html)
            }
            findings(report, anchors: anchors, &html)
            ties(report, anchors: anchors, &html)
            shardMap(picture, anchors: anchors, &html)
        }
    }

    /// The page around `body`: the head with the stylesheet and a Content-Security-Policy that
    /// allows no script and no fetch, so even markup that slipped through could run nothing.
    static func document(title: String, _ body: (inout HTMLWriter) -> Void) -> String {
        var html = HTMLWriter()
        html.trusted("<!DOCTYPE html>\n")
        html.element("html", ["lang": "en"]) { html in
            html.element("head") { html in
                html.empty("meta", ["charset": "utf-8"], selfClosing: true)
                html.empty("meta", ["http-equiv": "Content-Security-Policy",
                                    "content": "default-src 'none'; style-src 'unsafe-inline'; img-src data:"], selfClosing: true)
                html.empty("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"], selfClosing: true)
                html.element("title", text: title)
                html.open("style")
                html.trusted(stylesheet)
                html.close("style")
            }
            html.element("body", [:], body)
        }
        return html.output
    }

    /// The page of an audit that could not run: the error, and nothing else to look at.
    static func errorPage(_ failure: AuditFailure, checkpointPath: String) -> String {
        document(title: "tensoraudit audit: not audited") { html in
            html.element("h1") { html in
                html.text("tensoraudit audit of ")
                html.element("code", text: TextFormatting.safeName(checkpointPath))
            }
            html.element("p", ["class": "verdict failed"], text: "ERROR: the input could not be read; no rule was checked (exit 2)")
            html.element("p") { html in
                html.element("code", text: failure.kind)
                html.text(": " + failure.message)
            }
        }
    }

    // MARK: Sections

    static func header(_ report: AuditReport, _ html: inout HTMLWriter) {
        html.element("h1") { html in
            html.text("tensoraudit audit of ")
            html.element("code", text: TextFormatting.safeName(report.checkpointPath))
        }
        let failing = report.failing.count
        let counts = Severity.allCases.reversed().map { s in "\(report.findings.filter { $0.severity == s }.count) \(s.rawValue)" }
        html.element("p", ["class": report.passed ? "verdict passed" : "verdict failed"],
                     text: (report.passed ? "PASSED" : "FAILED") + ": \(report.findings.count) finding\(report.findings.count == 1 ? "" : "s") ("
                        + counts.joined(separator: ", ") + "), \(failing) failing")
        html.element("p", text: "\(report.files.count) file(s), \(report.tensorCount) tensors, "
            + "\(TextFormatting.grouped(report.parameterCount)) parameters, \(TextFormatting.bytes(report.byteCount)).")
    }

    static func tokenMatrix(_ profile: NormProfile, index: Int, anchor: String?, _ html: inout HTMLWriter) {
        html.element("section", ["class": "matrix"]) { html in
            html.element("h3") { html in
                link(profile.tensor, anchor: anchor, &html)
                html.text(" (\(profile.role), \(profile.rowCount) rows)")
            }
            let summary = describe(profile)
            html.element("figure") { html in
                Histogram.svg(profile, titleID: "h\(index)", summary: summary, &html)
                SortedCurve.svg(profile, titleID: "c\(index)", &html)
                html.element("figcaption", text: summary)
            }
            marksTable(profile, &html)
        }
    }

    static func describe(_ profile: NormProfile) -> String {
        var parts = ["Histogram of the L2 norms of \(profile.rowCount) rows in \(profile.bins.count) bins (bar height: log of the count)"]
        if let median = profile.median { parts.append("median norm \(TextFormatting.compact(median))") }
        if profile.nonFiniteCount > 0 { parts.append("\(profile.nonFiniteCount) rows with a NaN or infinite norm, not drawn") }
        for kind in NormProfile.Mark.Kind.allCases {
            guard let count = profile.markCounts[kind], count > 0 else { continue }
            let first = profile.marks.filter { $0.kind == kind }.prefix(3).map(markName).joined(separator: ", ")
            parts.append("\(counted(count, kind)): \(first)\(count > 3 ? ", …" : "")")
        }
        return parts.joined(separator: "; ") + "."
    }

    /// "1 pad row", "3 untrained candidates", "700 rows beyond the vocabulary": a kind's name
    /// with a count, in the chart's text alternative and its legend ("700 beyond the
    /// vocabularys" was what a screen reader read: helper review).
    static func counted(_ count: Int, _ kind: NormProfile.Mark.Kind) -> String {
        let plural = count == 1 ? "" : "s"
        return switch kind {
        case .beyondVocabulary: "\(count) row\(plural) beyond the vocabulary"
        case .pad, .untrained: "\(count) \(kind.rawValue)\(plural)"
        }
    }

    static func markName(_ mark: NormProfile.Mark) -> String {
        "row \(mark.row)" + (mark.token.map { " \(quotedToken($0))" } ?? "") + " (norm \(TextFormatting.compact(mark.norm)))"
    }

    /// A token in a sentence of the page, shown as the text report shows tokens, with a `”`
    /// inside as `\”` (`TextEscaping.displayQuoted`), so `a”, “b` cannot pass for two tokens.
    static func quotedToken(_ token: String) -> String { TextEscaping.displayQuoted(token, open: "“", close: "”") }

    static func marksTable(_ profile: NormProfile, _ html: inout HTMLWriter) {
        guard !profile.marks.isEmpty else { return }
        html.element("table", ["class": "marks"]) { html in
            html.element("caption", text: "Marked rows of " + TextFormatting.safeName(profile.tensor)
                + (profile.marks.count < profile.markCounts.values.reduce(0, +) ? " (the first \(NormProfile.markLimit) of each kind)" : ""))
            html.element("tr") { html in
                for title in ["mark", "kind", "row", "token", "norm"] { html.element("th", text: title) }
            }
            for mark in profile.marks {
                html.element("tr") { html in
                    html.element("td", text: Histogram.letter(mark.kind))
                    html.element("td", text: mark.kind.rawValue)
                    html.element("td", ["class": "number"], text: String(mark.row))
                    html.element("td") { html in
                        // Quoted as every token of the page is (`quotedToken`): a " " token showed as an
                        // empty cell, "a  " as "a", and a token spelled — as the no-token dash (helper-147).
                        if let token = mark.token { html.element("code", text: quotedToken(token)) } else { html.text("—") }
                    }
                    html.element("td", ["class": "number"], text: TextFormatting.compact(mark.norm))
                }
            }
        }
    }

    static func findings(_ report: AuditReport, anchors: [ExactText: String], _ html: inout HTMLWriter) {
        html.element("h2", text: "Findings")
        guard !report.findings.isEmpty else {
            html.element("p", text: "No findings.")
            return
        }
        html.element("table", ["class": "findings"]) { html in
            html.element("tr") { html in
                for title in ["severity", "rule", "tensors", "message", "fails"] { html.element("th", text: title) }
            }
            for finding in report.findings {
                html.element("tr", ["class": finding.severity.rawValue]) { html in
                    html.element("td", text: finding.severity.rawValue)
                    html.element("td") { html in html.element("code", text: finding.rule.id) }
                    html.element("td") { html in
                        for (i, name) in finding.tensors.prefix(20).enumerated() {
                            if i > 0 { html.text(", ") }
                            link(name, anchor: anchors[ExactText(name)], &html)
                        }
                        if finding.tensors.count > 20 { html.text(", … (\(finding.tensors.count) in all)") }
                    }
                    html.element("td", text: finding.message)
                    html.element("td", text: report.policy.fails(finding) ? "✗ fails" : "")
                }
            }
        }
    }

    static func ties(_ report: AuditReport, anchors: [ExactText: String], _ html: inout HTMLWriter) {
        let tieRules: Set = [Rule.tiedWeightsDuplicated.id, Rule.duplicateTensors.id, Rule.identicalLayers.id]
        let groups = report.findings.filter { tieRules.contains($0.rule.id) }
        html.element("h2", text: "Tie groups")
        guard !groups.isEmpty else {
            // Only groups that are findings are listed: "No tensors saved twice." stood beside a
            // constant group `ties` counts as wasted bytes (helper review).
            html.element("p", text: "No tie group is a finding (tied weights saved twice, duplicate tensors, identical layers). "
                + "Groups that are equal by construction or one stored buffer (constant, empty, shared storage) are not findings; tensoraudit ties lists every group.")
            return
        }
        html.element("table", ["class": "ties"]) { html in
            html.element("tr") { html in
                for title in ["rule", "tensors with identical bytes", "bytes wasted"] { html.element("th", text: title) }
            }
            for group in groups {
                html.element("tr") { html in
                    html.element("td") { html in html.element("code", text: group.rule.id) }
                    html.element("td") { html in
                        for (i, name) in group.tensors.enumerated() {
                            if i > 0 { html.text(", ") }
                            link(name, anchor: anchors[ExactText(name)], &html)
                        }
                    }
                    let wasted: String = switch group.evidence["wasted_bytes"] {
                    case .int(let n)?: TextFormatting.bytes(UInt64(max(0, n)))
                    default: "—"
                    }
                    html.element("td", ["class": "number"], text: wasted)
                }
            }
        }
    }

    static func shardMap(_ picture: AuditPicture, anchors: [ExactText: String], _ html: inout HTMLWriter) {
        html.element("h2", text: "Shard map")
        if !picture.listedAll {
            html.element("p", text: "More than \(AuditPicture.tensorListLimit) tensors: only the tensors named by findings and the token matrices are listed.")
        }
        // A tensor listed in two shards gets its anchor once, at its first listing (where the
        // links lead), and `<anchor>-2`, … after: two elements with one id broke the page's
        // promise of unique anchors and left the second unreachable (helper-147).
        var listed: [ExactText: Int] = [:]
        for file in picture.files {
            html.element("h3") { html in
                html.element("code", text: TextFormatting.safeName(file.path))
                html.text(": \(file.tensorCount) tensors, \(TextFormatting.bytes(file.byteCount))")
            }
            guard !file.tensors.isEmpty else { continue }
            html.element("table", ["class": "shard"]) { html in
                html.element("tr") { html in
                    for title in ["tensor", "dtype", "shape", "bytes in the file"] { html.element("th", text: title) }
                }
                for tensor in file.tensors {
                    html.element("tr") { html in
                        html.element("td") { html in
                            let key = ExactText(tensor.name), seen = listed[key, default: 0]
                            listed[key] = seen + 1
                            let id = anchors[key].map { seen == 0 ? $0 : "\($0)-\(seen + 1)" } ?? ""
                            html.element("code", ["id": id], text: TextFormatting.safeName(tensor.name))
                        }
                        html.element("td", text: tensor.dtype)
                        html.element("td", text: "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]")
                        html.element("td", ["class": "number"],
                                     text: tensor.byteRange.map { "\($0.lowerBound)–\($0.upperBound)" } ?? "in memory (decompressed)")
                    }
                }
            }
        }
    }

    /// The tensor name, linked to its row in the shard map when it is listed there.
    static func link(_ name: String, anchor: String?, _ html: inout HTMLWriter) {
        let shown = TextFormatting.safeName(name)
        if let anchor {
            html.element("a", ["href": "#" + anchor]) { html in html.element("code", text: shown) }
        } else {
            html.element("code", text: shown)
        }
    }

    static let stylesheet: StaticString = """
    body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #111; }
    code { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
    table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
    th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
    td.number { text-align: right; font-variant-numeric: tabular-nums; }
    caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
    .verdict { font-weight: bold; font-size: 1.2em; }
    .verdict.passed::before { content: "✓ "; }
    .verdict.failed::before { content: "✗ "; }
    tr.error td:first-child { font-weight: bold; }
    figure { margin: 0.5em 0; }
    figcaption { font-size: 0.9em; max-width: 60em; }
    svg { display: block; margin: 0.5em 0; max-width: 100%; height: auto; }
    svg text { font-family: system-ui, sans-serif; font-size: 11px; fill: #111; }
    svg .bar { fill: #8aa; stroke: #355; stroke-width: 0.5; }
    svg .axis { stroke: #111; stroke-width: 1; }
    svg .curve { fill: none; stroke: #246; stroke-width: 1.5; }
    svg .mark { stroke: #111; stroke-width: 1.5; }
    svg .mark.pad { stroke-dasharray: 6 3; }
    svg .mark.untrained { stroke-dasharray: 2 2; }
    svg .mark.beyond { stroke-dasharray: 8 2 2 2; }
    """
}
