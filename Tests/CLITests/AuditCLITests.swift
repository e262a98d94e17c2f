import Foundation
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `audit` as CI uses it: exit codes, policy, and the four output formats.
@Suite struct AuditCLITests {
    @Test("a rule at two severities gets a heading each, each counting its own findings")
    func headingCountsPerSeverity() throws {
        // short-rows.safetensors: duplicate-rows is a warning for "wide" (512 bits a row) and
        // info for "column" and "flags" (short-rows.json: their row bits).
        let text = try CLI.run(["audit", Fixtures.path("analysis/short-rows.safetensors")]).stdout
        #expect(text.contains("\nwarning duplicate-rows (1): ") && text.contains("\ninfo duplicate-rows (2): "), "\(text)")
    }

    static let oddNames = Fixtures.path("edge/odd-names.safetensors")
    static let schema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/audit-report.schema.json")

    static func jsonReport(_ arguments: [String]) throws -> (CLIResult, [String: Any]) {
        let result = try CLI.run(["audit"] + arguments + ["--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (result, object)
    }

    @Test("tensors without row statistics are named by statistics-skipped (info), not passed over in silence")
    func statisticsSkipped() throws {
        // 1,048,577 one-byte rows: one past the per-tensor limit of 1,048,576 rows.
        let rows = (1 << 20) + 1
        let big = SafetensorsWriter(entries: [.init(name: "embed_tokens.weight", dtype: .u8, shape: [UInt64(rows), 1],
                                                    bytes: [UInt8](repeating: 1, count: rows))]).serialize()
        let path = try Fixtures.temporaryFile(big)
        let (result, report) = try Self.jsonReport([path, "--pad-id", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try JSONSchemaCheck(schemaFile: Self.schema).violations(of: report) == [])
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["statistics-skipped"])
        #expect(findings.first?["tensors"] as? [String] == ["embed_tokens.weight"])
        #expect(findings.first?["severity"] as? String == "info")
        #expect((findings.first?["message"] as? String)?.contains("more than 1048576 rows") == true, "\(findings)")
        // C64 has no statistics either: the fixture's one complex tensor, and only it.
        let (_, stats) = try Self.jsonReport([Fixtures.path("analysis/stats.safetensors")])
        let skipped = (stats["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "statistics-skipped" }
        #expect(skipped.map { $0["tensors"] as? [String] } == [["complex"]])
        // Every tensor of toy-bert has statistics: no such finding.
        let (_, plain) = try Self.jsonReport([Fixtures.path("toy-bert")])
        #expect(!(plain["findings"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "statistics-skipped" })
    }

    @Test("a token matrix past the scan's row budget is still read: pad row and row checks, no statistics-skipped")
    func tokenMatrixPastBudget() throws {
        // 1,048,570 one-byte rows spend the budget (max(1,048,576, data bytes / 16)) before the
        // 100 × 2 embedding, whose row 3 is (3, 4): norm 5 by hand; the other rows are (1, 1).
        let filler = 1_048_570
        var values = [Float](repeating: 1, count: 200)
        values[6] = 3
        values[7] = 4
        let embedding = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: [
            .init(name: "filler", dtype: .u8, shape: [UInt64(filler), 1], bytes: [UInt8](repeating: 7, count: filler)),
            .init(name: "model.embed_tokens.weight", dtype: .f32, shape: [100, 2], bytes: embedding),
        ]).serialize())
        let (result, report) = try Self.jsonReport([path, "--pad-id", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(!findings.contains { $0["rule"] as? String == "statistics-skipped" }, "\(findings)")
        let pad = try #require(findings.first { $0["rule"] as? String == "padding-row-nonzero" })
        #expect(Fixtures.number((pad["evidence"] as? [String: Any])?["row_norm"] as Any) == 5)
        // The row rules read it too: 99 identical rows (1, 1).
        let duplicates = findings.filter { $0["rule"] as? String == "duplicate-rows" }.compactMap { $0["tensors"] as? [String] }
        #expect(duplicates.contains(["model.embed_tokens.weight"]), "\(duplicates)")
        // `rows` keeps its budget: the embedding is listed as skipped there.
        let rows = try CLI.run(["rows", path, "--json"])
        #expect(rows.stdout.contains("\"tensor\": \"model.embed_tokens.weight\"") && rows.stdout.contains("budget of"), "\(rows.stdout.prefix(3000))")
    }

    @Test("many tensors named like embeddings are read within a row budget of their own; the rest are statistics-skipped")
    func tokenMatrixBudget() throws {
        // Three U8 [1048576, 1] "embeddings": the budget (max(1,048,576, 3 MiB / 16) rows) holds one.
        let rows = 1 << 20
        let entries = (0..<3).map { i in
            SafetensorsWriter.Entry(name: "m\(i).embed_tokens.weight", dtype: .u8, shape: [UInt64(rows), 1],
                                    bytes: [UInt8](repeating: UInt8(i + 1), count: rows))
        }
        let (result, report) = try Self.jsonReport([try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize())])
        #expect([0, 1].contains(result.status), "\(result.stderr)")
        let skipped = (report["findings"] as? [[String: Any]] ?? []).first { $0["rule"] as? String == "statistics-skipped" }
        #expect(skipped?["tensors"] as? [String] == ["m1.embed_tokens.weight", "m2.embed_tokens.weight"], "\(String(describing: skipped))")
    }

    @Test("tensors whose names are canonically equivalent (é precomposed, e + U+0301) are two matrices in audit, padding and tokens")
    func canonicallyEquivalentNames() throws {
        let precomposed = "emb\u{E9}.weight", decomposed = "embe\u{301}.weight"
        #expect(precomposed == decomposed && Array(precomposed.utf8) != Array(decomposed.utf8))
        // Row 1 is (3, 4) in the first, (6, 8) in the second: pad-row norms 5 and 10 by hand.
        func matrix(_ name: String, scale: Float) -> SafetensorsWriter.Entry {
            let values: [Float] = [1, 1, 3 * scale, 4 * scale, 2, 1, 1, 2]
            return .init(name: name, dtype: .f32, shape: [4, 2], bytes: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        }
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: [matrix(precomposed, scale: 1), matrix(decomposed, scale: 2)]).serialize())
        for (name, norm) in [(precomposed, 5.0), (decomposed, 10.0)] {
            let (result, report) = try Self.jsonReport([path, "--pad-id", "1", "--tensor", name])
            #expect(result.status == 0, "\(result.stderr)")
            let pad = try #require((report["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "padding-row-nonzero" })
            #expect((pad["tensors"] as? [String]).map { $0.map { Array($0.utf8) } } == [Array(name.utf8)])
            #expect(Fixtures.number((pad["evidence"] as? [String: Any])?["row_norm"] as Any) == norm)
        }
        // Byte-identical matrices under the two names: each is tied with the other.
        let twins = try Fixtures.temporaryFile(SafetensorsWriter(entries: [matrix(precomposed, scale: 1), matrix(decomposed, scale: 1)]).serialize())
        let padding = try CLI.run(["padding", twins, "--pad-id", "0", "--tensor", precomposed, "--json"])
        let embedding = ((try JSONSerialization.jsonObject(with: Data(padding.stdout.utf8)) as? [String: Any])?["embeddings"] as? [[String: Any]])?.first
        #expect((embedding?["tied_with"] as? [String]).map { $0.map { Array($0.utf8) } } == [Array(decomposed.utf8)], "\(padding.stdout)")
        // A tensor named like the config-shaped embedding, but of another shape, is no token matrix.
        let config = try Fixtures.temporaryDirectory()
        var rows = [Float](repeating: 1, count: 60 * 8)
        for j in 0..<8 { rows[7 * 8 + j] = 0.01 }  // one row far below the others: outlying in a token matrix
        try Data(SafetensorsWriter(entries: [
            .init(name: precomposed, dtype: .f32, shape: [100, 8], bytes: [Float](repeating: 1, count: 800).flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }),
            .init(name: decomposed, dtype: .f32, shape: [60, 8], bytes: rows.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }),
        ]).serialize()).write(to: config.appendingPathComponent("model.safetensors"))
        try Data(#"{"vocab_size": 100, "hidden_size": 8}"#.utf8).write(to: config.appendingPathComponent("config.json"))
        let (_, shaped) = try Self.jsonReport([config.path])
        let tokenFindings = (shaped["findings"] as? [[String: Any]] ?? []).filter {
            ["outlier-rows", "untrained-tokens"].contains($0["rule"] as? String ?? "")
        }
        #expect(!tokenFindings.contains { ($0["tensors"] as? [String])?.contains { Array($0.utf8) == Array(decomposed.utf8) } == true }, "\(tokenFindings)")
        let tokens = try CLI.run(["tokens", path, "--tensor", precomposed, "--tensor", decomposed, "--json"])
        let listed = (try JSONSerialization.jsonObject(with: Data(tokens.stdout.utf8)) as? [String: Any])?["embeddings"] as? [[String: Any]]
        #expect(listed?.compactMap { ($0["tensor"] as? String).map { Array($0.utf8) } } == [Array(precomposed.utf8), Array(decomposed.utf8)])
    }

    @Test("odd tensor names are warnings: reported, exit 0; the JSON matches the committed schema")
    func warningsPass() throws {
        let (result, report) = try Self.jsonReport([Self.oddNames])
        #expect(result.status == 0)
        #expect(try JSONSchemaCheck(schemaFile: Self.schema).violations(of: report) == [])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let suspicious = findings.filter { $0["rule"] as? String == "suspicious-name" }
        // The fixture holds three hostile names: NUL, an escape sequence, and a path.
        #expect(suspicious.count == 3)
        #expect(Set(suspicious.compactMap { ($0["tensors"] as? [String])?.first }) ==
                ["a\u{0}b", "\u{1B}[31mred\u{1B}[0m", "../../etc/passwd"])
        #expect((report["summary"] as? [String: Any])?["passed"] as? Bool == true)
    }

    @Test("--fail-on turns a rule's findings into exit 1")
    func failOn() throws {
        let result = try CLI.run(["audit", Self.oddNames, "--fail-on", "suspicious-name"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAILED"))
        #expect(try CLI.run(["audit", Self.oddNames, "--fail-on", "no-such-rule"]).status == 64)
    }

    @Test("a policy sets severities, switches rules off, and is checked for typos")
    func policy() throws {
        let dir = try Fixtures.temporaryDirectory()
        let strict = dir.appendingPathComponent("strict.json")
        try Data(#"{"rules": {"suspicious-name": {"severity": "error"}}}"#.utf8).write(to: strict)
        #expect(try CLI.run(["audit", Self.oddNames, "--policy", strict.path]).status == 1)

        let off = dir.appendingPathComponent("off.json")
        try Data(#"{"rules": {"suspicious-name": {"severity": "off"}}}"#.utf8).write(to: off)
        let (result, report) = try Self.jsonReport([Self.oddNames, "--policy", off.path])
        #expect(result.status == 0)
        // A fail_on rule the same policy switches off could never fail: refused (PolicyStrictnessTests).
        let contradictory = dir.appendingPathComponent("contradictory.json")
        try Data(#"{"rules": {"suspicious-name": {"severity": "off"}}, "fail_on": ["suspicious-name"]}"#.utf8).write(to: contradictory)
        #expect(try CLI.run(["audit", Self.oddNames, "--policy", contradictory.path]).status == 2)
        #expect((report["findings"] as? [[String: Any]])?.contains { $0["rule"] as? String == "suspicious-name" } == false)

        let typo = dir.appendingPathComponent("typo.json")
        try Data(#"{"rules": {"suspicous-name": {"severity": "error"}}}"#.utf8).write(to: typo)
        let bad = try CLI.run(["audit", Self.oddNames, "--policy", typo.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("unknown rule \"suspicous-name\"; did you mean \"suspicious-name\"?"), "\(bad.stderr)")
        // In fail_on too, and a rule in capitals is its lower-case id, as `--fail-on` says (review-63b L7).
        let capitals = dir.appendingPathComponent("capitals.json")
        try Data(#"{"fail_on": ["NAN-VALUES"]}"#.utf8).write(to: capitals)
        let shouted = try CLI.run(["audit", Self.oddNames, "--policy", capitals.path])
        #expect(shouted.status == 2 && shouted.stderr.contains("unknown rule \"NAN-VALUES\" in fail_on; rule ids are lower case: did you mean \"nan-values\"?"),
                "\(shouted.stderr)")
        let far = dir.appendingPathComponent("far.json")
        try Data(#"{"rules": {"frobnicate": {"severity": "error"}}}"#.utf8).write(to: far)
        let nothingClose = try CLI.run(["audit", Self.oddNames, "--policy", far.path])
        #expect(nothingClose.status == 2 && nothingClose.stderr.contains("unknown rule \"frobnicate\"") && !nothingClose.stderr.contains("did you mean"))
    }

    @Test("JUnit XML: well-formed, one test case per rule, failures for failing rules")
    func junit() throws {
        let result = try CLI.run(["audit", Self.oddNames, "--format", "junit", "--fail-on", "suspicious-name"])
        #expect(result.status == 1)
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(result.stdout.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "XML must be well-formed: \(String(describing: parser.parserError))")
        let ruleCount = try #require((try Self.jsonReport([Self.oddNames]).1["rules"] as? [Any])?.count)
        #expect(collector.counts["testcase"] == ruleCount)
        #expect(collector.counts["failure"] == 1)
        #expect(collector.failedCases == ["suspicious-name"])
    }

    @Test("SARIF 2.1.0: one result per finding, each pointing at a declared rule")
    func sarif() throws {
        let result = try CLI.run(["audit", Self.oddNames, "--format", "sarif"])
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(sarif["version"] as? String == "2.1.0")
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let ruleIDs = try #require((driver["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
        let results = try #require(run["results"] as? [[String: Any]])
        // Three suspicious names (no padding-unchecked: nothing says the file holds tokens).
        #expect(results.count == 3)
        for r in results {
            let id = try #require(r["ruleId"] as? String)
            let index = try #require(r["ruleIndex"] as? Int)
            #expect(ruleIDs[index] == id)
            #expect(["error", "warning", "note"].contains(r["level"] as? String ?? ""))
            #expect((r["message"] as? [String: Any])?["text"] is String)
        }
    }

    @Test("text output has no colour when not on a terminal, and --output writes the file")
    func textAndOutput() throws {
        let plain = try CLI.run(["audit", Self.oddNames])
        #expect(!plain.stdout.contains("\u{1B}["))
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("report.json")
        let result = try CLI.run(["audit", Self.oddNames, "--format", "json", "--output", file.path])
        #expect(result.status == 0 && result.stdout.isEmpty)
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        #expect(written?["schema_version"] as? Int == 2)
    }

    @Test("invalid input exits 2 from audit too")
    func invalidInput() throws {
        let result = try CLI.run(["audit", Fixtures.path("bad/invalid-offset--overlap.safetensors")])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("tensoraudit: error: "))
    }
}

/// Counts elements and records which test cases hold a failure.
final class XMLCollector: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var failedCases: [String] = []
    private var currentCase = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        if name == "testcase" { currentCase = attributes["name"] ?? "" }
        if name == "failure" { failedCases.append(currentCase) }
    }
}

/// Without a config.json the copies' bytes are the only evidence, and the finding says no config
/// speaks of the tie (hunt-53a D5: "tied weights saved 2 times, … bytes wasted" gave no basis).
@Suite struct TiedCopyBasisTests {
    @Test("toy BERT's weights alone, no config.json: the tied-copy finding ends with (no config.json)")
    func noConfig() throws {
        let dir = try Fixtures.temporaryDirectory()
        try Fixtures.data("toy-bert/model.safetensors").write(to: dir.appendingPathComponent("model.safetensors"))
        let report = try CLI.json(["audit", dir.path])
        let tied = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "tied-weights-duplicated" }
        #expect(tied.count == 1)
        #expect((tied.first?["message"] as? String)?.hasSuffix("256000 bytes wasted (no config.json)") == true, "\(tied)")
    }
}

/// The seed case end to end: the toy BERT's pad row is non-zero and the tied decoder copy is
/// found; numbers compared with what numpy computed when the fixture was generated.
@Suite struct AuditSeedCaseTests {
    @Test("toy BERT: tied weights saved twice, pad row explained by the tie")
    func seedCase() throws {
        let result = try CLI.run(["audit", Fixtures.path("toy-bert/model.safetensors"), "--format", "json"])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let schema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/audit-report.schema.json")
        #expect(try JSONSchemaCheck(schemaFile: schema).violations(of: report) == [])
        let expected = try #require(try Fixtures.json("expected/toy-bert.json") as? [String: Any])
        let embedding = try #require(expected["word_embeddings"] as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])

        let tied = findings.filter { $0["rule"] as? String == "tied-weights-duplicated" }
        #expect(tied.count == 1)
        #expect(tied.first?["tensors"] as? [String] == ["bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight"])
        #expect(tied.first?["severity"] as? String == "warning")
        // The basis in the message (hunt-53a D5): the config states no tie_word_embeddings, and
        // BertConfig defaults it to true (transformers 5.25's BertConfig()).
        #expect((tied.first?["message"] as? String)?.hasSuffix("bytes wasted (config.json leaves tie_word_embeddings out; BertConfig defaults it to true)") == true)

        let padding = try #require(findings.first { $0["rule"] as? String == "padding-row-nonzero" })
        let evidence = try #require(padding["evidence"] as? [String: Any])
        let norm = try #require(Fixtures.number(evidence["row_norm"] as Any))
        let expectedNorm = try #require(Fixtures.number(embedding["pad_row_norm"] as Any))
        #expect(closeEnough(norm, expectedNorm, relative: 1e-9))
        #expect((evidence["rank"] as? Int) == (embedding["pad_rank"] as? Int))
        #expect(padding["severity"] as? String == "info")
        #expect((padding["message"] as? String)?.contains("the matrix is tied (evidence: identical-bytes)") == true)
        #expect(evidence["tying_evidence"] as? String == "identical-bytes")

        // --fail-on makes the duplicated tie fail a CI job.
        #expect(try CLI.run(["audit", Fixtures.path("toy-bert/model.safetensors"), "--fail-on", "tied-weights-duplicated"]).status == 1)
    }
}

/// Every source consistency case of TestData/sources: `audit` reports the issues the generator
/// expects (by rule, severity and tensors) and fails exactly when one of them is an error.
@Suite struct AuditSourceTests {
    static let cases: [String] = {
        let expected = (try? Fixtures.json("expected/sources.json") as? [String: Any]) ?? [:]
        return expected.compactMap { name, value in
            ((value as? [String: Any])?["fatal"] is NSNull) ? name : nil
        }.sorted()
    }()

    @Test("source issues become findings", arguments: cases)
    func sourceCase(name: String) throws {
        let expected = try #require((try Fixtures.json("expected/sources.json") as? [String: Any])?[name] as? [String: Any])
        let issues = try #require(expected["issues"] as? [[String: Any]])
        let result = try CLI.run(["audit", Fixtures.path("sources/" + name), "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let schema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/audit-report.schema.json")
        #expect(try JSONSchemaCheck(schemaFile: schema).violations(of: report) == [])
        let findings = try #require(report["findings"] as? [[String: Any]])
        for issue in issues {
            let rule = try #require(issue["rule"] as? String)
            let match = findings.first {
                $0["rule"] as? String == rule && $0["tensors"] as? [String] == issue["tensors"] as? [String]
            }
            #expect(match != nil, "\(name): expected \(rule) on \(issue["tensors"] ?? [])")
            #expect(match?["severity"] as? String == issue["level"] as? String)
        }
        let anyError = issues.contains { $0["level"] as? String == "error" }
        // Other analyses could add errors (NaN etc.) but these fixtures hold plain values.
        #expect(result.status == (anyError ? 1 : 0), "\(name): \(result.stdout)")
    }
}

/// README deviations the reference accepts are reported as info, never as failures.
@Suite struct HeaderDeviationTests {
    @Test("leading whitespace and non-space padding fire header-deviation; a reference-written file does not",
          arguments: [("edge/leading-whitespace.safetensors", "leading_whitespace"),
                      ("edge/whitespace-padding.safetensors", "trailing_padding"),
                      ("toy-bert/model.safetensors", nil)])
    func deviation(file: String, evidenceKey: String?) throws {
        let result = try CLI.run(["audit", Fixtures.path(file), "--format", "json"])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "header-deviation" }
        if let evidenceKey {
            #expect(findings.count == 1)
            #expect(findings.first?["severity"] as? String == "info")
            #expect((findings.first?["evidence"] as? [String: Any])?[evidenceKey] != nil)
        } else {
            #expect(findings.isEmpty)
        }
    }
}

/// Policy thresholds drop findings whose measured evidence stays below them.
@Suite struct AuditThresholdTests {
    /// Two untied token matrices (outlier-rows checks token matrices only), each with one row
    /// far above the others, by different factors: two findings with two scores. (ties.safetensors
    /// served until its tied copy's finding joined the embedding's.)
    static let twoMatrices: String = {
        func matrix(_ name: String, scaling row: Int, by factor: Float) -> SafetensorsWriter.Entry {
            let values = (0..<32 * 8).map { index -> Float in
                let (i, j) = (index / 8, index % 8)
                return (1 + 0.05 * Float((i * 7 + j * 3) % 11)) * (i == row ? factor : 1)
            }
            return SafetensorsWriter.Entry(name: name, dtype: .f32, shape: [32, 8],
                                           bytes: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        }
        let entries = [matrix("model.embed_tokens.weight", scaling: 5, by: 3), matrix("lm_head.weight", scaling: 9, by: 6)]
        return (try? Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize(), name: "two-matrices.safetensors")) ?? ""
    }()

    static func outlierFindings(threshold: Double?) throws -> [String: Double] {
        var arguments = ["audit", Self.twoMatrices, "--format", "json"]
        if let threshold {
            let policy = try Fixtures.temporaryDirectory().appendingPathComponent("policy.json")
            try Data(#"{"rules": {"outlier-rows": {"threshold": \#(threshold)}}}"#.utf8).write(to: policy)
            arguments += ["--policy", policy.path]
        }
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        var scores: [String: Double] = [:]
        for finding in report["findings"] as? [[String: Any]] ?? [] where finding["rule"] as? String == "outlier-rows" {
            let tensor = (finding["tensors"] as? [String])?.first ?? ""
            scores[tensor] = Fixtures.number((finding["evidence"] as? [String: Any])?["top_score"] as Any)
        }
        return scores
    }

    @Test("outlier-rows threshold keeps exactly the findings whose |top_score| reaches it")
    func outlierThreshold() throws {
        let unfiltered = try Self.outlierFindings(threshold: nil)
        #expect(unfiltered.count >= 2)
        // Put the threshold between the two smallest distinct scores: every finding at or above
        // it stays, the rest go; then above the largest: nothing stays.
        let magnitudes = Set(unfiltered.values.map(abs)).sorted()
        let cut = magnitudes.count > 1 ? (magnitudes[0] + magnitudes[1]) / 2 : magnitudes[0] / 2
        let expected = Set(unfiltered.filter { abs($0.value) >= cut }.keys)
        #expect(Set(try Self.outlierFindings(threshold: cut).keys) == expected)
        #expect(expected.count < unfiltered.count || magnitudes.count == 1)
        #expect(try Self.outlierFindings(threshold: (magnitudes.last ?? 0) + 1).isEmpty)
    }

    @Test("a threshold on a rule that measures nothing is a policy error")
    func thresholdWithoutMeasure() throws {
        let policy = try Fixtures.temporaryDirectory().appendingPathComponent("policy.json")
        try Data(#"{"rules": {"nan-values": {"threshold": 2}}}"#.utf8).write(to: policy)
        let result = try CLI.run(["audit", Fixtures.path("toy-bert/model.safetensors"), "--policy", policy.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("has no threshold"))
    }
}
