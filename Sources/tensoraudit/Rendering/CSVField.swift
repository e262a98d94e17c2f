import StrictJSON

/// A text field of a CSV report (`rows --csv`: the tensor name, the one value a checkpoint
/// controls), written so that a hostile name can neither act on whoever opens the file nor
/// pass for another name.
enum CSVField {
    /// Three steps, in this order:
    /// 1. `TextEscaping.display`, as the text report shows names: control, bidirectional-control
    ///    and separator characters as `\u{…}`, a backslash as `\\`. Raw, an ESC or U+202E
    ///    (RIGHT-TO-LEFT OVERRIDE) recoloured or reordered a terminal that printed the file, and a
    ///    CR or LF (RFC 4180 allows them inside quotes) split a row for line-based readers.
    /// 2. A field that begins with `=`, `+`, `-`, `@` or `'` gets one more `'` in front. A
    ///    spreadsheet reads a cell that begins with one of the first four as a formula
    ///    (`=HYPERLINK(…)` sends data away when clicked, `=cmd|…` ran commands through DDE): the
    ///    `'` makes it text, as OWASP's "CSV Injection" page recommends. Why alter a name rather
    ///    than leave it and document the risk: a report is opened by people who never read our
    ///    documentation, and no real tensor name we have seen begins with these characters (none
    ///    of the 296 names of the 143 files in TestData that `inspect` reads does). A field that
    ///    already begins with `'` gets one too, so the rule stays one-to-one: drop one leading `'`
    ///    from a field that begins with `'` to get the displayed name back. Tab and CR, which
    ///    OWASP lists too, never begin a field: step 1 wrote them as `\u{9}` and `\u{d}`.
    /// 3. RFC 4180 quoting: a field holding `,`, `;` or `"` is put in double quotes, each `"`
    ///    doubled. `;` because spreadsheets in many locales split lines at it: unquoted,
    ///    `x;=1+2;` gave a cell `=1+2`, a formula step 2 never saw (helper review).
    ///
    /// A name with none of these characters (every real one we have seen) is written unchanged.
    static func text(_ value: String) -> String {
        var field = TextEscaping.display(value)
        if let first = field.unicodeScalars.first, ["=", "+", "-", "@", "'"].contains(first) {
            field = "'" + field
        }
        // No CR or LF is left to quote: step 1 wrote them as `\u{d}` and `\u{a}`.
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == ";" || $0 == "\"" }) else { return field }
        return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }
}
