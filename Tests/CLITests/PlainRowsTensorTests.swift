import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// A `--tensor` choice named like neither an input embedding nor an output projection (a
/// position embedding, a query projection) has rows that are not tokens: `tokens` and `audit`
/// name none of them by token, sort none into token categories, and say why in a note; the
/// plain row statistics stay. And a token matrix with no ordinary token to rank says why it has
/// no threshold.
@Suite struct PlainRowsTensorTests {
    static let position = "embeddings.position_embeddings.weight"
    static let note = "rows of embeddings.position_embeddings.weight are not tokens by its name (not an input embedding or output projection)"

    /// The real all-MiniLM-L6-v2 tokenizer and config beside a [16, 1] F32 position embedding:
    /// row k holds 1 + k/100, except row 5 (0.1) and row 9 (5.0). By hand: median
    /// (1.07 + 1.08) / 2 = 1.075, MAD 0.05 (the 8th and 9th absolute deviations, 0.045 and
    /// 0.055), so row 5's modified z is 0.6745 × −0.975 / 0.05 ≈ −13.2, row 9's ≈ +52.9 and no
    /// other row's |z| exceeds 1.02. By the MiniLM vocabulary row 5 is "[unused4]" and row 9
    /// "[unused8]": names a position row must not get.
    static func folder() throws -> String {
        let values: [Float] = (0..<16).map { k in k == 5 ? 0.1 : k == 9 ? 5 : 1 + Float(k) / 100 }
        let entry = SafetensorsWriter.Entry(name: position, dtype: .f32, shape: [16, 1],
                                            bytes: values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [entry]).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        for name in ["config.json", "tokenizer.json", "vocab.txt", "special_tokens_map.json", "tokenizer_config.json"] {
            try Fixtures.data("real/all-minilm-l6-v2/" + name).write(to: dir.appendingPathComponent(name))
        }
        return dir.path
    }

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func findings(_ report: [String: Any], _ rule: String) -> [[String: Any]] {
        (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == rule }
    }

    @Test("audit --tensor a position embedding: outlier-rows for both outlying rows, unnamed, with the note; no untrained-tokens")
    func auditPosition() throws {
        let report = try Self.json(["audit", try Self.folder(), "--tensor", Self.position])
        #expect(Self.findings(report, "untrained-tokens").isEmpty)
        let outliers = Self.findings(report, "outlier-rows")
        #expect(outliers.count == 1)
        let evidence = try #require(outliers.first?["evidence"] as? [String: Any])
        // Both the low row 5 and the high row 9: plain rows, not a low token left to untrained-tokens.
        #expect(evidence["rows"] as? Int == 2 && evidence["top_row"] as? Int == 9)
        #expect(evidence["top_token"] == nil)
        let message = try #require(outliers.first?["message"] as? String)
        #expect(message.contains(Self.note), "\(message)")
        #expect(!message.contains("[unused"), "\(message)")
    }

    @Test("tokens --tensor a position embedding: no vocabulary comparison, no known-unused tokens, no indicator; a note says why")
    func tokensPosition() throws {
        let dir = try Self.folder()
        let report = try Self.json(["tokens", dir, "--tensor", Self.position])
        let matrix = try #require((report["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["vocab_size"] is NSNull && matrix["tokens_beyond_rows"] is NSNull)
        #expect(matrix["unused_tokens"] as? Int == 0)
        #expect(matrix["indicator"] is NSNull)
        #expect((matrix["candidates"] as? [Any])?.isEmpty == true)
        #expect((matrix["notes"] as? [String] ?? []).contains { $0.hasPrefix(Self.note) }, "\(matrix)")
        #expect((report["findings"] as? [Any])?.isEmpty == true)
        let text = try CLI.run(["tokens", dir, "--tensor", Self.position]).stdout
        #expect(!text.contains("known unused") && !text.contains("candidates by") && !text.contains("[unused"), "\(text)")
        #expect(text.contains("  note: " + Self.note), "\(text)")
    }

    @Test("audit --tensor the real MiniLM query matrix: numpy's 30 outlying rows, none named by token")
    func auditQuery() throws {
        let expected = try #require((try Fixtures.json("knowledge/minilm-norms/expected.json") as? [String: Any])?["attention"] as? [String: Any])
        let name = try #require(expected["tensor"] as? String)
        let report = try Self.json(["audit", try TokenAuditCLITests.miniLMFolder(), "--tensor", name])
        let outliers = Self.findings(report, "outlier-rows")
        let evidence = try #require(outliers.first?["evidence"] as? [String: Any])
        #expect(evidence["rows"] as? Int == expected["outlier_rows"] as? Int)
        #expect(evidence["top_token"] == nil)
        #expect((outliers.first?["message"] as? String)?.contains("rows of \(name) are not tokens by its name") == true)
        #expect(Self.findings(report, "untrained-tokens").isEmpty)
    }

    @Test("a token matrix whose rows are all special or known unused: the note gives the count of each")
    func noOrdinaryToken() throws {
        // 8 rows: [PAD] and [CLS] special (special_tokens_map.json), [unused0]…[unused5] unused by name.
        let values: [Float] = (0..<16).map { Float($0 + 1) }
        let entry = SafetensorsWriter.Entry(name: "model.embed_tokens.weight", dtype: .f32, shape: [8, 2],
                                            bytes: values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [entry]).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        let vocab = ["[PAD]", "[CLS]"] + (0..<6).map { "[unused\($0)]" }
        try Data((vocab.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        try Data(#"{"pad_token": "[PAD]", "cls_token": "[CLS]"}"#.utf8).write(to: dir.appendingPathComponent("special_tokens_map.json"))
        try Data(#"{"model_type": "llama"}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        let matrix = try #require((try Self.json(["tokens", dir.path])["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["threshold"] is NSNull && matrix["candidates_total"] as? Int == 0)
        #expect(matrix["notes"] as? [String] == ["no ordinary token has a finite score, so the percentile has nothing to rank and there are no candidates: of 8 rows, 2 special, 6 known unused"])
    }

    @Test("a custom-named matrix with config.json's vocab_size rows pinned with --tensor keeps its rows as tokens")
    func customNamedEmbedding() throws {
        // 30,522 rows, config.json's vocab_size: what a user pins an embedding the names miss for.
        let rows = 30522
        let values = (0..<rows).map { Float(1 + $0 % 7) }
        let entry = SafetensorsWriter.Entry(name: "encoder.emb.weight", dtype: .f32, shape: [UInt64(rows), 1],
                                            bytes: values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [entry]).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        for name in ["config.json", "tokenizer.json", "vocab.txt", "special_tokens_map.json", "tokenizer_config.json"] {
            try Fixtures.data("real/all-minilm-l6-v2/" + name).write(to: dir.appendingPathComponent(name))
        }
        // Its rows are token ids: tokens counts the vocabulary's unused tokens among them (the
        // [unusedN] entries and the tokens its pre-tokenizer never yields, as tokenizers found them).
        let vocab = try #require(String(data: Fixtures.data("real/all-minilm-l6-v2/vocab.txt"), encoding: .utf8))
        let isolated = try #require(try Fixtures.json("knowledge/minilm-isolated-continuations.json") as? [String: Any])
        let unused = try #require(isolated["unreachable_ids"] as? [Int]).count
        let text = try CLI.run(["tokens", dir.path, "--tensor", "encoder.emb.weight"])
        #expect(text.stdout.contains("known unused: \(unused) tokens"), "\(text.stdout)")
        // rows names them as tokens and audit do: vocab.txt's lines 101 and 102.
        let lines = vocab.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let listed = try Self.json(["rows", dir.path, "--tensor", "encoder.emb.weight", "--rows", "101..103"])
        #expect((listed["rows"] as? [[String: Any]])?.map { $0["token"] as? String } == [lines[101], lines[102]], "\(listed["rows"] ?? "none")")
        #expect(!text.stdout.contains("are not tokens by its name"), "\(text.stdout)")
    }

    @Test("padding of a position embedding pinned with --tensor names no pad token")
    func paddingNamesNoToken() throws {
        let report = try Self.json(["audit", try Self.folder(), "--tensor", Self.position])
        let pad = Self.findings(report, "padding-row-nonzero")
        #expect(pad.count == 1, "\(report["findings"] ?? "none")")
        #expect((pad.first?["message"] as? String)?.contains("[PAD]") == false, "\(pad)")
        #expect((pad.first?["evidence"] as? [String: Any])?["pad_token"] == nil, "\(pad)")
        // Row 0 is position 0, not a pad token's: info, saying why it was checked (it was a
        // warning that "nothing accounts for it"; helper-149 on ALBERT's position embedding).
        #expect(pad.first?["severity"] as? String == "info", "\(pad)")
        #expect((pad.first?["message"] as? String)?.contains("are not tokens by its name, so row 0 is checked only because --tensor chose the matrix") == true,
                "\(pad)")
        // padding compares no known-unused token rows with it: its rows are not tokens.
        let padding = try Self.json(["padding", try Self.folder(), "--tensor", Self.position])
        let embedding = try #require((padding["embeddings"] as? [[String: Any]])?.first)
        #expect(embedding["unused_rows"] == nil || embedding["unused_rows"] is NSNull, "\(embedding)")
    }
}
