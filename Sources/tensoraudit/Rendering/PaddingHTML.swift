import TensorAnalysis
import StrictJSON

/// `padding --format html`: the padding facts of each token matrix above the same pictures
/// the audit page draws (histogram with the pad row marked, sorted-norm curve, marked rows).
enum PaddingHTML {
    static func page(_ path: String, _ analysis: PaddingAnalysis.Report, _ findings: [Finding],
                     profiles: [NormProfile]) -> String {
        AuditHTML.document(title: "tensoraudit padding: " + TextFormatting.safeName(path)) { html in
            html.element("h1") { html in
                html.text("tensoraudit padding of ")
                html.element("code", text: TextFormatting.safeName(path))
            }
            if analysis.results.isEmpty { html.element("p", text: "No embedding matrix was analysed.") }
            for (i, r) in analysis.results.enumerated() {
                let zero = r.isZeroBits ? "all zero" : r.isZero ? "zero by value (-0.0)" : "NOT zero"
                let rank = r.rank.map { "rank \($0) of \(r.rows) by norm (1 = smallest)" } ?? "no rank (NaN norm)"
                let token = r.padToken.map { " " + AuditHTML.quotedToken($0) } ?? ""
                html.element("p", ["class": "verdict"],
                             text: "\(TextFormatting.safeName(r.tensor)): pad row \(r.padID.id)\(token) has norm \(TextFormatting.compact(r.rowNorm)), \(zero), \(rank)")
                html.element("p", text: r.padID.note)
                html.element("p", text: r.explanation)
                if let profile = profiles.first(where: { ExactText.same($0.tensor, r.tensor) }) {
                    AuditHTML.tokenMatrix(profile, index: i, anchor: nil, &html)
                }
            }
            if !analysis.notes.isEmpty {
                html.element("h2", text: "Notes")
                for note in analysis.notes { html.element("p", text: note.text) }
            }
            if !findings.isEmpty {
                html.element("h2", text: "Findings")
                for finding in findings {
                    html.element("p") { html in
                        html.element("code", text: "[\(finding.severity.rawValue)] \(finding.rule.id)")
                        html.text(" " + finding.message)
                    }
                }
            }
        }
    }
}
