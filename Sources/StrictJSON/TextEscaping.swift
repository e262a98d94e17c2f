/// The one place where text from a file is escaped before it reaches a terminal, a JSON
/// document or an XML report. Tensor names are attacker-controlled: a name holding an ANSI
/// escape sequence must not recolour a terminal, and a quote must not end a JSON string.
public enum TextEscaping {
    /// Rewrites each scalar for which `replacement` returns a string; the common case (nothing
    /// to replace) returns `text` without building a new string.
    public static func escape(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        guard text.unicodeScalars.contains(where: { replacement($0) != nil }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) { out += replaced } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// True for C0 and C1 control characters and DEL.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// True for the bidirectional controls (Unicode's Bidi_Control: ALM, LRM, RLM, the
    /// embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069): invisible characters
    /// that make text display in another order than it reads ("Trojan Source").
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// True for U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: line breaks to any
    /// Unicode-aware reader (Python's `splitlines`, Swift's `Character.isNewline`, JavaScript),
    /// so one raw in a name split a one-line error message or report line in two there.
    public static func isLineSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// True for Unicode's default-ignorable code points (Default_Ignorable_Code_Point: U+00AD
    /// SOFT HYPHEN, the zero-width space, joiners and word joiner U+200B–U+200D and U+2060,
    /// U+FEFF, the variation selectors, the Hangul fillers, the tag characters, …): characters
    /// a terminal or browser draws as nothing. Why they are shown: raw, a tensor named
    /// `lm_head.weight` with a U+200B inside printed exactly as the real head's name, and a token
    /// that is one U+200B printed as an empty token.
    /// Format characters (general category Cf) count too: U+FFF9–U+FFFB and the Egyptian
    /// hieroglyph format controls are not default-ignorable, yet draw as nothing or rearrange
    /// their neighbours (review, 2026-12-05).
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0xAD && (scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.generalCategory == .format)
    }

    /// `\u{1b}`-style rendering of a scalar, readable in messages and terminals.
    public static func visible(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16) + "}"
    }

    /// True for the scalars text output shows as `\u{…}`: control and bidirectional-control
    /// characters, the line and paragraph separators (a right-to-left override would
    /// reorder the rest of a terminal line, a separator end it) and the invisible characters
    /// (`isInvisible`: a name holding one would print as another name).
    public static func isDisplayEscaped(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) || isBidiControl(scalar) || isLineSeparator(scalar) || isInvisible(scalar)
    }

    /// For a name or value from a file in text output (a tensor name, a path, a token, a
    /// metadata value): `isDisplayEscaped` scalars as `\u{…}`, a backslash as `\\`, everything
    /// else unchanged.
    ///
    /// Why the backslash: written raw, a name spelled `a\u{1b}` showed exactly as a name holding
    /// an ESC, so a hostile checkpoint could make one tensor look like another. Doubled always
    /// (not only in names that also hold an escaped scalar: `a\u{1b}` has none, yet must differ
    /// from the escape), the mapping is one-to-one and reads back as JSON's does (`\\` is a
    /// backslash, `\u{h}` the scalar h). A name with neither a backslash nor an escaped scalar
    /// (every name of a real checkpoint we have seen) is unchanged.
    public static func display(_ text: String) -> String {
        escape(text) { $0 == "\\" ? "\\\\" : isDisplayEscaped($0) ? visible($0) : nil }
    }

    /// `display(text)` between `open` and `close` (a token in a list: `"a"`, `“a”`), with each
    /// `close` inside written as `\` + `close`.
    ///
    /// Why: raw, the token `a", "b` showed as `"a", "b"`, two tokens of a comma-separated list.
    /// With `close` escaped, the first unescaped `close` ends the token, and the backslash, which
    /// `display` already doubles, keeps the rule one-to-one (read `\\` as a backslash, `\"` as
    /// a quote, `\u{h}` as the character h).
    public static func displayQuoted(_ text: String, open: Unicode.Scalar = "\"", close: Unicode.Scalar = "\"") -> String {
        String(open) + escape(text) { scalar in
            scalar == "\\" ? "\\\\" : scalar == close ? "\\" + String(close) : isDisplayEscaped(scalar) ? visible(scalar) : nil
        } + String(close)
    }

    /// For a message in text output or on standard error: `isDisplayEscaped` scalars as
    /// `\u{…}`, backslashes as they are. A message quotes the names it holds with `quoted(_:)`,
    /// which already writes a backslash as `\\` and a quote as `\"`; doubling every backslash
    /// again would show the token `"` as `"\\""`. (Messages that hold a name unquoted, such as
    /// `rows_f32: 1 NaN values …`, show it as it is apart from the escaped scalars.)
    public static func displayMessage(_ text: String) -> String {
        escape(text) { isDisplayEscaped($0) ? visible($0) : nil }
    }

    /// True for the scalars a JSON string carries as `\uXXXX` although RFC 8259 allows some of
    /// them raw: controls below U+0020 (required), DEL and the C1 controls (U+0085 ends a line
    /// for some readers, U+009B starts a terminal escape), the bidirectional controls (a
    /// right-to-left override reorders a terminal line or a diff view of the report) and
    /// U+2028/U+2029 (line breaks to JavaScript before ES2019). Escaped, a name still decodes to
    /// exactly the bytes in the file; it just cannot act on whoever views the report raw.
    public static func isJSONEscaped(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) || isBidiControl(scalar) || isLineSeparator(scalar)
    }

    /// `\uXXXX` (lowercase hex) for a scalar of the Basic Multilingual Plane.
    public static func jsonUnicodeEscape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The escape JSON uses for one scalar, or nil when it is written as is: `\"`, `\\`, `\n`,
    /// `\r`, `\t`, and `\uXXXX` for the rest of `isJSONEscaped`.
    public static func jsonEscape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\"": "\\\""
        case "\\": "\\\\"
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: isJSONEscaped(scalar) ? jsonUnicodeEscape(scalar) : nil
        }
    }

    /// A JSON string literal, quotes included, escaped as `jsonEscape` says.
    public static func jsonLiteral(_ text: String) -> String {
        "\"" + escape(text, jsonEscape) + "\""
    }
}

/// Quotes a name for messages, escaping quotes, backslashes and what text output escapes
/// (`TextEscaping.isDisplayEscaped`) so that a hostile tensor name cannot move the cursor,
/// recolour a terminal, reorder the rest of the line, end it, or pass for another name.
public func quoted(_ name: String) -> String {
    "\"" + TextEscaping.escape(name) { scalar in
        switch scalar {
        case "\"": "\\\""
        case "\\": "\\\\"
        case "\n": "\\n"
        case "\t": "\\t"
        case "\r": "\\r"
        default: TextEscaping.isDisplayEscaped(scalar) ? TextEscaping.visible(scalar) : nil
        }
    } + "\""
}
