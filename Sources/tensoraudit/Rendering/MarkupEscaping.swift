import StrictJSON

/// Escaping shared by the markup reports (JUnit XML, HTML): the five markup characters as
/// entities, and the characters a reader must not receive raw made visible as `\u{..}`.
enum MarkupEscaping {
    /// `& < > " '` become `&amp; &lt; &gt; &quot; &#39;` (valid in XML and HTML, in text and
    /// in quoted attributes); each scalar `isReferenced` accepts becomes a decimal character
    /// reference (`&#10;`), which a parser returns as that scalar; each other scalar `isHidden`
    /// accepts becomes `\u{..}`.
    static func escape(_ text: String, hiding isHidden: (Unicode.Scalar) -> Bool,
                       referencing isReferenced: (Unicode.Scalar) -> Bool = { _ in false }) -> String {
        TextEscaping.escape(text) { scalar in
            switch scalar {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&#39;"
            default: isReferenced(scalar) ? "&#\(scalar.value);" : isHidden(scalar) ? TextEscaping.visible(scalar) : nil
            }
        }
    }
}
