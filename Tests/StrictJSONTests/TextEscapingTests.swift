import StrictJSON
import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// Hostile names survive every output: JSON literals round-trip through Foundation's parser,
/// and display text carries no control character.
@Suite struct TextEscapingTests {
    @Test("JSON literals round-trip every scalar class", arguments: 0..<10)
    func jsonRoundTrip(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let pool: [Unicode.Scalar] = ["\"", "\\", "\n", "\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "a", "é", "😀", "/", "\u{2028}",
                                      "\u{202E}", "\u{2066}", "\u{061C}", "\u{9B}", "\u{2029}", "\u{200F}"]
        let text = String(String.UnicodeScalarView((0..<24).map { _ in pool.randomElement(using: &rng) ?? "a" }))
        let literal = TextEscaping.jsonLiteral(text)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
        #expect(decoded == [text])
        // Nothing that acts on a terminal or reorders a line is left raw in the literal.
        #expect(!literal.unicodeScalars.contains { TextEscaping.isControl($0) || TextEscaping.isBidiControl($0)
                                                   || $0 == "\u{2028}" || $0 == "\u{2029}" }, "\(literal)")
    }

    @Test("display and quoted text hold no control characters")
    func noControls() {
        let hostile = "\u{1B}[31mred\u{0}\u{9B}x\n"
        for rendered in [TextEscaping.display(hostile), quoted(hostile)] {
            #expect(!rendered.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
        #expect(TextEscaping.display("plain.name") == "plain.name")
        // Bidirectional controls (a right-to-left override reorders the rest of a terminal line,
        // "Trojan Source") are shown as escapes too, as the HTML report already does.
        let bidi = "emb\u{202E}thgiew\u{2066}x\u{200F}y\u{061C}"
        for rendered in [TextEscaping.display(bidi), quoted(bidi)] {
            #expect(!rendered.unicodeScalars.contains(where: TextEscaping.isBidiControl), "\(rendered)")
            #expect(rendered.contains("\\u{202e}"), "\(rendered)")
        }
        #expect(quoted("a\"b") == #""a\"b""#)
        // U+2028/U+2029 end a line for Unicode-aware readers (Character.isNewline here): shown
        // as escapes, so a message quoting such a name stays one line.
        let separated = "a\u{2028}b\u{2029}c"
        for rendered in [TextEscaping.display(separated), quoted(separated)] {
            #expect(!rendered.contains { $0.isNewline }, "\(rendered)")
            #expect(rendered.contains("a\\u{2028}b\\u{2029}c"), "\(rendered)")
        }
    }
}
