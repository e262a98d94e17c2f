import Foundation
import SafetensorsFormat
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `audit --format html`: a self-contained page built from untrusted names. The page is
/// written as well-formed XHTML-compatible markup, so an XML parser can check its structure:
/// which elements and attributes exist, and that hostile names arrive as text only.
@Suite struct HTMLReportTests {
    /// Every element the writer emits; anything else means a name became markup.
    static let allowedElements: Set = ["html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "code",
                                       "section", "figure", "figcaption", "svg", "line", "text", "rect", "polyline",
                                       "table", "caption", "tr", "th", "td", "a"]

    static let hostile = [
        "<script>document.title='pwned'</script>",
        "\"><img src=x onerror=alert(1)>.weight",
        "emb\u{202E}thgiew.sdrawkcab",
        "nul\u{0}and\u{1B}[31mescape",
        "amp&lt;not-an-entity'quote",
    ]

    /// A checkpoint whose tensor names are `hostile`; the first is an embedding-sized matrix.
    static func hostileCheckpoint() throws -> String {
        var random = SeededRandom(seed: 15)
        let entries = hostile.enumerated().map { i, name in
            let rows = i == 0 ? 64 : 2
            return SafetensorsWriter.Entry(name: name, dtype: .f32, shape: [UInt64(rows), 8],
                                           bytes: (0..<(rows * 8)).flatMap { _ in
                                               withUnsafeBytes(of: Float(Double(random.next() % 1000) / 1000).bitPattern.littleEndian, Array.init)
                                           })
        }
        return try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize(), name: "hostile <b>&.safetensors")
    }

    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        var attributes: Set<String> = []
        var attributeValues: [String] = []
        var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements[name, default: 0] += 1
            self.attributes.formUnion(attributes.keys)
            attributeValues += attributes.values
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    static func parse(_ html: String) throws -> Collector {
        let collector = Collector()
        // XMLParser wants no HTML doctype with a missing system id; the rest is XML as written.
        let body = html.replacingOccurrences(of: "<!DOCTYPE html>\n", with: "")
        let parser = XMLParser(data: Data(body.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "the page must be well-formed: \(String(describing: parser.parserError))")
        return collector
    }

    @Test("hostile tensor names and paths stay text: no element or attribute they could add, shown escaped and visible")
    func hostileNames() throws {
        let path = try Self.hostileCheckpoint()
        let result = try CLI.run(["audit", path, "--format", "html", "--tensor", Self.hostile[0]])
        #expect([0, 1].contains(result.status), "\(result.stderr)")
        let page = try Self.parse(result.stdout)
        #expect(Set(page.elements.keys).isSubset(of: Self.allowedElements), "\(page.elements.keys.sorted())")
        #expect(page.elements["script"] == nil && page.elements["img"] == nil)
        #expect(!page.attributes.contains { $0.lowercased().hasPrefix("on") })
        #expect(page.attributes.isSubset(of: ["lang", "charset", "http-equiv", "content", "name", "class", "id", "href",
                                             "xmlns", "viewBox", "width", "height", "role", "aria-labelledby", "x", "y",
                                             "x1", "y1", "x2", "y2", "text-anchor", "transform", "points", "data-mark",
                                             "data-row"]), "\(page.attributes.sorted())")
        // Links only to the page's own anchors; nothing fetched.
        #expect(Set(page.attributeValues.filter { $0.contains("://") }) == ["http://www.w3.org/2000/svg"])
        #expect(result.stdout.contains("Content-Security-Policy"))
        // The names are there as text: markup characters literally, controls made visible.
        #expect(page.text.contains(Self.hostile[0]))
        #expect(page.text.contains(Self.hostile[1]))
        #expect(page.text.contains("emb\\u{202e}thgiew"))
        #expect(page.text.contains("nul\\u{0}and\\u{1b}[31mescape"))
        #expect(page.text.contains(Self.hostile[4]))
        #expect(!result.stdout.contains("\u{202E}") && !result.stdout.contains("\u{1B}"))
        // Text output too: no command prints the right-to-left override or the escape raw.
        for command in ["inspect", "audit", "rows", "ties"] {
            let text = try CLI.run([command, path])
            #expect(!text.stdout.contains("\u{202E}") && !text.stdout.contains("\u{1B}")
                    && !text.stderr.contains("\u{202E}"), "\(command)")
        }
        // The right-to-left override is a suspicious name, like NUL and the escape sequence.
        let audit = try CLI.run(["audit", path, "--format", "json"])
        let findings = (try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])?["findings"] as? [[String: Any]]
        let suspicious = Set((findings ?? []).filter { $0["rule"] as? String == "suspicious-name" }.compactMap { ($0["tensors"] as? [String])?.first })
        #expect(suspicious.isSuperset(of: [Self.hostile[2], Self.hostile[3]]))
        // Machine-readable reports escape the override and the escape sequence as \\uXXXX: a raw
        // report viewed in a terminal or a diff cannot be reordered, and a parser still gets the
        // exact name back (the suspicious-name findings above are matched by exact name).
        let machine: [[String]] = [["inspect", path, "--json"], ["audit", path, "--format", "json"],
                                   ["audit", path, "--format", "sarif"], ["rows", path, "--json"],
                                   ["rows", path, "--ndjson"], ["ties", path, "--json"]]
        for arguments in machine {
            let report = try CLI.run(arguments)
            #expect(!report.stdout.contains("\u{202E}") && !report.stdout.contains("\u{1B}"), "\(arguments)")
            // `ties` finds no tie here and names no tensor; the others name the override's tensor.
            #expect(arguments[0] == "ties" || report.stdout.contains("emb\\u202ethgiew"), "\(arguments)")
        }
        // The hostile matrix was pictured: a histogram and a curve.
        #expect((page.elements["svg"] ?? 0) >= 2)
    }

    @Test("the toy report: one page with the histogram, the pad-row marker, the findings and the shard map")
    func toyReport() throws {
        let result = try CLI.run(["audit", Fixtures.path("toy-bert-sharded"), "--format", "html"])
        #expect(result.status == 0, "\(result.stderr)")
        let page = try Self.parse(result.stdout)
        #expect((page.elements["svg"] ?? 0) == 4, "two token matrices, two charts each")
        #expect((page.elements["rect"] ?? 0) > 20)
        #expect(result.stdout.contains("data-mark=\"pad row\" data-row=\"0\""))
        #expect(page.text.contains("model-00003-of-00003.safetensors"))
        #expect(page.text.contains("tied-weights-duplicated"))
        // Every link points at an anchor the page defines.
        let ids = Set(result.stdout.matches(of: /id="(t[0-9]+)"/).map { String($0.1) })
        let links = Set(result.stdout.matches(of: /href="#(t[0-9]+)"/).map { String($0.1) })
        #expect(!links.isEmpty && links.isSubset(of: ids))
    }

    @Test("a tensor listed in two shards: every id on the page is unique, the first listing keeps the anchor the links use")
    func uniqueShardMapIDs() throws {
        let page = try Fixtures.temporaryDirectory().appendingPathComponent("report.html").path
        let result = try CLI.run(["audit", Fixtures.path("sources/duplicate-tensor"), "--format", "html", "--output", page])
        #expect(result.status == 1, "\(result.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let ids = html.split(separator: " id=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }.filter { !$0.isEmpty }
        #expect(!ids.isEmpty && Set(ids).count == ids.count, "\(ids)")
        #expect(ids.contains { $0.hasSuffix("-2") }, "\(ids)")
    }

    @Test("the marked-rows table quotes its tokens as the rest of the page does: a space, trailing spaces and a quote stay visible")
    func markedTokensQuoted() throws {
        let folder = try Fixtures.temporaryDirectory()
        var random = SeededRandom(seed: 3)
        // 64 token rows of 16 values; rows 5-9 (the tokens below) all zero, so they are marked.
        let values: [Float] = (0 ..< 64 * 16).map { i in (5 ..< 10).contains(i / 16) ? 0 : Float(Int(random.next() % 2001) - 1000) / 500 }
        try Data(SafetensorsWriter(entries: [.init(name: "bert.embeddings.word_embeddings.weight", dtype: .f32, shape: [64, 16],
                                                   bytes: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })]).serialize())
            .write(to: folder.appendingPathComponent("model.safetensors"))
        try Data(#"{"model_type": "bert", "vocab_size": 64, "hidden_size": 16, "pad_token_id": 0}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", " ", "\u{201D}x\u{201C}", "a  ", "\\\u{201D}", "<b>"]
        var vocab = tokens.enumerated().map { "\(SafetensorsWriter.jsonString($1)): \($0)" }
        vocab += (tokens.count ..< 64).map { "\"t\($0)\": \($0)" }
        try Data(#"{"model": {"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"#.utf8 + Data(vocab.joined(separator: ", ").utf8) + Data("}}}".utf8))
            .write(to: folder.appendingPathComponent("tokenizer.json"))
        let page = folder.appendingPathComponent("report.html").path
        let result = try CLI.run(["audit", folder.path, "--format", "html", "--output", page])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        for shown in ["<code>\u{201C} \u{201D}</code>", "<code>\u{201C}a  \u{201D}</code>", "<code>\u{201C}\\\u{201D}x\u{201C}\u{201D}</code>",
                      "<code>\u{201C}&lt;b&gt;\u{201D}</code>"] {
            #expect(html.contains(shown), "\(shown)")
        }
        #expect(!html.contains("<code> </code>"))
    }

    @Test("700 rows past a 300-token vocabulary: the chart's text alternative and legend count them in plain words")
    func beyondVocabularyWording() throws {
        let dir = try Fixtures.temporaryDirectory()
        // 1,000 rows of 4 distinct values each; a vocab.txt of 300 tokens.
        let bytes = (0..<4000).flatMap { withUnsafeBytes(of: Float(Double($0 % 97) * 0.01 + 0.5).bitPattern.littleEndian, Array.init) }
        let file = SafetensorsWriter(entries: [.init(name: "model.embed_tokens.weight", dtype: .f32, shape: [1000, 4], bytes: bytes)])
        try Data(file.serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        try Data(#"{"model_type": "llama", "pad_token_id": 0}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        try Data((["[PAD]"] + (1..<300).map { "tok\($0)" }).joined(separator: "\n").appending("\n").utf8)
            .write(to: dir.appendingPathComponent("vocab.txt"))
        let result = try CLI.run(["audit", dir.path, "--format", "html"])
        #expect(!result.stdout.contains("vocabularys"), "\(result.stdout.prefix(2000))")
        #expect(result.stdout.contains("700 rows beyond the vocabulary"), "\(result.stderr)")
    }

    @Test("no tie group that is a finding: the page does not say no tensor is saved twice when ties has a constant group")
    func tieGroupsWording() throws {
        // Two all-zero biases: `ties` calls them a constant group (1 KiB wasted), no finding.
        let zeros = [UInt8](repeating: 0, count: 256 * 4)
        let file = SafetensorsWriter(entries: ["a.bias", "b.bias"].map { .init(name: $0, dtype: .f32, shape: [256], bytes: zeros) })
        let path = try Fixtures.temporaryFile(file.serialize())
        let ties = try CLI.run(["ties", path])
        #expect(ties.stdout.contains("constant: F32 [256]"), "\(ties.stdout)")
        let result = try CLI.run(["audit", path, "--format", "html"])
        #expect(!result.stdout.contains("No tensors saved twice"))
        #expect(result.stdout.contains("No tie group is a finding"), "\(result.stdout.suffix(3000))")
    }

    @Test("padding --format html: the pad-row facts above the same charts")
    func paddingPage() throws {
        let result = try CLI.run(["padding", Fixtures.path("toy-bert/model.safetensors"), "--format", "html"])
        #expect(result.status == 0, "\(result.stderr)")
        let page = try Self.parse(result.stdout)
        #expect(Set(page.elements.keys).isSubset(of: Self.allowedElements))
        #expect(page.elements["svg"] == 4)
        #expect(page.text.contains("bert.embeddings.word_embeddings.weight: pad row 0 has norm 0.083409, NOT zero, rank 1 of 1000"))
        #expect(result.stdout.contains("data-mark=\"pad row\" data-row=\"0\""))
    }

    @Test("an unreadable checkpoint with --output still gets a page, saying so; exit 2")
    func errorPage() throws {
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("report.html")
        let result = try CLI.run(["audit", Fixtures.path("bad/invalid-offset--overlap.safetensors"), "--format", "html",
                                  "--output", file.path])
        #expect(result.status == 2)
        let page = try Self.parse(try String(contentsOf: file, encoding: .utf8))
        #expect(page.text.contains("invalid-offset"))
    }

    // MARK: A real browser

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs headless Chromium on `file` with `arguments`; stdout is what it prints.
    static func browser(_ arguments: [String], file: String) throws -> CLIResult {
        let command = ([chromium ?? "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
            + arguments + ["file://" + file]).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try CLI.run([], timeout: 120, shell: command.joined(separator: " ") + " 2>/dev/null")
    }

    @Test("in headless Chromium: the DOM has the plot, the pad-row marker and the names; a screenshot lands in .build/",
          .enabled(if: chromium != nil, "no Chromium installed (apt-get install chromium; `make report` does)"))
    func inBrowser() throws {
        let folder = Fixtures.root.deletingLastPathComponent().appendingPathComponent(".build/report")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let page = folder.appendingPathComponent("toy-bert.html").path
        #expect(try CLI.run(["audit", Fixtures.path("toy-bert"), "--format", "html", "--output", page]).status == 0)
        let dom = try Self.browser(["--dump-dom"], file: page)
        #expect(dom.stdout.contains("<svg"))
        #expect(dom.stdout.contains("data-mark=\"pad row\""))
        #expect(dom.stdout.contains("bert.embeddings.word_embeddings.weight"))
        let screenshot = folder.appendingPathComponent("toy-bert.png").path
        _ = try Self.browser(["--window-size=1100,1600", "--screenshot=\(screenshot)"], file: page)
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")

        // The hostile page: after the browser loaded it, no script ran and no element was injected.
        let path = try Self.hostileCheckpoint()
        let hostile = folder.appendingPathComponent("hostile.html").path
        _ = try CLI.run(["audit", path, "--format", "html", "--tensor", Self.hostile[0], "--output", hostile])
        let hostileDOM = try Self.browser(["--dump-dom"], file: hostile).stdout
        #expect(hostileDOM.contains("<svg"))
        #expect(!hostileDOM.contains("<script") && !hostileDOM.contains("<img"))
        #expect(!hostileDOM.contains("<title>pwned"))
    }
}
