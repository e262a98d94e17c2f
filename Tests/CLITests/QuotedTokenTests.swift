import Testing
import TestSupport
@testable import tensoraudit

/// Tokens in text and HTML reports are quoted with a closing quote inside escaped, so a token
/// such as `a", "b` is one token of a comma-separated list, not two. Expected strings by hand.
@Suite struct QuotedTokenTests {
    @Test("text: a quote inside as \\\", a backslash as \\\\, controls as \\u{…}, by hand")
    func text() {
        #expect(PaddingRendering.quotedToken(#"a", "b"#) == #""a\", \"b""#)
        #expect(PaddingRendering.quotedToken("\"") == #""\"""#)
        #expect(PaddingRendering.quotedToken(#"\"#) == #""\\""#)
        #expect(PaddingRendering.quotedToken(#"\""#) == #""\\\"""#)
        #expect(PaddingRendering.quotedToken(#"a\u{1b}"#) == #""a\\u{1b}""#)
        #expect(PaddingRendering.quotedToken("a\u{1B}") == #""a\u{1b}""#)
        #expect(PaddingRendering.quotedToken("\n") == #""\u{a}""#)
        #expect(PaddingRendering.quotedToken("▁the") == "\"▁the\"")
        #expect(PaddingRendering.quotedToken("") == "\"\"")
    }

    @Test("html: the closing quote ” inside as \\”; straight quotes left to the HTML writer")
    func html() {
        #expect(AuditHTML.quotedToken("a”, “b") == "“a\\”, “b”")
        #expect(AuditHTML.quotedToken("\"x\\") == "“\"x\\\\”")
        #expect(AuditHTML.quotedToken("Ġé\u{202E}") == "“Ġé\\u{202e}”")
    }

    /// Reads a comma-separated list of quoted tokens as the documentation describes it: after a
    /// `"`, `\\` is a backslash, `\"` a quote, `\u{h}` the character h, and the first other `"`
    /// ends the token. Nil on anything else.
    static func readList(_ text: String) -> [String]? {
        var scalars = Array(text.unicodeScalars)[...]
        var tokens: [String] = []
        while !scalars.isEmpty {
            if !tokens.isEmpty {
                guard scalars.popFirst() == ",", scalars.popFirst() == " " else { return nil }
            }
            guard scalars.popFirst() == "\"" else { return nil }
            var token = String.UnicodeScalarView()
            while true {
                guard let scalar = scalars.popFirst() else { return nil }
                if scalar == "\"" { break }
                guard scalar == "\\" else { token.append(scalar); continue }
                switch scalars.popFirst() {
                case "\\": token.append("\\")
                case "\"": token.append("\"")
                case "u":
                    guard scalars.popFirst() == "{", let close = scalars.firstIndex(of: "}"),
                          let value = UInt32(String(String.UnicodeScalarView(scalars[..<close])), radix: 16),
                          let decoded = Unicode.Scalar(value) else { return nil }
                    token.append(decoded)
                    scalars = scalars[(close + 1)...]
                default: return nil
                }
            }
            tokens.append(String(token))
        }
        return tokens
    }

    @Test("a list of quoted tokens reads back as the same tokens", arguments: 0..<20)
    func listReadsBack(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let pool: [Unicode.Scalar] = ["\"", ",", " ", "\\", "u", "{", "}", "1", "b", "a", "\u{1B}", "\n", "é"]
        let tokens = (0..<4).map { _ in String(String.UnicodeScalarView((0..<6).map { _ in pool.randomElement(using: &rng) ?? "a" })) }
        let list = tokens.map(PaddingRendering.quotedToken).joined(separator: ", ")
        #expect(Self.readList(list) == tokens, "\(list)")
    }
}
