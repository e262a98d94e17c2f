import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// `config-vocab-mismatch`: token matrices whose rows are not config.json's vocab_size, which
/// transformers cannot load (helper-151 resized all-MiniLM-L6-v2 to 30,528 rows and kept
/// vocab_size 30522: `from_pretrained` raised a size mismatch, and audit passed).
@Suite struct ConfigVocabularyCLITests {
    /// TestData/toy-bert (1,000-row word embedding, a 1,000-row MLM decoder, vocab_size 1000)
    /// with config.json's vocab_size set to `size`.
    static func toyBert(vocabSize size: Int, extra: [String: Any] = [:]) throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        try Fixtures.data("toy-bert/model.safetensors").write(to: dir.appendingPathComponent("model.safetensors"))
        var config = try #require(try Fixtures.json("toy-bert/config.json") as? [String: Any])
        config["vocab_size"] = size
        for (key, value) in extra { config[key] = value }
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        return dir.path
    }

    static func findings(_ path: String) throws -> [[String: Any]] {
        let result = try CLI.run(["audit", path, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return CLI.findings(report, rule: "config-vocab-mismatch")
    }

    /// transformers 5.25 on the same folder (with num_attention_heads 4, which toy-bert's
    /// config leaves at BertConfig's 12): `AutoModelForMaskedLM.from_pretrained` raises
    /// RuntimeError "You set `ignore_mismatched_sizes` to `False`, thus raising an error".
    @Test("vocab_size 1006 against 1,000-row token matrices: a warning for the embedding and for the decoder")
    func mismatch() throws {
        let found = try Self.findings(try Self.toyBert(vocabSize: 1006))
        #expect(found.compactMap { ($0["tensors"] as? [String])?.first }.sorted()
            == ["bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight"])
        for finding in found {
            #expect(finding["severity"] as? String == "warning")
            let evidence = try #require(finding["evidence"] as? [String: Any])
            #expect(evidence["rows"] as? Int == 1000 && evidence["vocab_size"] as? Int == 1006)
            #expect((finding["message"] as? String)?.contains("has 1000 rows but config.json's vocab_size is 1006") == true)
        }
    }

    /// Where the claim does not hold (helper-152 found 11 models transformers saves and loads
    /// back that the first version warned on): a composite config (its tables are sized from
    /// parts), and model types whose tables have other sizes on purpose (Marian's decoder
    /// vocabulary, mllama's extra rows).
    @Test("a composite config (text_config) or a model type with tables of other sizes: nothing")
    func outsideTheClaim() throws {
        let cases: [[String: Any]] = [["text_config": ["vocab_size": 1006]], ["model_type": "marian"], ["model_type": "mllama_text_model"]]
        for extra in cases {
            #expect(try Self.findings(try Self.toyBert(vocabSize: 1006, extra: extra)).isEmpty, "\(extra)")
        }
    }

    @Test("vocab_size equal to the rows (toy-bert as it is): nothing")
    func agreement() throws {
        #expect(try Self.findings(Fixtures.path("toy-bert")).isEmpty)
    }
}

/// `config-vocab-mismatch` against transformers' own verdicts (`TestData/config-vocab`, written
/// by transformers 5.25): a warning exactly where `from_pretrained` refuses the folder. Mamba,
/// OpenAI-GPT and XLM name their embeddings in ways no by-name rule knows, and a stale vocab_size
/// hid them from the shape fallback too, so the audit passed (hunt-52a D2); CSM's depth decoder
/// builds num_codebooks × vocab_size rows on purpose (hunt-52a D1).
@Suite struct ConfigVocabularyVerdictTests {
    @Test("a warning exactly where transformers refuses to load, naming the input embedding",
          arguments: ["mamba", "mamba-stale", "openai-gpt", "openai-gpt-stale", "xlm", "xlm-stale", "csm-depth"])
    func agreesWithTransformers(name: String) throws {
        let expected = try #require((try Fixtures.json("config-vocab/expected.json") as? [String: Any])?[name] as? [String: Any])
        let found = try ConfigVocabularyCLITests.findings(Fixtures.path("config-vocab/\(name)"))
        if expected["transformers"] as? String == "refuses" {
            #expect(found.count == 1)
            #expect(found.first?["tensors"] as? [String] == [try #require(expected["embedding"] as? String)])
            #expect((found.first?["evidence"] as? [String: Any])?["rows"] as? Int == expected["rows"] as? Int)
        } else {
            #expect(found.isEmpty, "\(found)")
        }
    }

    /// One storage under four names (hunt-52a D8: four warnings, one per view).
    @Test("a torch T5 whose token matrices are one storage: one warning naming every view")
    func oneFindingPerBuffer() throws {
        let expected = try #require((try Fixtures.json("config-vocab/expected.json") as? [String: Any])?["t5-torch-stale"] as? [String: Any])
        #expect(expected["transformers"] as? String == "refuses")
        let found = try ConfigVocabularyCLITests.findings(Fixtures.path("config-vocab/t5-torch-stale"))
        #expect(found.count == 1)
        #expect(Set(found.first?["tensors"] as? [String] ?? []) == Set(try #require(expected["views"] as? [String])))
        #expect((found.first?["message"] as? String)?.contains("(one stored buffer, also read as ") == true)
    }

    /// CSM's tables, as transformers 5.25 saves a CsmForConditionalGeneration of vocab_size 40 and
    /// 3 codebooks (review-52b's csm.py, whose model is 367 MB with its codec, too big to
    /// commit): `depth_decoder.model.embed_tokens.weight` [120, 16] (3 × 40, on purpose) and
    /// `lm_head.weight` [40, 16]. transformers loads that folder, and refuses it with config.json's
    /// vocab_size set to 44: the depth table is exempt, the head is not (review-52b D4).
    @Test("CSM: the depth decoder's codebook table is exempt, a stale vocab_size is still found at lm_head")
    func csmHead() throws {
        func folder(vocabulary: Int) throws -> String {
            let dir = try Fixtures.temporaryDirectory()
            func matrix(_ name: String, rows: Int) -> SafetensorsWriter.Entry {
                var bytes: [UInt8] = []
                for k in 0..<rows * 16 {
                    let bits = Float(k % 7).bitPattern.littleEndian
                    withUnsafeBytes(of: bits) { bytes += $0 }
                }
                return SafetensorsWriter.Entry(name: name, dtype: .f32, shape: [UInt64(rows), 16], bytes: bytes)
            }
            let entries = [matrix("depth_decoder.model.embed_tokens.weight", rows: 120), matrix("lm_head.weight", rows: 40)]
            try Data(SafetensorsWriter(entries: entries).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
            try Data(#"{"model_type": "csm", "vocab_size": \#(vocabulary)}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
            return dir.path
        }
        #expect(try ConfigVocabularyCLITests.findings(try folder(vocabulary: 40)).isEmpty)
        let stale = try ConfigVocabularyCLITests.findings(try folder(vocabulary: 44))
        #expect(stale.count == 1)
        #expect(stale.first?["tensors"] as? [String] == ["lm_head.weight"])
    }
}
