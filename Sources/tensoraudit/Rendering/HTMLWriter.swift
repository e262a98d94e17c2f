import StrictJSON

/// Builds an HTML (and inline SVG) document in which text from a checkpoint can only ever be
/// text: escaping by construction.
///
/// - Tag and attribute names are `StaticString`: only the program's own literals, never a value.
/// - Every value, as text or as an attribute value (always double-quoted), goes through
///   `escape`: `& < > " '` become entities; control characters (LF and tab too), bidirectional
///   controls (which could make a name read backwards) and line/paragraph separators become a
///   visible `\u{..}`. Names, paths and tokens from the file are first shown as text output
///   shows them (`TextFormatting.safeName`: a backslash as `\\` besides), so no name passes
///   for another's escaped form. Nothing is ever written into a URL, a style or a script
///   context: links are `#t12`-style anchors the writer numbers itself, and the page has no
///   script at all.
/// - The only unescaped text is `trusted(_:)`, which takes a `StaticString` (the stylesheet).
///
/// Why not a library such as JohnSundell/Plot (in the local package mirror): it escapes text
/// and attributes too, but it is a DSL of a few thousand lines and a dependency to build on a
/// 2-core machine, it has no SVG vocabulary we could use without falling back to raw strings,
/// and it would not make control or bidi characters visible; this writer is 80 lines whose
/// every escape is tested with hostile names (`HTMLReportTests`).
struct HTMLWriter {
    private(set) var output = ""

    typealias Attributes = KeyValuePairs<StaticString, String>

    mutating func open(_ tag: StaticString, _ attributes: Attributes = [:]) {
        output += "<\(tag)"
        for (name, value) in attributes { output += " \(name)=\"\(Self.escape(value))\"" }
        output += ">"
    }

    mutating func close(_ tag: StaticString) { output += "</\(tag)>" }

    /// `<tag …>text</tag>`, the text escaped.
    mutating func element(_ tag: StaticString, _ attributes: Attributes = [:], text: String) {
        open(tag, attributes)
        self.text(text)
        close(tag)
    }

    /// `<tag …>…</tag>` with `body` writing the content.
    mutating func element(_ tag: StaticString, _ attributes: Attributes = [:], _ body: (inout HTMLWriter) -> Void) {
        open(tag, attributes)
        body(&self)
        close(tag)
    }

    /// A void element (`<meta>`, `<br>`) or a self-closed SVG element.
    mutating func empty(_ tag: StaticString, _ attributes: Attributes = [:], selfClosing: Bool = false) {
        open(tag, attributes)
        if selfClosing { output.removeLast(); output += "/>" }
    }

    mutating func text(_ text: String) { output += Self.escape(text) }

    /// Program text written as is: only compile-time literals can be trusted so.
    mutating func trusted(_ literal: StaticString) { output += "\(literal)" }

    /// Escapes `text` for HTML text and for a double-quoted attribute value. Every
    /// `isInvisibleControl` scalar becomes `\u{..}`, LF, CR and tab included, as text output's
    /// `TextEscaping.displayMessage` writes them. Why LF and tab too (they were once written
    /// raw): a browser shows them as a space, so the message of a tensor named "c" LF "d" read
    /// as that of "c d"; and in an attribute value an XML parser reads a raw LF or tab as a
    /// space (XML 1.0 §3.3.3). No text of the page's own holds them (the stylesheet and the
    /// doctype's line end are `trusted`). Names, paths and tokens are shown with
    /// `TextFormatting.safeName` before they reach the writer, which adds a backslash as `\\`.
    static func escape(_ text: String) -> String {
        MarkupEscaping.escape(text, hiding: isInvisibleControl)
    }

    /// Characters that would hide or reorder text: what text output escapes
    /// (`TextEscaping.isDisplayEscaped`: C0/C1 controls, DEL, the bidirectional marks,
    /// embeddings, overrides and isolates, line and paragraph separators, the invisible
    /// default-ignorable characters, BOM among them) and the noncharacters U+FFFE/U+FFFF.
    static func isInvisibleControl(_ scalar: Unicode.Scalar) -> Bool {
        TextEscaping.isDisplayEscaped(scalar) || scalar.value == 0xFFFE || scalar.value == 0xFFFF
    }
}
