import Foundation
import Testing
import SafetensorsFormat
import StrictJSON
import TestSupport

/// Invisible characters (Unicode's default-ignorable code points) in names and tokens: a
/// terminal draws them as nothing, so raw, a tensor named `lm_head` + U+200B + `.weight` read
/// exactly as the real head. Text, HTML and JUnit show them as `\u{…}`, and `audit` names the
/// tensor in a `suspicious-name` finding. JSON keeps them raw: a parser returns the exact name.
@Suite struct InvisibleNameTests {
    /// The invisible scalars tested, from the Unicode character database's
    /// Default_Ignorable_Code_Point list (DerivedCoreProperties.txt), by hand: zero-width space,
    /// joiner, soft hyphen, word joiner, BOM, a variation selector, Hangul filler, a tag letter.
    static let invisible: [Unicode.Scalar] = ["\u{200B}", "\u{200D}", "\u{AD}", "\u{2060}", "\u{FEFF}", "\u{FE0F}", "\u{3164}", "\u{E0041}",
                                              // Format characters (Cf) that are not default-ignorable, from UnicodeData.txt by hand.
                                              "\u{FFF9}", "\u{FFFB}", "\u{13430}"]

    @Test("hand-picked default-ignorable scalars are escaped in display; visible look-alikes are not")
    func classification() {
        for scalar in Self.invisible {
            #expect(TextEscaping.isInvisible(scalar), "\(scalar.value)")
            #expect(TextEscaping.display("a\(scalar)b") == "a\\u{\(String(scalar.value, radix: 16))}b")
        }
        // Visible text stays as it is: letters, the SentencePiece and byte-level space marks, a
        // no-break space (drawn as a space), an emoji, the ideographic space.
        for text in ["▁the", "Ġé", "a\u{A0}b", "😀", "\u{3000}", "naïve", "[PAD]"] {
            #expect(TextEscaping.display(text) == text, "\(text)")
        }
    }

    static func checkpoint() throws -> (path: String, hidden: String) {
        let hidden = "lm_head\u{200B}.weight"
        let entries = [
            SafetensorsWriter.Entry(name: "lm_head.weight", dtype: .f32, shape: [2, 2], bytes: Array(repeating: 0, count: 16)),
            SafetensorsWriter.Entry(name: hidden, dtype: .f32, shape: [2, 2], bytes: [0, 0, 128, 63] + Array(repeating: 0, count: 12)),
        ]
        return (try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize(), name: "zw.safetensors"), hidden)
    }

    @Test("inspect text: the two names print differently, the hidden one with \\u{200b}")
    func inspectText() throws {
        let (path, _) = try Self.checkpoint()
        let result = try CLI.run(["inspect", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("lm_head\\u{200b}.weight"), "\(result.stdout)")
        #expect(!result.stdout.unicodeScalars.contains("\u{200B}"))
    }

    @Test("audit: a suspicious-name finding for the name with U+200B only; JSON carries it raw")
    func auditFinding() throws {
        let (path, hidden) = try Self.checkpoint()
        let result = try CLI.run(["audit", path, "--json"])
        #expect([0, 1].contains(result.status), "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let suspicious = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "suspicious-name" }
        #expect(suspicious.compactMap { ($0["tensors"] as? [String])?.first } == [hidden], "\(suspicious)")
        #expect(suspicious.first?["message"] as? String == #"tensor name "lm_head\u{200b}.weight" contains an invisible character (\u{200b}): it prints like the name without it"#)
        let text = try CLI.run(["audit", path])
        #expect(!text.stdout.unicodeScalars.contains("\u{200B}"))
    }

    @Test("HTML and JUnit reports show it as \\u{200b}, never raw")
    func markupReports() throws {
        let (path, _) = try Self.checkpoint()
        for format in ["html", "junit"] {
            let result = try CLI.run(["audit", path, "--format", format])
            #expect([0, 1].contains(result.status), "\(format): \(result.stderr)")
            #expect(result.stdout.contains("lm_head\\u{200b}.weight"), "\(format)")
            #expect(!result.stdout.unicodeScalars.contains("\u{200B}"), "\(format)")
        }
    }
}
