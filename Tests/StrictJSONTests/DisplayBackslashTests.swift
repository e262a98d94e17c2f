import StrictJSON
import Testing
import TestSupport

/// `TextEscaping.display` (names in text output) writes a backslash as `\\`, so a name spelled
/// like an escape cannot pass for the name it spells; `displayMessage` leaves backslashes alone.
@Suite struct DisplayBackslashTests {
    /// The inverse of `display`, written from its documentation alone: `\\` is a backslash,
    /// `\u{h}` the scalar with hex value h, anything else itself. Nil when the text is not
    /// something `display` could have written (a lone backslash, a malformed escape).
    static func undisplay(_ text: String) -> String? {
        var scalars = Array(text.unicodeScalars)[...]
        var out = String.UnicodeScalarView()
        while let scalar = scalars.popFirst() {
            guard scalar == "\\" else { out.append(scalar); continue }
            switch scalars.popFirst() {
            case "\\": out.append("\\")
            case "u":
                guard scalars.popFirst() == "{", let close = scalars.firstIndex(of: "}") else { return nil }
                let hex = String(String.UnicodeScalarView(scalars[..<close]))
                guard let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value) else { return nil }
                out.append(decoded)
                scalars = scalars[(close + 1)...]
            default: return nil
            }
        }
        return String(out)
    }

    @Test("hand-computed: a backslash doubled, escapes as before, plain names unchanged")
    func handComputed() {
        #expect(TextEscaping.display("a\\u{1b}") == #"a\\u{1b}"#)
        #expect(TextEscaping.display("a\u{1B}") == #"a\u{1b}"#)
        #expect(TextEscaping.display(#"x\y"#) == #"x\\y"#)
        #expect(TextEscaping.display("\\\u{202E}") == #"\\\u{202e}"#)
        #expect(TextEscaping.display("model.layers.0.self_attn.q_proj.weight") == "model.layers.0.self_attn.q_proj.weight")
        #expect(TextEscaping.display("▁the Ġé😀") == "▁the Ġé😀")
        // Messages quote their names with quoted(), which already doubles backslashes.
        #expect(TextEscaping.displayMessage(#"tensor "a\\b" x"# + "\u{1B}") == #"tensor "a\\b" x\u{1b}"#)
    }

    @Test("one-to-one: decoding display gives the name back, for names made of escape look-alikes", arguments: 0..<20)
    func roundTrip(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let pool: [Unicode.Scalar] = ["\\", "u", "{", "}", "1", "b", "a", "\u{1B}", "\u{202E}", "\u{2028}", "\n", "\u{85}", "é"]
        let name = String(String.UnicodeScalarView((0..<16).map { _ in pool.randomElement(using: &rng) ?? "a" }))
        let shown = TextEscaping.display(name)
        #expect(Self.undisplay(shown) == name, "\(shown)")
        #expect(!shown.unicodeScalars.contains(where: TextEscaping.isDisplayEscaped), "\(shown)")
    }
}
