import Foundation
import Testing
import TestSupport

/// Why an embedding's all-zero row is zero: freshly built RoBERTa and MPNet models, whose word
/// and position embeddings transformers builds with padding_idx, a T5 and an MPNet whose pad row
/// was zeroed by hand, a Llama with pad_token_id -1, and a config transformers refuses
/// (TestData/knowledge/zero-pad-rows, written by generate_zero_pad_rows.py). Expected rows come
/// from numpy and the padding_idx of each module after transformers' from_pretrained, in
/// expected.json.
@Suite struct ZeroPadRowCLITests {
    static let effect = "an embedding built with padding_idx starts that row at zero and its lookup never updates it"

    static func audit(_ folder: String, _ extra: [String] = []) throws -> (zeroFindings: [String: [String: Any]], expected: [String: Any]) {
        let expected = try #require(try Fixtures.json("knowledge/zero-pad-rows/\(folder)/expected.json") as? [String: Any])
        let report = try CLI.json(["audit", Fixtures.path("knowledge/zero-pad-rows/" + folder), "--format", "json"] + extra)
        var byTensor: [String: [String: Any]] = [:]
        for finding in CLI.findings(report, rule: "all-zero-rows") {
            if let tensors = finding["tensors"] as? [String], tensors.count == 1 { byTensor[tensors[0]] = finding }
        }
        return (byTensor, expected)
    }

    static func evidence(_ finding: [String: Any]?) -> [String: Any] { finding?["evidence"] as? [String: Any] ?? [:] }

    @Test("every zero row transformers builds with padding_idx is said to be that row, and no other is",
          arguments: ["roberta", "mpnet", "mpnet-pad5", "llama-negative-pad", "t5-zeroed", "gemma3-top-pad5", "gemma3-text-default"])
    func paddingIdxRows(folder: String) throws {
        let (findings, expected) = try Self.audit(folder)
        #expect(expected["loads"] as? Bool == true)
        let padding = try #require(expected["padding_idx"] as? [String: Int])
        let zeroRows = try #require(expected["zero_rows"] as? [String: [Int]])
        #expect(!zeroRows.isEmpty)
        let rowCounts = try #require(expected["row_counts"] as? [String: Int])
        for (tensor, rows) in zeroRows {
            let finding = try #require(findings[tensor], "\(tensor) has an all-zero-rows finding")
            // A matrix of zeros only (Gemma 3's fresh mm_input_projection_weight) is a warning.
            #expect(finding["severity"] as? String == (rows.count == rowCounts[tensor] ? "warning" : "info"), "\(tensor)")
            let message = try #require(finding["message"] as? String)
            if let index = padding[tensor], rows.contains(index) {
                #expect(Self.evidence(finding)["padding_idx"] as? Int == index, "\(tensor)")
                #expect(message.contains("row \(index) is the padding_idx row of "), "\(message)")
                #expect(message.contains(Self.effect), "\(message)")
            } else {
                #expect(Self.evidence(finding)["padding_idx"] == nil, "\(tensor)")
                #expect(!message.contains("is the padding_idx row"), "\(message)")
            }
        }
    }

    @Test("the pad id's zero row is named; where padding_idx is elsewhere or nowhere, the sentence says it does not account for it")
    func padIDRows() throws {
        let roberta = try Self.audit("roberta").zeroFindings
        let word = Self.evidence(roberta["roberta.embeddings.word_embeddings.weight"])
        #expect(word["pad_id"] as? Int == 1 && word["pad_id_source"] as? String == "config")
        // A position table's rows are no token's.
        #expect(Self.evidence(roberta["roberta.embeddings.position_embeddings.weight"])["pad_id"] == nil)
        // MPNet with pad id 5: padding_idx stays 1, and row 5 (zeroed by hand) is the pad id's.
        let mpnet = try Self.audit("mpnet-pad5")
        let finding = try #require(mpnet.zeroFindings["mpnet.embeddings.word_embeddings.weight"])
        #expect(Self.evidence(finding)["pad_id"] as? Int == 5)
        let message = try #require(finding["message"] as? String)
        #expect(message.contains("row 5 is the pad id's row (pad id 5 from pad_token_id in "), "\(message)")
        #expect(message.contains("padding_idx 1, not the pad id 5") && message.hasSuffix("so padding_idx does not account for that row being zero, and nothing known does (padding_idx evidence: model-type-default)"))
        // T5 builds no padding_idx at all.
        let t5 = try #require(try Self.audit("t5-zeroed").zeroFindings["shared.weight"])
        #expect(Self.evidence(t5)["pad_id"] as? Int == 0)
        #expect((t5["message"] as? String)?.contains("without padding_idx") == true)
    }

    @Test("Gemma 3 builds its text model's padding_idx from the text_config: a top-level pad_token_id is set aside with a note")
    func gemma3TextConfigPad() throws {
        let name = "language_model.model.embed_tokens.weight"
        let top = try Self.audit("gemma3-top-pad5")
        // transformers: padding_idx 0 (the text_config's), although config.json's top level says 5.
        #expect((top.expected["padding_idx"] as? [String: Int])?[name] == 0)
        let word = Self.evidence(top.zeroFindings[name])
        #expect(word["pad_id"] as? Int == 0 && word["pad_id_source"] as? String == "config")
        let report = try CLI.json(["audit", Fixtures.path("knowledge/zero-pad-rows/gemma3-top-pad5"), "--format", "json"])
        let ignored = CLI.findings(report, rule: "pad-id-source-ignored").compactMap { $0["message"] as? String }
        #expect(ignored.contains { $0.contains("the top-level pad_token_id 5 is not what Gemma3Config builds its text model with") }, "\(ignored)")
        #expect(CLI.findings(report, rule: "padding-row-nonzero").isEmpty, "row 5 is not the pad row")
        // No pad_token_id anywhere: Gemma3TextConfig's default 0, implied.
        let plain = Self.evidence(try Self.audit("gemma3-text-default").zeroFindings[name])
        #expect(plain["pad_id"] as? Int == 0 && plain["pad_id_source"] as? String == "model-type-default")
    }

    @Test("--pad-id does not move the row transformers zeroes: config.json's padding_idx row is still explained")
    func padIDFlag() throws {
        let (findings, _) = try Self.audit("roberta", ["--pad-id", "5"])
        let word = try #require(findings["roberta.embeddings.word_embeddings.weight"])
        #expect(Self.evidence(word)["padding_idx"] as? Int == 1)
        #expect(Self.evidence(word)["pad_id"] == nil, "row 5 is not zero")
    }

    @Test("a --tensor position table is explained as a position table, and the word embedding still is")
    func tensorChoice() throws {
        let (findings, _) = try Self.audit("roberta", ["--tensor", "roberta.embeddings.position_embeddings.weight"])
        let position = try #require(findings["roberta.embeddings.position_embeddings.weight"])
        #expect(Self.evidence(position)["padding_idx"] as? Int == 1)
        #expect(Self.evidence(position)["pad_id"] == nil, "no pad token's row")
        #expect((position["message"] as? String)?.contains("padding_idx row of embeddings.position_embeddings") == true)
        #expect(Self.evidence(findings["roberta.embeddings.word_embeddings.weight"])["padding_idx"] as? Int == 1)
    }

    @Test("a config transformers refuses (a pad_token_id list; Gemma 3's text_config \"x\"): no padding_idx is claimed",
          arguments: ["roberta-list-pad", "gemma3-text-config-string", "gemma3-top-pad-list"])
    func refusedConfig(folder: String) throws {
        let (findings, expected) = try Self.audit(folder)
        #expect(expected["loads"] as? Bool == false)
        #expect(findings.count == (expected["zero_rows"] as? [String: Any])?.count)
        for finding in findings.values {
            #expect(Self.evidence(finding)["padding_idx"] == nil)
            #expect((finding["message"] as? String)?.contains("builds") == false)
        }
    }

    @Test("MPNet fixes padding_idx at 1 (model-type-default); RoBERTa takes config.json's pad_token_id (config)")
    func evidenceOfTheIndex() throws {
        let roberta = try Self.audit("roberta").zeroFindings
        let mpnet = try Self.audit("mpnet").zeroFindings
        let robertaPosition = try #require(roberta["roberta.embeddings.position_embeddings.weight"]?["message"] as? String)
        #expect(robertaPosition.contains("padding_idx = pad_token_id, here config.json's pad_token_id 1;") && robertaPosition.hasSuffix("(padding_idx evidence: config)"))
        let mpnetPosition = try #require(mpnet["mpnet.embeddings.position_embeddings.weight"]?["message"] as? String)
        #expect(mpnetPosition.contains("builds it with padding_idx 1, which the class fixes whatever pad_token_id says;") && mpnetPosition.hasSuffix("(padding_idx evidence: model-type-default)"))
    }

    @Test("padding explains a zero pad row the same way")
    func paddingCommand() throws {
        let text = try CLI.run(["padding", Fixtures.path("knowledge/zero-pad-rows/roberta")]).stdout
        #expect(text.contains("the pad row is all zeros: RobertaConfig's model"))
        #expect(text.contains(Self.effect + " (padding_idx evidence: config)"))
    }

    @Test("tokens leaves the padding_idx row out of its candidates, as audit's untrained-tokens sorts it into no category")
    func tokensCandidates() throws {
        let expected = try #require(try Fixtures.json("knowledge/zero-pad-rows/llama-negative-pad/expected.json") as? [String: Any])
        let index = try #require((expected["padding_idx"] as? [String: Int])?["model.embed_tokens.weight"])
        let report = try CLI.json(["tokens", Fixtures.path("knowledge/zero-pad-rows/llama-negative-pad"), "--json"])
        let matrices = try #require(report["embeddings"] as? [[String: Any]])
        let embedding = try #require(matrices.first { $0["tensor"] as? String == "model.embed_tokens.weight" })
        #expect(embedding["indicator"] as? String == "input-row-norm")
        let rows = (embedding["candidates"] as? [[String: Any]] ?? []).compactMap { $0["row"] as? Int }
        #expect(!rows.contains(index), "the zero padding_idx row \(index) is no candidate: \(rows)")
    }

    @Test("padding: a zero pad row of a tied matrix says the output layer's gradient would reach it")
    func tiedZeroRow() throws {
        let text = try CLI.run(["padding", Fixtures.path("knowledge/zero-pad-rows/roberta")]).stdout
        #expect(text.contains("tying: tied"))
        #expect(text.contains("but the matrix is tied (evidence: "), "\(text)")
        #expect(text.contains("so a zero row here was not trained through that layer"))
    }

    /// Every row of the matrix is zero: the finding names the pad id's row and stops there; why
    /// that row in particular is zero says nothing of an all-zero matrix (review-63b M5).
    @Test("an all-zero matrix: the pad id's row is named, with no sentence on why that row is zero")
    func allZeroMatrixNamesThePadRowOnly() throws {
        let audit = try CLI.run(["audit", Fixtures.path("knowledge/nonfinite/zero"), "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let zero = try #require(CLI.findings(report, rule: "all-zero-rows").first)
        let message = try #require(zero["message"] as? String)
        #expect(message.hasPrefix("model.embed_tokens.weight: 48 of 48 rows are all zero"), "\(message)")
        #expect(message.hasSuffix("row 0 is the pad id's row (pad id 0 from the pad token \"[PAD]\" in "
            + Fixtures.path("knowledge/nonfinite/zero") + "/special_tokens_map.json, token \"[PAD]\")"), "\(message)")
        #expect(Self.evidence(zero)["pad_id"] as? Int == 0)
        // One finding is "1 finding" in the text report's last line (review-63b L4: "1 findings").
        let text = try CLI.run(["audit", Fixtures.path("knowledge/nonfinite/zero")]).stdout
        #expect(text.hasSuffix("PASSED: 1 finding (0 error, 1 warning, 0 info), 0 failing\n"), "\(text)")
    }

    /// The same with padding_idx from config.json (BERT builds row pad_token_id with it): the
    /// padding_idx sentence is left out of an all-zero matrix's finding too (hunt-63d L1); its
    /// evidence stays.
    @Test("an all-zero BERT embedding: no padding_idx sentence, the padding_idx evidence kept")
    func allZeroMatrixDropsThePaddingIdxSentence() throws {
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [.init(name: "bert.embeddings.word_embeddings.weight", dtype: .f32, shape: [8, 4], bytes: [UInt8](repeating: 0, count: 128))]).serialize())
            .write(to: dir.appendingPathComponent("model.safetensors"))
        try Data(#"{"model_type": "bert", "architectures": ["BertModel"], "pad_token_id": 0, "vocab_size": 8, "hidden_size": 4}"#.utf8)
            .write(to: dir.appendingPathComponent("config.json"))
        let audit = try CLI.run(["audit", dir.path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let zero = try #require(CLI.findings(report, rule: "all-zero-rows").first)
        let message = try #require(zero["message"] as? String)
        #expect(message.hasPrefix("bert.embeddings.word_embeddings.weight: 8 of 8 rows are all zero") && !message.contains("padding_idx row"), "\(message)")
        #expect(Self.evidence(zero)["padding_idx"] as? Int == 0)
    }
}
