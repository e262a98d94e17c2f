import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// `audit` on the real all-MiniLM-L6-v2 row norms (TestData/knowledge/minilm-norms) beside its
/// real tokenizer and config: the findings a user acts on, checked against numpy and tokenizers
/// (expected.json), never against our own output.
@Suite struct TokenAuditCLITests {
    /// A model folder: the norms checkpoint plus the real config and tokenizer files.
    static func miniLMFolder() throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        try Fixtures.data("knowledge/minilm-norms/model.safetensors").write(to: dir.appendingPathComponent("model.safetensors"))
        for name in ["config.json", "tokenizer.json", "vocab.txt", "special_tokens_map.json", "tokenizer_config.json"] {
            try Fixtures.data("real/all-minilm-l6-v2/" + name).write(to: dir.appendingPathComponent(name))
        }
        return dir.path
    }

    static func expected() throws -> [String: Any] {
        try #require((try Fixtures.json("knowledge/minilm-norms/expected.json") as? [String: Any])?["embedding"] as? [String: Any])
    }

    static func audit(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try CLI.run(["audit"] + arguments + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try #require(report["findings"] as? [[String: Any]])
    }

    @Test("real MiniLM norms: two findings (pad row, untrained tokens); attention outliers are not reported")
    func miniLMAudit() throws {
        let e = try Self.expected()
        let attention = try #require((try Fixtures.json("knowledge/minilm-norms/expected.json") as? [String: Any])?["attention"] as? [String: Any])
        // The attention matrix does have outlying rows by the robust score: the rule skips it on purpose.
        #expect((attention["outlier_rows"] as? Int ?? 0) > 0)
        // duplicate-rows is left out: storing each row as its norm makes rows of equal norm identical
        // (the real matrix has no duplicate rows).
        let findings = try Self.audit([try Self.miniLMFolder()]).filter { $0["rule"] as? String != "duplicate-rows" }
        #expect(findings.map { $0["rule"] as? String ?? "" }.sorted() == ["padding-row-nonzero", "untrained-tokens"])
        let untrained = try #require(findings.first { $0["rule"] as? String == "untrained-tokens" })
        let evidence = try #require(untrained["evidence"] as? [String: Any])
        #expect(evidence["rows"] as? Int == e["low_rows"] as? Int)
        #expect(evidence["known_unused"] as? Int == e["known_unused"] as? Int)
        #expect(evidence["special"] as? Int == e["special"] as? Int)
        #expect(evidence["ordinary"] as? Int == e["ordinary"] as? Int)
        #expect(evidence["unnamed"] as? Int == 0)  // the tokenizer names every flagged row
        #expect(evidence["lowest_row"] as? Int == e["lowest_row"] as? Int)
        #expect(evidence["lowest_token"] as? String == e["lowest_token"] as? String)
        #expect(closeEnough(Fixtures.number(evidence["median_norm"] as Any) ?? 0, Fixtures.number(e["median_norm"] as Any) ?? 1))
        #expect(untrained["severity"] as? String == "info")
        // numpy ranks the pad row 3036th of 30522 by norm, far above the flagged rows: not named as the pad row.
        if let rank = e["pad_rank"] as? Int, let low = e["low_rows"] as? Int, rank > low { #expect(evidence["pad_row"] == nil) }
        for token in e["special_tokens"] as? [String] ?? [] {
            #expect((untrained["message"] as? String)?.contains("\"\(token)\"") == true)
        }
        let padding = try #require(findings.first { $0["rule"] as? String == "padding-row-nonzero" })
        let padEvidence = try #require(padding["evidence"] as? [String: Any])
        #expect(padEvidence["pad_token"] as? String == e["pad_token"] as? String)
        #expect(padEvidence["rank"] as? Int == e["pad_rank"] as? Int)
        // BertModel has no output projection (TestData/real/all-minilm-l6-v2/expected.json, from
        // transformers): nothing is tied now; BertConfig ties by default (model-type-defaults.json),
        // so a pre-training head of the type would have been tied: info, saying the files cannot show it.
        #expect(padEvidence["tying_evidence"] as? String == "architecture" && padEvidence["tied"] as? Bool == false)
        #expect(padEvidence["architectures"] as? [String] == ["BertModel"] && (padding["message"] as? String)?.contains("(\"BertModel\")") == true)
        let defaults = try #require(try Fixtures.json("knowledge/model-type-defaults.json") as? [String: Any])
        let bert = try #require(((defaults["model_types"] as? [String: Any]) ?? defaults)["bert"] as? [String: Any])
        #expect(bert["tie_word_embeddings"] as? Bool == true)
        #expect(padEvidence["pretraining_tie"] as? Bool == true)
        #expect((padding["message"] as? String)?.contains("whether it was pre-trained so, the files cannot show") == true)
        #expect(padding["severity"] as? String == "info")
    }

    @Test("audit --pad-id and --tensor pin the pad row and the token matrix; the policy keys do the same")
    func pinned() throws {
        let dir = try Self.miniLMFolder()
        let e = try Self.expected()
        let pinned = try Self.audit([dir, "--pad-id", "5"])
        let padding = try #require(pinned.first { $0["rule"] as? String == "padding-row-nonzero" })
        let evidence = try #require(padding["evidence"] as? [String: Any])
        #expect(evidence["pad_id"] as? Int == 5 && evidence["pad_id_source"] as? String == "flag")
        #expect(evidence["pad_token"] as? String == "[unused4]")
        // Naming the attention matrix makes it the token matrix: its outliers are reported, the embedding's are not.
        let attention = "encoder.layer.0.attention.self.query.weight"
        let named = try Self.audit([dir, "--tensor", attention, "--pad-id", "0"])
        #expect(!named.contains { $0["rule"] as? String != "duplicate-rows" && ($0["tensors"] as? [String])?.contains(e["tensor"] as? String ?? "") == true })
        #expect(named.contains { $0["rule"] as? String == "untrained-tokens" || $0["rule"] as? String == "outlier-rows" })
        let policy = try Fixtures.temporaryFile(Array(#"{"pad_id": 5, "tensor": ["embeddings.word_embeddings.weight"]}"#.utf8), name: "policy.json")
        let fromPolicy = try Self.audit([dir, "--policy", policy])
        #expect(fromPolicy.contains { ($0["evidence"] as? [String: Any])?["pad_id"] as? Int == 5 })
        // The flag wins over the policy.
        let both = try Self.audit([dir, "--policy", policy, "--pad-id", "0"])
        #expect(both.contains { ($0["evidence"] as? [String: Any])?["pad_id"] as? Int == 0 })
    }

    @Test("a broken tokenizer.json is a tokenizer-unreadable warning naming it; the pad id still comes from config.json")
    func unreadableTokenizer() throws {
        let dir = try Self.miniLMFolder()
        try Data(#"{"model": {"type": "WordPiece", "vocab": {"a": 0, "a": 1}}}"#.utf8).write(to: URL(fileURLWithPath: dir + "/tokenizer.json"))
        let findings = try Self.audit([dir])
        let unreadable = try #require(findings.first { $0["rule"] as? String == "tokenizer-unreadable" })
        #expect(unreadable["severity"] as? String == "warning")
        #expect((unreadable["evidence"] as? [String: Any])?["file"] as? String == dir + "/tokenizer.json")
        let padding = try #require(findings.first { $0["rule"] as? String == "padding-row-nonzero" })
        let evidence = try #require(padding["evidence"] as? [String: Any])
        #expect(evidence["pad_id_source"] as? String == "config" && evidence["pad_token"] == nil)
        // The intact folder has no such finding.
        #expect(!(try Self.audit([try Self.miniLMFolder()])).contains { $0["rule"] as? String == "tokenizer-unreadable" })
    }

    @Test("bad pins: an unknown --tensor is exit 2 naming it; a policy pad_id that is not an id is exit 2",
          arguments: [#"{"pad_id": -1}"#, #"{"pad_id": 1.5}"#, #"{"pad_id": "0"}"#, #"{"tensor": 3}"#, #"{"tensor": [1]}"#])
    func badPins(policyText: String) throws {
        let dir = try Self.miniLMFolder()
        let missing = try CLI.run(["audit", dir, "--tensor", "nope"])
        #expect(missing.status == 2 && missing.stderr.contains("nope"), "\(missing.stderr)")
        let policy = try Fixtures.temporaryFile(Array(policyText.utf8), name: "policy.json")
        let result = try CLI.run(["audit", dir, "--policy", policy])
        #expect(result.status == 2, "\(policyText): \(result.stdout)")
        #expect(result.stderr.contains("pad_id") || result.stderr.contains("tensor"), "\(result.stderr)")
    }

    @Test("a pad row that is the only flagged row gives no untrained-tokens finding: padding-row-nonzero reports it (toy BERT: generate.py draws its pad row with std 0.01, the others with 0.05)")
    func padRowAlone() throws {
        let findings = try Self.audit([Fixtures.path("toy-bert-sharded")])
        #expect(!findings.contains { $0["rule"] as? String == "untrained-tokens" })
        #expect(findings.contains { $0["rule"] as? String == "padding-row-nonzero" })
    }

    /// A folder: config.json with pad_token_id 0, a vocab.txt of 20 tokens ("[PAD]", "tok1", …)
    /// and a 20 × 2 embedding whose row k is (1 + k/100, 0) except row 0 (0.01, 0) and row 7
    /// (0.02, 0). By hand: the norms' median is (1.09 + 1.10) / 2 = 1.095 and their MAD 0.055, so
    /// rows 0 and 7 have modified z 0.6745 × (0.01 − 1.095) / 0.055 ≈ −13.3 and ≈ −13.2, and no
    /// other row's |z| exceeds 1.2: rows 0 and 7 are flagged, nothing else.
    static func padAndOtherLow() throws -> String {
        let values: [Float] = (0..<20).flatMap { k -> [Float] in [k == 0 ? 0.01 : k == 7 ? 0.02 : 1 + Float(k) / 100, 0] }
        return try bertFolder(values, columns: 2)
    }

    /// A folder holding a BERT word embedding of 20 rows of `columns` F32 values, config.json
    /// (pad id 0, untied) and vocab.txt (`[PAD]`, then `tok1` … `tok19`: line = id).
    static func bertFolder(_ values: [Float], columns: UInt64) throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        let bytes = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        try Data(SafetensorsWriter(entries: [.init(name: "bert.embeddings.word_embeddings.weight", dtype: .f32, shape: [20, columns], bytes: bytes)])
            .serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        try Data(#"{"model_type": "bert", "pad_token_id": 0, "tie_word_embeddings": false}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        let vocab = ["[PAD]"] + (1..<20).map { "tok\($0)" }
        try Data((vocab.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        return dir.path
    }

    @Test("duplicate-rows names the tokens of a token matrix's equal rows (vocab.txt line = id)")
    func duplicateRowsNamed() throws {
        // 20 rows of 4 F32 values (128 bits: not chance); rows 3 and 11 equal by construction here.
        let values: [Float] = (0..<20).flatMap { k -> [Float] in
            let r = k == 11 ? 3 : k
            return [1 + Float(r) / 10, Float(r % 3), 0.5, Float(r) / 7]
        }
        let duplicates = try Self.audit([try Self.bertFolder(values, columns: 4)]).filter { $0["rule"] as? String == "duplicate-rows" }
        #expect(duplicates.count == 1)
        let message = try #require(duplicates.first?["message"] as? String)
        #expect(message.contains("largest group has 2 rows (3 \"tok3\", 11 \"tok11\")"), "\(message)")
    }

    @Test("a flagged pad row beside other low rows is named as the pad row, with the id config.json states, and counted in no category")
    func padRowNamed() throws {
        let findings = try Self.audit([try Self.padAndOtherLow()])
        let untrained = try #require(findings.first { $0["rule"] as? String == "untrained-tokens" })
        let evidence = try #require(untrained["evidence"] as? [String: Any])
        #expect(evidence["rows"] as? Int == 2)
        #expect(evidence["lowest_row"] as? Int == 0 && evidence["lowest_token"] as? String == "[PAD]")
        #expect(evidence["pad_row"] as? Int == 0)
        #expect(evidence["ordinary"] as? Int == 1 && evidence["special"] as? Int == 0 && evidence["unnamed"] as? Int == 0)
        let message = try #require(untrained["message"] as? String)
        #expect(message.contains("1 ordinary token (\"tok7\")"), "\(message)")
        #expect(message.contains("row 0 is the pad row (pad id 0 from pad_token_id in"), "\(message)")
    }

    @Test("--tensor on a matrix not named like a token matrix: the config and the architecture are no evidence for it; for the embedding they are")
    func requestedTying() throws {
        let dir = try Self.miniLMFolder()
        func tying(_ tensor: String, _ command: String, key: String) throws -> [String: Any] {
            let result = try CLI.run([command, dir, "--tensor", tensor, "--json"])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let matrix = try #require((report[key] as? [[String: Any]])?.first, "\(result.stdout)")
            return try #require(matrix["tying"] as? [String: Any])
        }
        for (command, key) in [("padding", "embeddings"), ("tokens", "embeddings")] {
            let query = try tying("encoder.layer.0.attention.self.query.weight", command, key: key)
            #expect(query["evidence"] as? String == "unknown" && query["tied"] is NSNull, "\(command): \(query)")
            #expect((query["detail"] as? String)?.contains("not named like an input embedding or output projection") == true)
            // config.json names the architecture BertModel, which has no output projection.
            let embedding = try tying("embeddings.word_embeddings.weight", command, key: key)
            #expect(embedding["evidence"] as? String == "architecture" && embedding["tied"] as? Bool == false, "\(command): \(embedding)")
        }
    }

    @Test("an output projection's low pad row is padding-row-nonzero's question, not outlier-rows': toy BERT's tied decoder copy has no such finding")
    func outputPadRow() throws {
        // generate.py draws toy BERT's pad row with std 0.01, the others with 0.05: the tied
        // decoder copy's only low row is the pad row (pad_token_id 0 in config.json).
        let findings = try Self.audit([Fixtures.path("toy-bert-sharded")])
        #expect(!findings.contains { $0["rule"] as? String == "outlier-rows" }, "\(findings)")
        // Another low row of an output projection is still reported; the pad row is left out.
        // Same rows as padAndOtherLow's, as lm_head.weight beside an embedding of (1 + k/100, 1).
        let dir = try Self.padAndOtherLow()
        let low: [Float] = (0..<20).flatMap { k -> [Float] in [k == 0 ? 0.01 : k == 7 ? 0.02 : 1 + Float(k) / 100, 0] }
        let plain: [Float] = (0..<20).flatMap { k -> [Float] in [1 + Float(k) / 100, 1] }
        func bytes(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } } }
        try Data(SafetensorsWriter(entries: [
            .init(name: "bert.embeddings.word_embeddings.weight", dtype: .f32, shape: [20, 2], bytes: bytes(plain)),
            .init(name: "lm_head.weight", dtype: .f32, shape: [20, 2], bytes: bytes(low)),
        ]).serialize()).write(to: URL(fileURLWithPath: dir).appendingPathComponent("model.safetensors"))
        let outliers = try Self.audit([dir]).filter { $0["rule"] as? String == "outlier-rows" }
        #expect(outliers.count == 1, "\(outliers)")
        let evidence = try #require(outliers.first?["evidence"] as? [String: Any])
        #expect(outliers.first?["tensors"] as? [String] == ["lm_head.weight"])
        #expect(evidence["rows"] as? Int == 1 && evidence["top_row"] as? Int == 7 && evidence["top_token"] as? String == "tok7")
    }

    @Test("tokens without a tokenizer: the tied matrix's note says no tokenizer was read, not that the tokenizer names no unused token")
    func tiedWithoutTokenizer() throws {
        let text = try CLI.run(["tokens", Fixtures.path("toy-bert/model.safetensors")]).stdout
        #expect(text.contains("the matrix is tied, but no tokenizer was read, so no unused token is known to compare rows with: no candidates are listed"), "\(text)")
        // The input embedding's note says untrained-tokens still reads its row norms; the tied
        // decoder copy's does not (it is no input embedding).
        #expect(text.contains("no candidates are listed; untrained-tokens still reads this input embedding's row norms, which say less in a tied matrix"), "\(text)")
        #expect(!text.contains("no indicator applies"), "\(text)")
        #expect(!text.contains("the tokenizer names no unused token"), "\(text)")
    }
}
