import Foundation
import Testing
import SafetensorsFormat
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A path or message holding LF, CR or tab comes back from the JUnit report exactly, read by
/// Foundation's XML parser (libxml2): a raw LF, CR or tab in an attribute value is read as a
/// space (XML 1.0 §3.3.3), a raw CR in content as LF (§2.11).
@Suite struct JUnitRoundTripTests {
    /// Start tags with their attributes, and the text inside each element, in document order.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var text: [String: String] = [:]
        private var open: [String] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append((name, attributes))
            open.append(name)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let name = open.last { text[name, default: ""] += string }
        }

        static func parse(_ xml: String) -> Collector? {
            let parser = XMLParser(data: Data(xml.utf8))
            let collector = Collector()
            parser.delegate = collector
            return parser.parse() ? collector : nil
        }
    }

    static let name = "emb\nZQ\tx\ry.weight"

    /// A file whose name holds LF, tab and CR, with one tensor (same characters) holding a NaN:
    /// a failing `nan-values` finding whose message starts with the tensor name.
    static func checkpoint() throws -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes.replaceSubrange(8..<12, with: [0x00, 0x00, 0xC0, 0x7F])  // f32 NaN, row 1
        let file = SafetensorsWriter(entries: [.init(name: name, dtype: .f32, shape: [4, 2], bytes: bytes)])
        return try Fixtures.temporaryFile(file.serialize(), name: "m\nx\ty\rz.safetensors")
    }

    @Test("audit junit: the suite name and a failure's message and text keep LF, CR and tab")
    func findings() throws {
        let path = try Self.checkpoint()
        let junit = try CLI.run(["audit", path, "--format", "junit"])
        #expect(junit.status == 1, "\(junit.stderr)")
        // The bytes, from the XML spec by hand: character references in attributes.
        #expect(junit.stdout.contains("<testsuite name=\"tensoraudit audit "
            + path.replacing("\n", with: "&#10;").replacing("\t", with: "&#9;").replacing("\r", with: "&#13;") + "\""))
        #expect(junit.stdout.contains("message=\"1 finding(s): emb&#10;ZQ&#9;x&#13;y.weight: "))
        // The message as the JSON report has it, read by Foundation's JSON parser.
        let json = try CLI.run(["audit", path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let message = try #require(findings.first { $0["rule"] as? String == "nan-values" }?["message"] as? String)
        #expect(message.hasPrefix(Self.name + ": "))

        let parsed = try #require(Collector.parse(junit.stdout))
        #expect(parsed.elements.first { $0.name == "testsuite" }?.attributes["name"] == "tensoraudit audit " + path)
        #expect(parsed.elements.first { $0.name == "failure" }?.attributes["message"] == "1 finding(s): " + message)
        #expect(parsed.text["failure"] == "[error] " + message)
    }

    @Test("audit junit of an unreadable file: the error's message keeps LF and tab")
    func error() throws {
        let path = try Fixtures.temporaryFile(Array("GGUF\u{3}\0\0\0".utf8), name: "a\nb\tc.gguf")
        let junit = try CLI.run(["audit", path, "--format", "junit"])
        #expect(junit.status == 2, "\(junit.stderr)")
        let json = try CLI.run(["audit", path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let message = try #require((report["error"] as? [String: Any])?["message"] as? String)
        #expect(message.hasPrefix(path + ": "))

        let parsed = try #require(Collector.parse(junit.stdout))
        #expect(parsed.elements.first { $0.name == "testsuite" }?.attributes["name"] == "tensoraudit audit " + path)
        #expect(parsed.elements.first { $0.name == "error" }?.attributes["message"] == message)
        #expect(parsed.text["error"] == "tensoraudit: error: " + message)
    }
}
