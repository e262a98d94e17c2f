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

    /// `\u{1b}`-style rendering of a scalar, readable in messages and terminals.
    public static func visible(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16) + "}"
    }

    /// For text output: control and bidirectional-control characters made visible (a
    /// right-to-left override would reorder the rest of a terminal line), everything else unchanged.
    public static func display(_ text: String) -> String {
        escape(text) { isControl($0) || isBidiControl($0) ? visible($0) : nil }
    }

    /// A JSON string literal, quotes included (RFC 8259 escapes; DEL and C1 kept as-is).
    public static func jsonLiteral(_ text: String) -> String {
        "\"" + escape(text) { scalar in
            switch scalar {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            default:
                if scalar.value < 0x20 {
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    nil
                }
            }
        } + "\""
    }
}

/// Quotes a name for messages, escaping quotes, backslashes, control and bidirectional-control
/// characters so that a hostile tensor name cannot move the cursor, recolour a terminal or
/// reorder the rest of the line.
public func quoted(_ name: String) -> String {
    "\"" + TextEscaping.escape(name) { scalar in
        switch scalar {
        case "\"": "\\\""
        case "\\": "\\\\"
        case "\n": "\\n"
        case "\t": "\\t"
        case "\r": "\\r"
        default: TextEscaping.isControl(scalar) || TextEscaping.isBidiControl(scalar) ? TextEscaping.visible(scalar) : nil
        }
    } + "\""
}
