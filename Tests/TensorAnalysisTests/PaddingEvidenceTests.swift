import Foundation
import Testing
import TensorAnalysis
import CheckpointIO
import ModelKnowledge
import SafetensorsFormat
import TestSupport

/// The padding analysis grades each conclusion by its evidence: where the pad id came from and
/// what says whether the matrix is tied. Tie defaults are checked against transformers' answers
/// (TestData/knowledge/model-type-defaults.json), tokenizer answers against tokenizers'
/// (TestData/real/all-minilm-l6-v2/expected.json), norms against hand computation.
@Suite struct PaddingEvidenceTests {
    /// A [rows, 2] F32 matrix whose row i is (i + 1, 0.5): every row non-zero, norm known by hand.
    static func matrix(_ name: String, rows: Int) -> SafetensorsWriter.Entry {
        var bytes: [UInt8] = []
        for i in 0..<rows {
            for value in [Float(i + 1), 0.5] { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        }
        return .init(name: name, dtype: .f32, shape: [UInt64(rows), 2], bytes: bytes)
    }

    static func folder(_ entries: [SafetensorsWriter.Entry], files: [String: String]) throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: entries).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        return dir.path
    }

    static func transformersDefault(_ modelType: String) throws -> Bool {
        let all = try #require(try Fixtures.json("knowledge/model-type-defaults.json") as? [String: Any])
        let types = try #require(all["model_types"] as? [String: [String: Any]])
        return try #require(types[modelType]?["tie_word_embeddings"] as? Bool)
    }

    @Test("a Llama config without tie_word_embeddings: LlamaConfig's default is untied, so a non-zero pad row is a warning")
    func llamaDefaultUntied() throws {
        #expect(try Self.transformersDefault("llama") == false)
        let dir = try Self.folder([Self.matrix("model.embed_tokens.weight", rows: 8)],
                                  files: ["config.json": #"{"model_type": "llama", "pad_token_id": 2}"#])
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: dir))
        let r = try #require(report.results.first)
        #expect(r.tying.tied == false && r.tying.evidence == .modelTypeDefault)
        #expect(r.tying.detail.contains("LlamaConfig"))
        #expect(closeEnough(r.rowNorm, (9.0 + 0.25).squareRoot()))
        let finding = try #require(PaddingAnalysis.findings(report).first)
        #expect(finding.severity == .warning)
        #expect(!r.explanation.contains("explained by tying"))
    }

    @Test("a BERT config without the key: BertConfig's default implies the tie (info), stated as implied")
    func bertDefaultTied() throws {
        #expect(try Self.transformersDefault("bert") == true)
        let dir = try Self.folder([Self.matrix("bert.embeddings.word_embeddings.weight", rows: 8)],
                                  files: ["config.json": #"{"model_type": "bert", "pad_token_id": 0}"#])
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: dir))
        let r = try #require(report.results.first)
        #expect(r.tying.tied == true && r.tying.evidence == .modelTypeDefault && !r.tying.outputProjectionPresent)
        #expect(r.explanation.contains("implied, not stated"))
        #expect(PaddingAnalysis.findings(report).first?.severity == .info)
    }

    @Test("a config without model_type is not a transformers config: tying unknown, warning")
    func notTransformers() throws {
        let dir = try Self.folder([Self.matrix("embed_tokens.weight", rows: 4)],
                                  files: ["config.json": #"{"pad_token_id": 1, "normalize": true}"#])
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: dir))
        let r = try #require(report.results.first)
        #expect(r.tying.tied == nil && r.tying.evidence == .unknown)
        #expect(PaddingAnalysis.findings(report).first?.severity == .warning)
    }

    @Test("an explicit tie_word_embeddings true is config evidence even with no head in the file")
    func explicitConfig() throws {
        let dir = try Self.folder([Self.matrix("model.embed_tokens.weight", rows: 4)],
                                  files: ["config.json": #"{"model_type": "llama", "pad_token_id": 1, "tie_word_embeddings": true}"#])
        let r = try #require(try PaddingAnalysis.analyze(try Checkpoint.open(path: dir)).results.first)
        #expect(r.tying.tied == true && r.tying.evidence == .config)
    }

    @Test("tie_word_embeddings 1 is not a boolean: reported as a config value, not read as a tie")
    func numericTie() throws {
        let dir = try Self.folder([Self.matrix("model.embed_tokens.weight", rows: 4)],
                                  files: ["config.json": #"{"model_type": "llama", "pad_token_id": 1, "tie_word_embeddings": 1}"#])
        let checkpoint = try Checkpoint.open(path: dir)
        #expect(checkpoint.sourceIssues.contains { $0.file?.hasSuffix("config.json") == true })
        let r = try #require(try PaddingAnalysis.analyze(checkpoint).results.first)
        #expect(r.tying.tied == nil && r.tying.evidence == .unknown)
    }

    static let realFolder = "real/all-minilm-l6-v2"

    /// The real MiniLM tokenizer files beside a [30522, 2] matrix and a config without pad_token_id.
    static func miniLMFolder(tokenizerJSON: String? = nil) throws -> String {
        var files: [String: String] = ["config.json": #"{"model_type": "bert"}"#]
        for name in ["tokenizer.json", "vocab.txt", "special_tokens_map.json", "tokenizer_config.json"] {
            files[name] = String(decoding: try Fixtures.data(realFolder + "/" + name), as: UTF8.self)
        }
        if let tokenizerJSON { files["tokenizer.json"] = tokenizerJSON }
        return try folder([matrix("embeddings.word_embeddings.weight", rows: 30522)], files: files)
    }

    @Test("no pad_token_id in config.json: the pad token comes from the real MiniLM tokenizer, as transformers finds it")
    func padFromTokenizer() throws {
        let expected = try #require(try Fixtures.json(Self.realFolder + "/expected.json") as? [String: Any])
        let reference = try #require(expected["transformers"] as? [String: Any])
        let tokenizerJSON = try #require(expected["tokenizer_json"] as? [String: Any])
        let padID = try #require((reference["pad_token_id"] as? NSNumber)?.intValue)
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: try Self.miniLMFolder()))
        let r = try #require(report.results.first)
        #expect(r.padID.id == padID)
        #expect(r.padID.sourceName == "tokenizer")
        #expect(r.padToken == reference["pad_token"] as? String)
        #expect(r.rowIndex == padID)
        #expect(closeEnough(r.rowNorm, (Double(padID + 1) * Double(padID + 1) + 0.25).squareRoot()))
        // The known-unused rows are the tokens the tokenizer never yields (its [unusedN] tokens,
        // and WordPiece tokens its pre-tokenizer never leaves in one word), as the tokenizers
        // library found them; their norms by hand (row i's norm grows with i).
        let unused = try #require(r.unusedRows)
        let isolated = try #require(try Fixtures.json("knowledge/minilm-isolated-continuations.json") as? [String: Any])
        let ids = try #require(isolated["unreachable_ids"] as? [Int])
        #expect(unused.count == ids.count)
        #expect(ids.count > (tokenizerJSON["unused_count"] as? NSNumber)?.intValue ?? .max)
        let first = try #require(ids.min()), last = try #require(ids.max())
        #expect(closeEnough(unused.minimum, (Double(first + 1) * Double(first + 1) + 0.25).squareRoot()))
        #expect(closeEnough(unused.maximum, (Double(last + 1) * Double(last + 1) + 0.25).squareRoot()))
    }

    @Test("an unreadable tokenizer.json is a note naming it, and its pad token is not used: BertConfig's default pad id is, said as such")
    func brokenTokenizer() throws {
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: try Self.miniLMFolder(tokenizerJSON: "{\"model\": ")))
        #expect(report.notes.contains { $0.text.contains("tokenizer.json") && $0.text.contains("not used") }, "\(report.notes)")
        // config.json is {"model_type": "bert"}: transformers' BertConfig gives pad_token_id
        // (model-type-defaults.json, read from transformers), the padding_idx of its embedding.
        let defaults = try #require((try Fixtures.json("knowledge/model-type-defaults.json") as? [String: Any])?["model_types"] as? [String: [String: Any]])
        let bertPad = try #require((defaults["bert"]?["pad_token_id"] as? NSNumber)?.intValue)
        let r = try #require(report.results.first)
        #expect(r.padID.id == bertPad && r.padID.sourceName == "model-type-default", "\(r.padID)")
        #expect(r.padID.note.contains("implied, not stated"))
    }

    @Test("no pad id stated anywhere: a model type whose class has no default pad id (llama) gives none; a stated null is no default either")
    func noDefaultPad() throws {
        for config in [#"{"model_type": "llama"}"#, #"{"model_type": "bert", "pad_token_id": null}"#] {
            let folder = try Self.folder([Self.matrix("model.embed_tokens.weight", rows: 8)], files: ["config.json": config])
            let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: folder))
            #expect(report.results.isEmpty, "\(config)")
            #expect(report.notes.contains { $0.text.hasPrefix("no pad token found") }, "\(config): \(report.notes)")
        }
    }
}
