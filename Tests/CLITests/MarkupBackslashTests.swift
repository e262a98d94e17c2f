import Foundation
import Testing
import SafetensorsFormat
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The JUnit and HTML reports show a backslash in a name or path from the file as `\\`, as
/// text output does, so a name spelled `a\u{1b}` (seven plain characters) no longer reads as
/// `a` followed by an ESC, which they show as `\u{1b}`. Expected strings by hand; the
/// reports are read back by Foundation's XML parser (libxml2).
@Suite struct MarkupBackslashTests {
    /// Each element in document order: its name, attributes and the text directly inside it.
    final class Elements: NSObject, XMLParserDelegate {
        var all: [(name: String, attributes: [String: String], text: String)] = []
        private var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            all.append((name, attributes, ""))
            open.append(all.count - 1)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let index = open.last { all[index].text += string }
        }

        /// Nil when the document is not well-formed XML. The HTML doctype is dropped first:
        /// XMLParser refuses a doctype without a system id.
        static func parse(_ document: String) -> Elements? {
            let parser = XMLParser(data: Data(document.replacingOccurrences(of: "<!DOCTYPE html>\n", with: "").utf8))
            let elements = Elements()
            parser.delegate = elements
            return parser.parse() ? elements : nil
        }
    }

    /// Zero 4×2 F32 matrices with these names (each an `all-zero-rows` finding).
    static func checkpoint(_ names: [String], file: String) throws -> String {
        let entries = names.map { SafetensorsWriter.Entry(name: $0, dtype: .f32, shape: [4, 2], bytes: Array(repeating: 0, count: 32)) }
        return try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize(), name: file)
    }

    @Test("junit: a path spelled like an escape and the path holding the escaped character get different suite names")
    func junitSuiteName() throws {
        let files = [#"p\u{1b}.safetensors"#, "p\u{1B}.safetensors"]
        var names: [String] = []
        var folders: [String] = []
        for file in files {
            let path = try Self.checkpoint(["w"], file: file)
            folders.append(String(path.dropLast(file.count)))
            let junit = try CLI.run(["audit", path, "--format", "junit"])
            #expect(junit.status == 0, "\(junit.stderr)")
            // The raw attribute of the first: its one backslash doubled, nothing else changed.
            if file == files[0] {
                #expect(junit.stdout.contains(#"<testsuite name="tensoraudit audit "# + folders[0] + #"p\\u{1b}.safetensors""#))
            }
            let parsed = try #require(Elements.parse(junit.stdout))
            names += parsed.all.filter { $0.name == "testsuite" }.compactMap { $0.attributes["name"] }
        }
        #expect(names == ["tensoraudit audit " + folders[0] + #"p\\u{1b}.safetensors"#,
                          "tensoraudit audit " + folders[1] + #"p\u{1b}.safetensors"#])
    }

    @Test("junit: a failure's message keeps the backslashes of the name it holds, as text output's messages do")
    func junitMessage() throws {
        let path = try Self.checkpoint([#"r\s"#], file: "m.safetensors")
        let junit = try CLI.run(["audit", path, "--format", "junit", "--fail-on", "all-zero-rows"])
        #expect(junit.status == 1, "\(junit.stderr)")
        let failure = try #require(Elements.parse(junit.stdout)?.all.first { $0.name == "failure" })
        // By hand: the all-zero-rows message starts with the name, unquoted.
        #expect(failure.attributes["message"]?.hasPrefix(#"1 finding(s): r\s: "#) == true, "\(failure)")
        let text = try CLI.run(["audit", path, "--fail-on", "all-zero-rows"])
        #expect(text.stdout.contains(#"r\s: "#), "\(text.stdout)")
    }

    @Test("html: names and the path shown as text output shows them; look-alike names differ")
    func html() throws {
        let names = [#"a\u{1b}"#, "a\u{1B}", "c\nd", "e\tf", "plain.w"]
        let shown: Set = [#"a\\u{1b}"#, #"a\u{1b}"#, #"c\u{a}d"#, #"e\u{9}f"#, "plain.w"]
        let file = #"x\y.safetensors"#
        let path = try Self.checkpoint(names, file: file)
        let shownPath = String(path.dropLast(file.count)) + #"x\\y.safetensors"#
        let result = try CLI.run(["audit", path, "--format", "html", "--fail-on", "all-zero-rows"])
        #expect(result.status == 1, "\(result.stderr)")
        let page = try #require(Elements.parse(result.stdout))
        // The shard map: one <code id="tN"> per tensor.
        let listed = page.all.filter { $0.name == "code" && $0.attributes["id"] != nil }.map(\.text)
        #expect(listed.count == 5 && Set(listed) == shown, "\(listed)")
        // The findings (an all-zero-rows finding per tensor; the five identical tensors a tie
        // group) link each name, shown the same way.
        let linked = page.all.indices.filter { $0 > 0 && page.all[$0 - 1].name == "a" && page.all[$0].name == "code" }
        #expect(Set(linked.map { page.all[$0].text }) == shown)
        // The path, in the page's title and in the heading's code.
        #expect(page.all.first { $0.name == "title" }?.text == "tensoraudit audit: " + shownPath)
        let heading = try #require(page.all.firstIndex { $0.name == "h1" })
        #expect(page.all[heading + 1].name == "code" && page.all[heading + 1].text == shownPath)
        // Messages as text output's: the name unquoted, LF and tab as \u{a}, \u{9}, backslashes kept.
        let messages = Set(page.all.filter { $0.name == "td" && $0.text.hasSuffix(": 4 of 4 rows are all zero (rows 0, 1, 2, 3)") }
            .map { String($0.text.prefix { $0 != ":" }) })
        #expect(messages == [#"a\u{1b}"#, #"c\u{a}d"#, #"e\u{9}f"#, "plain.w"], "\(messages)")
        // No LF, CR or tab between the stylesheet and the page's final line end; no ESC at all.
        let body = try #require(result.stdout.firstRange(of: "</style>")).upperBound
        #expect(result.stdout.hasSuffix("</html>\n"))
        #expect(!result.stdout[body...].dropLast().unicodeScalars.contains { $0 == "\n" || $0 == "\t" || $0 == "\r" })
        #expect(!result.stdout.unicodeScalars.contains("\u{1B}"))
    }
}
