import Foundation
import Testing
import SafetensorsFormat
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR and the C1 / bidirectional controls in
/// names: every text line and every error stays one line, and the JUnit report shows them
/// visible as the text, JSON, SARIF and HTML reports do (the JUnit report let U+202E, U+009B,
/// U+0085 and the separators through raw).
@Suite struct LineSeparatorTests {
    /// Raw, any of these ends or reorders a line for some reader or drives a terminal.
    static let raw: [Unicode.Scalar] = ["\u{2028}", "\u{2029}", "\u{85}", "\u{9B}", "\u{202E}", "\u{1B}"]

    static func containsRaw(_ text: String) -> Bool { text.unicodeScalars.contains { raw.contains($0) } }

    /// Two all-zero matrices (an all-zero-rows finding names each) whose names and file name
    /// hold the separators and controls.
    static func checkpoint() throws -> String {
        let names = ["emb\u{2028}ZQ.weight", "w\u{2029}ZQ\u{85}x\u{9B}31m\u{202E}y.weight"]
        let entries = names.map { SafetensorsWriter.Entry(name: $0, dtype: .f32, shape: [4, 2], bytes: Array(repeating: 0, count: 32)) }
        return try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize(), name: "m\u{2028}ZQ.safetensors")
    }

    @Test("text reports: no separator or control raw, no line starts with the text after a separator")
    func textReports() throws {
        let path = try Self.checkpoint()
        for command in ["inspect", "audit", "rows", "ties", "padding", "tokens"] {
            let result = try CLI.run([command, path])
            #expect([0, 1].contains(result.status), "\(command): \(result.stderr)")
            for text in [result.stdout, result.stderr] {
                #expect(!Self.containsRaw(text), "\(command)")
                // Split as Swift splits lines (U+2028/U+2029/U+0085 included).
                let lines = text.split { $0.isNewline }
                #expect(!lines.contains { $0.hasPrefix("ZQ") }, "\(command)")
            }
        }
    }

    @Test("an error naming a file with a line separator is one line")
    func errorLine() throws {
        let path = try Fixtures.temporaryFile(Array("GGUF\u{3}\0\0\0".utf8), name: "a\u{2028}ZQ.gguf")
        let result = try CLI.run(["inspect", path])
        #expect(result.status == 2)
        let lines = result.stderr.split { $0.isNewline }
        #expect(lines.count == 1, "\(lines)")
        #expect(result.stderr.contains("a\\u{2028}ZQ.gguf"), "\(result.stderr)")
    }

    @Test("JUnit: well-formed, the names shown with \\u{..} escapes, nothing raw")
    func junit() throws {
        let path = try Self.checkpoint()
        let result = try CLI.run(["audit", path, "--format", "junit"])
        #expect([0, 1].contains(result.status), "\(result.stderr)")
        let parser = XMLParser(data: Data(result.stdout.utf8))
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(!Self.containsRaw(result.stdout))
        #expect(result.stdout.contains("emb\\u{2028}ZQ.weight"))
        #expect(result.stdout.contains("w\\u{2029}ZQ\\u{85}x\\u{9b}31m\\u{202e}y.weight"))
        #expect(result.stdout.contains("m\\u{2028}ZQ.safetensors"))
    }

    @Test("a name holding a line or paragraph separator is a suspicious-name finding, as a control character is")
    func suspiciousSeparator() throws {
        // The first name holds U+2028 alone; the second also controls, already suspicious.
        let result = try CLI.run(["audit", try Self.checkpoint(), "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let suspicious = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "suspicious-name" }
        let names = Set(suspicious.compactMap { ($0["tensors"] as? [String])?.first })
        #expect(names == ["emb\u{2028}ZQ.weight", "w\u{2029}ZQ\u{85}x\u{9B}31m\u{202E}y.weight"], "\(suspicious)")
        #expect(suspicious.contains { ($0["message"] as? String)?.contains("line or paragraph separator") == true })
    }
}
