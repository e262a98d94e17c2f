import Foundation
import Testing
import TestSupport

/// A config.json that names a head class the file was not saved from. all-mpnet-base-v2's config
/// names MPNetForMaskedLM (inherited from microsoft/mpnet-base) while its tensors are
/// MPNetModel's, and it was called "tied … transformers saves a tied weight once" (review of
/// 2026-12-07; transformers' own `from_pretrained` of that folder as MPNetForMaskedLM reports the
/// LM head's tensors missing). Where MPNetForMaskedLM keeps the embedding is transformers'
/// `_tied_weights_keys` (TestData/knowledge/head-embedding-names.json).
@Suite struct SavedFromBaseTyingTests {
    /// A folder whose config names `architecture` and whose file stores a 6 × 4 embedding (pad
    /// row 1 not zero) under `prefix` + `embeddings.word_embeddings.weight`, and a pooler.
    static func folder(prefix: String, architecture: String = "MPNetForMaskedLM") throws -> String {
        let dir = try Fixtures.temporaryDirectory().path
        let embedding = (0 ..< 24).flatMap { i -> [UInt8] in withUnsafeBytes(of: Float(i % 7 + 1).bitPattern.littleEndian, Array.init) }
        let pooler = [UInt8](repeating: 0, count: 64)
        let file = SafetensorsWriter(entries: [.init(name: prefix + "embeddings.word_embeddings.weight", dtype: .f32, shape: [6, 4], bytes: embedding),
                                               .init(name: prefix + "pooler.dense.weight", dtype: .f32, shape: [4, 4], bytes: pooler)]).serialize()
        try Data(file).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        let config = #"{"architectures": ["\#(architecture)"], "model_type": "mpnet", "pad_token_id": 1, "vocab_size": 6}"#
        try Data(config.utf8).write(to: URL(fileURLWithPath: dir + "/config.json"))
        return dir
    }

    static func padding(_ dir: String) throws -> (tying: [String: Any], finding: [String: Any]) {
        let report = try CLI.json(["padding", dir, "--json"])
        let embedding = try #require((report["embeddings"] as? [[String: Any]])?.first)
        let finding = try #require((report["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "padding-row-nonzero" })
        return (try #require(embedding["tying"] as? [String: Any]), finding)
    }

    @Test("base-model names under a config naming MPNetForMaskedLM: not tied (architecture: MPNetModel), the pre-training tie, info")
    func baseNamesContradictTheHeadClass() throws {
        let (tying, finding) = try Self.padding(try Self.folder(prefix: ""))
        #expect(tying["tied"] as? Bool == false)
        #expect(tying["evidence"] as? String == "architecture")
        let detail = try #require(tying["detail"] as? String)
        #expect(detail.contains("names the architecture MPNetForMaskedLM, but the checkpoint's tensor names are those of MPNetForMaskedLM's base model MPNetModel"), "\(detail)")
        #expect(detail.contains("\"mpnet.embeddings.word_embeddings.weight\"") && !detail.contains("saves a tied weight once"), "\(detail)")
        #expect(finding["severity"] as? String == "info")
        let evidence = finding["evidence"] as? [String: Any]
        #expect(evidence?["pretraining_tie"] as? Bool == true && evidence?["architectures"] as? [String] == ["MPNetModel"], "\(finding)")
        // What config.json names, apart from the class the names show (review-63b M1).
        #expect(evidence?["named_architectures"] as? [String] == ["MPNetForMaskedLM"], "\(finding)")
        #expect((finding["message"] as? String)?.contains("config.json's architectures name MPNetForMaskedLM") == true, "\(finding)")
    }

    @Test("the head class's own names (mpnet.…): tied by MPNetConfig's default, the tied weight saved once; a names list that is not one class: no rule")
    func headNamesAgree() throws {
        let (tying, finding) = try Self.padding(try Self.folder(prefix: "mpnet."))
        #expect(tying["tied"] as? Bool == true)
        #expect(tying["evidence"] as? String == "model-type-default")
        #expect((tying["detail"] as? String)?.contains("transformers saves a tied weight once") == true, "\(tying)")
        #expect(finding["severity"] as? String == "info")
        // The head class and its base class named together, or the head class twice: the names decide all the same (hunt-59c P4).
        for listed in [#"MPNetForMaskedLM", "MPNetModel"#, #"MPNetForMaskedLM", "MPNetForMaskedLM"#] {
            let (both, _) = try Self.padding(try Self.folder(prefix: "", architecture: listed))
            #expect(both["evidence"] as? String == "architecture" && (both["detail"] as? String)?.contains("MPNetForMaskedLM's base model MPNetModel") == true,
                    "\(listed): \(both)")
        }
    }

    @Test("a tensor of the LM head's module (legacy or partial head), or one shard of several: no base-model claim")
    func headTensorsOrShardKeepTheRule() throws {
        // MPNetForMaskedLM's head module is `lm_head` (transformers' get_output_embeddings() is lm_head.decoder).
        // A legacy-named head tensor (`gamma`, as old BERT exports name LayerNorm weights) beside base-model names.
        let single = try Fixtures.temporaryDirectory().path
        let embedding = (0 ..< 24).flatMap { i -> [UInt8] in withUnsafeBytes(of: Float(i % 7 + 1).bitPattern.littleEndian, Array.init) }
        let withHead = SafetensorsWriter(entries: [.init(name: "embeddings.word_embeddings.weight", dtype: .f32, shape: [6, 4], bytes: embedding),
                                                   .init(name: "lm_head.layer_norm.gamma", dtype: .f32, shape: [4], bytes: [UInt8](repeating: 0, count: 16))])
        try Data(withHead.serialize()).write(to: URL(fileURLWithPath: single + "/model.safetensors"))
        try Data(#"{"architectures": ["MPNetForMaskedLM"], "model_type": "mpnet", "pad_token_id": 1, "vocab_size": 6}"#.utf8)
            .write(to: URL(fileURLWithPath: single + "/config.json"))
        let (tying, _) = try Self.padding(single)
        #expect(tying["evidence"] as? String != "architecture", "\(tying)")
        // A tensor under no root of MPNetModel's (its roots: embeddings, encoder, pooler), such as a head a config
        // option renames (DeBERTa-v2's `lm_predictions` with legacy false): no claim either (hunt-59e P1).
        let other = try Fixtures.temporaryDirectory().path
        try Data(SafetensorsWriter(entries: [.init(name: "embeddings.word_embeddings.weight", dtype: .f32, shape: [6, 4], bytes: embedding),
                                             .init(name: "lm_predictions.lm_head.dense.weight", dtype: .f32, shape: [4], bytes: [UInt8](repeating: 0, count: 16))])
            .serialize()).write(to: URL(fileURLWithPath: other + "/model.safetensors"))
        try Data(#"{"architectures": ["MPNetForMaskedLM"], "model_type": "mpnet", "pad_token_id": 1, "vocab_size": 6}"#.utf8)
            .write(to: URL(fileURLWithPath: other + "/config.json"))
        let (renamed, _) = try Self.padding(other)
        #expect(renamed["evidence"] as? String != "architecture", "\(renamed)")
        // Shard 1 of 2 named alone: the head may be in shard 2, so the names prove nothing.
        let sharded = try Fixtures.temporaryDirectory().path
        try Data(SafetensorsWriter(entries: [.init(name: "embeddings.word_embeddings.weight", dtype: .f32, shape: [6, 4], bytes: embedding)]).serialize())
            .write(to: URL(fileURLWithPath: sharded + "/model-00001-of-00002.safetensors"))
        try Data(#"{"architectures": ["MPNetForMaskedLM"], "model_type": "mpnet", "pad_token_id": 1, "vocab_size": 6}"#.utf8)
            .write(to: URL(fileURLWithPath: sharded + "/config.json"))
        let (shard, _) = try Self.padding(sharded + "/model-00001-of-00002.safetensors")
        #expect(shard["evidence"] as? String != "architecture", "\(shard)")
    }
}
