import Foundation
import SafetensorsFormat
import Testing
import TestSupport

/// Why a non-zero pad row is expected, or not known to be: tiny Llama folders whose tokenizer
/// pads with `</s>` and one of an unknown model type (TestData/knowledge/pad-roles, written by
/// generate_pad_roles.py). Expected answers come from transformers' reload in expected.json.
@Suite struct PadRoleCLITests {
    static func finding(_ folder: String) throws -> (finding: [String: Any], expected: [String: Any]) {
        let path = Fixtures.path("knowledge/pad-roles/" + folder)
        let expected = try #require(try Fixtures.json("knowledge/pad-roles/\(folder)/expected.json") as? [String: Any])
        let report = try CLI.json(["audit", path, "--format", "json"])
        let finding = try #require(CLI.findings(report, rule: "padding-row-nonzero").first)
        return (finding, expected)
    }

    @Test("pad_token_id null or absent: transformers builds the embedding without padding_idx, so the </s> row trains (info)",
          arguments: ["null-pad-eos", "absent-pad-eos"])
    func withoutPaddingIdx(folder: String) throws {
        let (finding, expected) = try Self.finding(folder)
        #expect(expected["padding_idx"] is NSNull)
        #expect(expected["tied"] as? Bool == false)
        #expect(finding["severity"] as? String == "info")
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect(evidence["padding_idx_row"] as? Bool == false)
        #expect(evidence["pad_id"] as? Int == expected["pad_token_id"] as? Int)
        #expect(closeEnough(Fixtures.number(evidence["row_norm"] as Any) ?? 0, Fixtures.number(expected["pad_row_norm"] as Any) ?? .nan))
        let message = try #require(finding["message"] as? String)
        #expect(message.contains("without padding_idx"))
        #expect(message.contains(folder == "null-pad-eos" ? "(padding_idx evidence: config)" : "(padding_idx evidence: model-type-default)"))
    }

    @Test("pad_token_id stated as the EOS id: padding_idx is that row, but </s> is read in training (info, pad_token_roles)")
    func padIsEOS() throws {
        let (finding, expected) = try Self.finding("stated-pad-eos")
        #expect(expected["padding_idx"] as? Int == 2 && expected["eos_token_id"] as? Int == 2)
        #expect(finding["severity"] as? String == "info")
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect(evidence["pad_token_roles"] as? [String] == ["eos_token"])
        #expect(evidence["padding_idx_row"] == nil)
        #expect((finding["message"] as? String)?.contains("the pad token is also the eos_token") == true)
        // transformers put padding_idx on this row (expected.json): the sentence says so.
        #expect((finding["message"] as? String)?.contains("config.json's pad_token_id puts padding_idx on this row") == true)
        // padding's explanation of the matrix says the same, not "as expected".
        let text = try CLI.run(["padding", Fixtures.path("knowledge/pad-roles/stated-pad-eos")]).stdout
        #expect(text.contains("but config.json's pad_token_id puts padding_idx on this row") && text.contains("which the files cannot show"), "\(text)")
        #expect(!text.contains("non-zero, as expected"))
    }

    @Test("a tied matrix whose pad token is also </s>, padding_idx on its row: the sentence says the tie trains the row, the lookup does not")
    func tiedPadIsEOS() throws {
        let (finding, expected) = try Self.finding("tied-stated-pad-eos")
        #expect(expected["tied"] as? Bool == true && expected["padding_idx"] as? Int == 2 && expected["eos_token_id"] as? Int == 2)
        #expect(finding["severity"] as? String == "info")
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect(evidence["pad_token_roles"] as? [String] == ["eos_token"] && evidence["tied"] as? Bool == true)
        let message = try #require(finding["message"] as? String)
        #expect(message.contains("the matrix is tied (evidence: config), which accounts for it; the pad token is also the eos_token, but "
                                 + "config.json's pad_token_id puts padding_idx on this row, so reading it as that token does not train the row: "
                                 + "the tied output layer's gradient does"), "\(message)")
    }

    @Test("a model type transformers does not know: whether padding_idx zeroes the row is not known (warning that says so)")
    func unknownModelType() throws {
        let (finding, expected) = try Self.finding("unknown-type")
        #expect(expected["autoconfig"] as? String == "ValueError")
        #expect(finding["severity"] as? String == "warning")
        let message = try #require(finding["message"] as? String)
        #expect(message.contains("is not known (model_type \"foo_bar\" is not among the"))
        #expect(!message.contains("so nothing accounts for it"))
    }

    @Test("a pad token added after training by resize_token_embeddings: its row is the others' mean (info, distance from numpy)")
    func addedPadToken() throws {
        let (finding, expected) = try Self.finding("added-pad")
        // transformers put the pad on the last row (9 rows) with padding_idx there, yet the row
        // is non-zero: mean resizing gave it the mean of the old rows.
        #expect(expected["pad_token_id"] as? Int == 8 && expected["rows"] as? Int == 9 && expected["padding_idx"] as? Int == 8)
        #expect(finding["severity"] as? String == "info")
        let evidence = try #require(finding["evidence"] as? [String: Any])
        let distance = try #require(Fixtures.number(evidence["distance_from_mean_row"] as Any))
        #expect(closeEnough(distance, Fixtures.number(expected["distance_from_mean_row"] as Any) ?? .nan, relative: 1e-6), "\(distance)")
        #expect((finding["message"] as? String)?.contains("resize_token_embeddings") == true)
        // The same rows without the resize's mean: a random last row is no mean, and keeps the warning.
        #expect(distance <= 1e-3 * (Fixtures.number(expected["median_row_norm"] as Any) ?? 0))
    }

    @Test("views of one stored buffer (a T5 torch file's shared and embed_tokens) have one pad row, reported once naming each view")
    func viewsOfOneBuffer() throws {
        let path = Fixtures.path("knowledge/pad-roles/t5-views")
        let expected = try #require(try Fixtures.json("knowledge/pad-roles/t5-views/expected.json") as? [String: Any])
        let views = try #require(expected["views_of_one_storage"] as? [String])
        #expect(views.count == 3)
        let findings = CLI.findings(try CLI.json(["audit", path, "--format", "json"]), rule: "padding-row-nonzero")
        #expect(findings.count == 1)
        #expect((findings.first?["tensors"] as? [String])?.sorted() == views)
        #expect((findings.first?["message"] as? String)?.contains("one stored buffer, also read as") == true)
        // untrained-tokens reads the same buffer once too (it gave one finding per view).
        let untrained = CLI.findings(try CLI.json(["audit", path, "--format", "json"]), rule: "untrained-tokens")
        #expect(untrained.count == 1)
        #expect((untrained.first?["tensors"] as? [String])?.sorted() == views)
        #expect((untrained.first?["message"] as? String)?.contains("one stored buffer, also read as") == true)
        // tokens reports the same finding as audit.
        let tokens = try #require(try CLI.json(["tokens", path, "--json"])["findings"] as? [[String: Any]])
        #expect(tokens.count == 1 && (tokens.first?["tensors"] as? [String])?.sorted() == views)
    }

    /// A BERT classifier saved by transformers 2.x: its config.json carries `bos_token_id: 0` by
    /// default, the pad id too, and a BERT tokenizer has no bos token. The role is config.json's
    /// alone and names no token the model reads, so the pre-training tie is what the finding
    /// says (helper-149, on rxnfp's fine-tuned BERT). Without tokenizer files the role is kept,
    /// attributed to config.json.
    @Test("config.json's bos_token_id 0 with a BERT tokenizer that has no bos token: no role, the pre-training tie is said")
    func configRoleTheTokenizerLacks() throws {
        let dir = try Fixtures.temporaryDirectory()
        let rows: [[Float]] = [[0.5, 0.5, 0.5, 0.5]] + (1..<8).map { r in [Float(r), 1, 0, 0] }
        let entry = SafetensorsWriter.Entry(name: "bert.embeddings.word_embeddings.weight", dtype: .f32, shape: [8, 4],
                                            bytes: rows.flatMap { $0 }.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
        try Data(SafetensorsWriter(entries: [entry]).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        try Data(#"{"model_type": "bert", "architectures": ["BertForSequenceClassification"], "pad_token_id": 0, "bos_token_id": 0, "vocab_size": 8}"#.utf8)
            .write(to: dir.appendingPathComponent("config.json"))
        func finding() throws -> [String: Any] {
            try #require(CLI.findings(try CLI.json(["audit", dir.path, "--format", "json"]), rule: "padding-row-nonzero").first)
        }
        // No tokenizer: config.json's role stands, and the message says whose it is.
        let alone = try finding()
        #expect((alone["evidence"] as? [String: Any])?["pad_token_roles"] as? [String] == ["bos_token"])
        #expect((alone["message"] as? String)?.contains("the bos_token (config.json's bos_token_id)") == true, "\(alone)")
        // BertTokenizer's vocab.txt: no bos token, so no role; the model type's pre-training tie instead.
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\nc\n".utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        try Data(#"{"tokenizer_class": "BertTokenizer", "pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]"}"#.utf8)
            .write(to: dir.appendingPathComponent("tokenizer_config.json"))
        let withTokenizer = try finding()
        let evidence = try #require(withTokenizer["evidence"] as? [String: Any])
        #expect(evidence["pad_token_roles"] == nil, "\(evidence)")
        #expect(evidence["pretraining_tie"] as? Bool == true, "\(evidence)")
        #expect(withTokenizer["severity"] as? String == "info")
        #expect((withTokenizer["message"] as? String)?.contains("bos_token") == false, "\(withTokenizer)")
        // config.json's eos_token_id 0 where the tokenizer's eos is [SEP] (id 3): transformers'
        // tokenizer builds the inputs with 3, so row 0 is no eos the model reads (hunt-52a D11).
        try Data(#"{"model_type": "bert", "architectures": ["BertForSequenceClassification"], "pad_token_id": 0, "eos_token_id": 0, "vocab_size": 8}"#.utf8)
            .write(to: dir.appendingPathComponent("config.json"))
        try Data(#"{"tokenizer_class": "BertTokenizer", "pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]", "eos_token": "[SEP]"}"#.utf8)
            .write(to: dir.appendingPathComponent("tokenizer_config.json"))
        let otherEOS = try finding()
        #expect((otherEOS["evidence"] as? [String: Any])?["pad_token_roles"] == nil, "\(otherEOS)")
        #expect((otherEOS["evidence"] as? [String: Any])?["pretraining_tie"] as? Bool == true, "\(otherEOS)")
    }

    /// A Llama folder whose tokenizer files state no eos role (LlamaTokenizer's own default
    /// gives `</s>`, which the files need not say): the row keeps its eos role, now as the
    /// class's own (hunt-62b N2), which a note states. The drop above is for WordPiece tokenizers only; this role
    /// was lost with it, and the row "nothing accounts for" (helper-150).
    @Test("a Llama tokenizer that states no eos role: LlamaTokenizer's own eos \"</s>\" keeps the pad row's role, and a note says so")
    func configEOSRoleKeptForLlama() throws {
        let dir = try Fixtures.temporaryDirectory()
        func matrix(_ name: String, _ scale: Float) -> SafetensorsWriter.Entry {
            let values: [Float] = (0..<16).map { Float($0 % 5 + 1) * scale }
            return .init(name: name, dtype: .f32, shape: [4, 4], bytes: values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
        }
        try Data(SafetensorsWriter(entries: [matrix("model.embed_tokens.weight", 1), matrix("lm_head.weight", 2)]).serialize())
            .write(to: dir.appendingPathComponent("model.safetensors"))
        try Data(#"{"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 4, "pad_token_id": 2, "eos_token_id": 2, "bos_token_id": 1, "tie_word_embeddings": false}"#.utf8)
            .write(to: dir.appendingPathComponent("config.json"))
        let added = ["<unk>", "<s>", "</s>"].enumerated().map { #"{"id": \#($0), "content": "\#($1)", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}"# }
        try Data(#"{"version": "1.0", "added_tokens": [\#(added.joined(separator: ", "))], "normalizer": null, "pre_tokenizer": null, "model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["<s>", 0.0], ["</s>", 0.0], ["a", -1.0]]}}"#.utf8)
            .write(to: dir.appendingPathComponent("tokenizer.json"))
        try Data(#"{"tokenizer_class": "LlamaTokenizer"}"#.utf8).write(to: dir.appendingPathComponent("tokenizer_config.json"))
        let result = try CLI.run(["audit", dir.path, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let finding = try #require(CLI.findings(report, rule: "padding-row-nonzero").first)
        #expect(finding["severity"] as? String == "info", "\(finding)")
        #expect((finding["evidence"] as? [String: Any])?["pad_token_roles"] as? [String] == ["eos_token"])
        // transformers 5.25 gives LlamaTokenizer's own eos "</s>" (id 2) the role here:
        // `special_tokens_map` {'bos_token': '<s>', 'eos_token': '</s>', 'unk_token': '<unk>'}.
        #expect((finding["message"] as? String)?.contains("the pad token is also the eos_token") == true, "\(finding)")
        let tokens = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.run(["tokens", dir.path, "--json"]).stdout.utf8)) as? [String: Any])
        let notes = tokens["notes"] as? [String] ?? []
        #expect(notes.contains { $0.contains(#""LlamaTokenizer"'s own special tokens in transformers"#) && $0.contains(#"eos_token "</s>" (id 2)"#) }, "\(notes)")
    }

    @Test("without tokenizer files, config.json's eos_token_id gives the pad id its role (info, pad_token_roles)")
    func roleFromConfig() throws {
        let path = Fixtures.path("knowledge/pad-roles/stated-pad-eos-config-only")
        let expected = try #require(try Fixtures.json("knowledge/pad-roles/stated-pad-eos-config-only/expected.json") as? [String: Any])
        #expect(expected["pad_token_id"] as? Int == 2 && expected["eos_token_id"] as? Int == 2)
        let finding = try #require(CLI.findings(try CLI.json(["audit", path, "--format", "json"]), rule: "padding-row-nonzero").first)
        #expect(finding["severity"] as? String == "info")
        #expect((finding["evidence"] as? [String: Any])?["pad_token_roles"] as? [String] == ["eos_token"])
    }
}
